using System.Text.Json;
using SharpVL.Tests.Processing.Video;

namespace SharpVL.Tests.Cli;

/// <summary>
/// Every video command reports decode damage: a warning with the counts on stderr and in the JSON record's
/// <c>warnings</c>; <c>--strict</c> turns damage into that input's error; a file where nothing decodes is an error.
/// </summary>
public class DamagedVideoCliTests
{
    private static readonly string Damaged = DamagedVideoTests.PathOf("damaged.mp4");
    private static readonly string Undecodable = DamagedVideoTests.PathOf("undecodable.mp4");
    private static readonly string XClip = TestPaths.Fixture("models/xclip-tiny");

    public static TheoryData<string[]> Commands => new()
    {
        new[] { "classify", "--model", CliWorkspace.VideoMAE },
        new[] { "zero-shot", "--model", XClip, "--labels", "a", "--labels", "b" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void DamageIsAWarningWithItsCounts(string[] command)
    {
        var (exit, stdout, stderr) = CliRunner.Run([.. command, Damaged, "--jsonl"]);

        Assert.True(exit == 0, stderr);
        using var record = JsonDocument.Parse(stdout.Trim());
        var warning = Assert.Single(record.RootElement.GetProperty("warnings").EnumerateArray()).GetString()!;
        Assert.StartsWith("damaged video stream: ", warning);
        Assert.Contains("decode errors", warning);
        Assert.Contains("1 rejected packet", warning);
        Assert.Contains($"warning: {Damaged}: damaged video stream: ", stderr);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void StrictMakesDamageAnError(string[] command)
    {
        var (exit, stdout, stderr) = CliRunner.Run([.. command, Damaged, "--jsonl", "--strict"]);

        Assert.Equal(1, exit);
        using var record = JsonDocument.Parse(stdout.Trim());
        Assert.Contains("strict", record.RootElement.GetProperty("error").GetString());
        Assert.Contains($"error: '{Damaged}': damaged video stream: ", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void NothingDecodableIsAnError(string[] command)
    {
        var (exit, _, stderr) = CliRunner.Run([.. command, Undecodable]);

        Assert.Equal(1, exit);
        Assert.Contains($"error: '{Undecodable}': no video frame could be decoded (", stderr);
    }

    [Fact]
    public void AnIntactVideoHasNoWarnings()
    {
        var (exit, stdout, stderr) = CliRunner.Run("classify", "--model", CliWorkspace.VideoMAE, DamagedVideoTests.PathOf("clean.mp4"), "--jsonl");

        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("warnings", stdout);
        Assert.DoesNotContain("warning:", stderr);
    }

    [Fact]
    public void EmbedWarnsAndKeepsTheDamagedVideo()
    {
        using var workspace = new CliWorkspace();
        var (exit, stdout, stderr) = CliRunner.Run("embed", Damaged, "--model", XClip, "--output", workspace.PathOf("out"), "--jsonl");

        Assert.True(exit == 0, stderr);
        Assert.Contains("\"warnings\":[\"damaged video stream: ", stdout);
        Assert.True(File.Exists(Path.Combine(workspace.PathOf("out"), "video_embeds.npy")));
    }

    [Fact]
    public void IndexListsDamagedVideosAndCutsTheFramesThatExist()
    {
        using var workspace = new CliWorkspace();
        var db = workspace.PathOf("index.db");
        // 8-frame windows: the last one needs frame 47, which the damage removed, so the video is cut again over 47 frames.
        var (exit, stdout, stderr) = CliRunner.Run(
            "index", Damaged, Undecodable, "--model", XClip, "--db", db, "--segment-seconds", "0.6666667", "--stride-seconds", "0.6666667", "--json");

        Assert.Equal(3, exit);
        using var document = JsonDocument.Parse(stdout);
        var root = document.RootElement;
        Assert.Equal(1, root.GetProperty("indexed").GetInt32());
        var warning = Assert.Single(root.GetProperty("warnings").EnumerateArray());
        Assert.Equal(Damaged, warning.GetProperty("path").GetString());
        Assert.Contains("1 announced frame missing", warning.GetProperty("warning").GetString());
        Assert.Contains("no video frame could be decoded", Assert.Single(root.GetProperty("failed").EnumerateArray()).GetProperty("error").GetString());
        Assert.Contains($"warning: {Damaged}: damaged video stream: ", stderr);
        Assert.Equal(6, root.GetProperty("index_segments").GetInt32());

        var (strictExit, strictOut, _) = CliRunner.Run(
            "index", Damaged, "--model", XClip, "--db", workspace.PathOf("strict.db"), "--strict", "--json");
        Assert.Equal(1, strictExit);
        Assert.Contains("(strict decoding)", strictOut);
    }
}
