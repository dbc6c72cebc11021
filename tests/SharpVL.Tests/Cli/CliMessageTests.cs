using System.Text.Json;

namespace SharpVL.Tests.Cli;

/// <summary>Messages a person can read: one line, no .NET internals, a hint instead of the whole help, exit codes 1/2.</summary>
public sealed class CliMessageTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static void AssertReadable(string stderr)
    {
        Assert.DoesNotContain("System.", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Usage:", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--top-k abc", "error: --top-k: 'abc' is not a whole number.")]
    [InlineData("--top-k -1", "error: --top-k: -1 is too small (at least 0).")]
    [InlineData("--batch-size 0", "error: --batch-size: 0 is too small (at least 1).")]
    [InlineData("--device GPU", "error: --device: 'GPU' is not a device; use cpu, cuda or cuda:N (e.g. cuda:0).")]
    [InlineData("--dtype fp8", "error: --dtype: 'fp8' is not a dtype; use float32, bfloat16 or float16.")]
    [InlineData("--frames 4", "error: unknown option '--frames'")]
    [InlineData("--top-kk 3", "error: unknown option '--top-kk' (did you mean --top-k?)")]
    [InlineData("--frame-indices 1,x,3,4", "error: --frame-indices: 'x' is not a frame index (a whole number ≥ 0).")]
    [InlineData("--json --csv", "error: choose one output format: --json, --jsonl or --csv.")]
    public void BadOptionsAreOneLineWithAHintAndExitCode2(string options, string expected)
    {
        var (exit, stdout, stderr) = CliRunner.Run(["classify", CliWorkspace.Clip, "--model", CliWorkspace.VideoMAE, .. options.Split(' ')]);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var lines = stderr.TrimEnd().Split('\n');
        Assert.Equal([expected, "hint: run 'sharpvl classify --help' for the options."], lines);
        AssertReadable(stderr);
    }

    [Theory]
    [InlineData("SHARPVL_ATTENTION_KERNEL", "flash", "error: SHARPVL_ATTENTION_KERNEL=flash: Unknown attention kernel 'flash'. Use libtorch or native.")]
    [InlineData("SHARPVL_FP32_KERNEL", "mkl", "error: SHARPVL_FP32_KERNEL=mkl: Unknown float32 kernel 'mkl'. Use libtorch, onednn or dnnl-sgemm.")]
    [InlineData("SHARPVL_VIDEO_DECODER", "pyav", "error: SHARPVL_VIDEO_DECODER=pyav: Unknown video decoder 'pyav'. Use worker, ffmpeg or auto.")]
    [InlineData("SHARPVL_VIDEO_WORKER", "/no/such/worker", "error: SHARPVL_VIDEO_WORKER=/no/such/worker: no such file.")]
    public void AnUnknownKernelInTheEnvironmentIsAStartUpErrorNamingTheVariable(string variable, string value, string expected)
    {
        var (exit, stdout, stderr) = CliRunner.RunWith(null, new Dictionary<string, string?> { [variable] = value },
            "classify", CliWorkspace.Clip, "--model", CliWorkspace.VideoMAE);
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Equal(expected, stderr.TrimEnd());
        AssertReadable(stderr);
    }

    [Fact]
    public void AnUnknownAttentionKernelOptionIsOneLine()
    {
        var (exit, _, stderr) = CliRunner.Run("classify", CliWorkspace.Clip, "--model", CliWorkspace.VideoMAE, "--attention-kernel", "flash");
        Assert.Equal(1, exit);
        Assert.Equal("error: Unknown attention kernel 'flash'. Use libtorch or native.", stderr.TrimEnd());
    }

    [Fact]
    public void UnknownCommandSuggestsTheNearestAndHelpSaysSharpvl()
    {
        var (exit, _, stderr) = CliRunner.Run("clasify", "x.mp4");
        Assert.Equal(2, exit);
        Assert.Equal("error: unknown command 'clasify' (did you mean classify?)", stderr.Split('\n')[0]);

        var help = CliRunner.Run("zero-shot", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("sharpvl zero-shot <videos>... [options]", help.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("SharpVL.Cli", help.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("--frames ", help.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("num_attention_heads", "0")]
    [InlineData("hidden_size", "-32")]
    [InlineData("patch_size", "0")]
    public void AHostileConfigIsOneLineAndExitCode1AndVerboseShowsTheDetails(string field, string value)
    {
        var model = _workspace.ModelWithConfig(CliWorkspace.VideoMAE, "model", config => config[field] = JsonDocument.Parse(value).RootElement);
        var (exit, stdout, stderr) = CliRunner.Run("classify", CliWorkspace.Clip, "--model", model, "--json");
        Assert.Equal(1, exit);
        var errors = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.Single(errors);
        AssertReadable(stderr);
        using var document = JsonDocument.Parse(stdout);
        Assert.Equal(errors[0]["error: ".Length..], document.RootElement.GetProperty("summary").GetProperty("fatal_error").GetString());

        var verbose = CliRunner.Run("classify", CliWorkspace.Clip, "--model", model, "--verbose");
        Assert.Equal(1, verbose.ExitCode);
        Assert.Contains("   at ", verbose.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("classify")]
    [InlineData("zero-shot")]
    [InlineData("av-classify")]
    public void FramesIsGoneFromEveryVideoCommandInFavourOfFrameIndices(string command)
    {
        // --frames did nothing the model's num_frames did not already decide; frame choice is --frame-indices (or --sample-rate).
        var (exit, _, stderr) = CliRunner.Run(command, CliWorkspace.Clip, "--frames", "8", "--model", CliWorkspace.VideoMAE);
        Assert.Equal(2, exit);
        Assert.Equal("error: unknown option '--frames'", stderr.Split('\n')[0]);
        AssertReadable(stderr);
    }
}
