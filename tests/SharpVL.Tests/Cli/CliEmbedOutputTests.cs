using System.Text.Json;

namespace SharpVL.Tests.Cli;

/// <summary>embed --output is replaced as a whole: never a mix of two runs, nothing half-written after a failure.</summary>
public sealed class CliEmbedOutputTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static CliResult Embed(string output, params string[] more) => EmbedWith(TestPaths.Fixture("models/xclip-tiny"), output, more);

    private static CliResult EmbedWith(string model, string output, params string[] more)
        => CliRunner.Run(["embed", CliWorkspace.Clip, "--texts", "a cat", "--model", model, "--output", output, .. more]);

    [Fact]
    public void AnExistingFolderIsReplacedOnlyWithOverwriteAndAsAWhole()
    {
        var output = _workspace.PathOf("embeddings");
        _workspace.Text("embeddings/video_embeds.json", "{\"old\": true}");
        _workspace.Text("embeddings/stale.txt", "from an earlier run");

        var refused = Embed(output);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"--output: '{output}' already exists and is not empty; use --overwrite to replace it.", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("{\"old\": true}", File.ReadAllText(Path.Combine(output, "video_embeds.json")));

        var replaced = Embed(output, "--overwrite", "--json");
        Assert.True(replaced.ExitCode == 0, replaced.Stderr);
        Assert.Equal(
            ["text_embeds.json", "text_embeds.npy", "video_embeds.json", "video_embeds.npy"],
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "video_embeds.json")));
        Assert.Equal(CliWorkspace.Clip, written.RootElement.GetProperty("items")[0].GetProperty("id").GetString());
        using var summary = JsonDocument.Parse(replaced.Stdout);
        Assert.All(summary.RootElement.GetProperty("summary").GetProperty("files").EnumerateArray(), f => Assert.StartsWith(output + "/", f.GetString(), StringComparison.Ordinal));
        Assert.Equal([output], Directory.GetDirectories(_workspace.Root));
    }

    [Fact]
    public void AFailedRunLeavesTheOldFolderAsItWasAndABadVideoIsLeftOut()
    {
        var output = _workspace.PathOf("embeddings");
        _workspace.Text("embeddings/video_embeds.json", "{\"old\": true}");
        var failed = EmbedWith(_workspace.PathOf("no-such-model"), output, "--overwrite");
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal(["video_embeds.json"], Directory.GetFiles(output).Select(Path.GetFileName));
        Assert.Equal([output], Directory.GetDirectories(_workspace.Root));

        var fresh = _workspace.PathOf("fresh");
        var partial = CliRunner.Run(
            "embed", CliWorkspace.Clip, _workspace.Garbage("broken.mp4"), "--model", TestPaths.Fixture("models/xclip-tiny"), "--output", fresh, "--jsonl");
        Assert.Equal(3, partial.ExitCode);
        using var embeddings = JsonDocument.Parse(File.ReadAllText(Path.Combine(fresh, "video_embeds.json")));
        Assert.Equal([CliWorkspace.Clip], embeddings.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Contains("broken.mp4", partial.Stderr, StringComparison.Ordinal);
    }
}
