using SharpVL.Cli.Inputs;

namespace SharpVL.Tests.Cli;

/// <summary>The one input rule of every command: files, folders, patterns, @lists and stdin.</summary>
public sealed class InputExpanderTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private string Folder => _workspace.Root;

    private void MakeTree()
    {
        _workspace.Copy(CliWorkspace.Clip, "clips/b.mp4");
        _workspace.Copy(CliWorkspace.Clip, "clips/a.MKV");
        _workspace.Copy(CliWorkspace.Clip, "clips/sub/c.webm");
        _workspace.Copy(CliWorkspace.Clip, "clips/.hidden/d.mp4");
        _workspace.Copy(CliWorkspace.Clip, "clips/._e.mp4");
        _workspace.Text("clips/notes.txt", "not a video");
        _workspace.Png("clips/poster.png");
    }

    private static ExpandedInputs Expand(MediaKind kind, string? stdin, params string[] arguments)
        => new InputExpander(kind, kind == MediaKind.Video ? "zero-shot-image" : "zero-shot", () => new StringReader(stdin ?? "")).Expand(arguments);

    [Fact]
    public void FolderIsSearchedRecursivelyForTheCommandsExtensionsSortedWithoutHiddenEntries()
    {
        MakeTree();
        var clips = Path.Combine(Folder, "clips");
        var result = Expand(MediaKind.Video, null, clips);
        Assert.Empty(result.Problems);
        Assert.Equal(new[] { "a.MKV", "b.mp4", "sub/c.webm" }, result.Files.Select(f => Path.GetRelativePath(clips, f).Replace('\\', '/')));

        var images = Expand(MediaKind.Image, null, clips);
        Assert.Equal(new[] { Path.Combine(clips, "poster.png") }, images.Files);
    }

    [Fact]
    public void PatternsMatchFromTheirFixedFolderAndFilterByExtension()
    {
        MakeTree();
        var clips = Path.Combine(Folder, "clips");
        Assert.Equal(new[] { Path.Combine(clips, "b.mp4") }, Expand(MediaKind.Video, null, Path.Combine(clips, "*.mp4")).Files);
        var deep = Expand(MediaKind.Video, null, Path.Combine(clips, "**", "*")).Files;
        Assert.Equal(new[] { "a.MKV", "b.mp4", "sub/c.webm" }, deep.Select(f => Path.GetRelativePath(clips, f).Replace('\\', '/')));
        var none = Expand(MediaKind.Video, null, Path.Combine(clips, "*.avi"));
        Assert.Empty(none.Files);
        Assert.Contains("pattern matches no video files", Assert.Single(none.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListFilesAndStdinGiveOneInputPerLineInOrderWithoutDuplicates()
    {
        MakeTree();
        var b = Path.Combine(Folder, "clips", "b.mp4");
        var list = _workspace.Text("list.txt", $"# my clips\n\n{b}\n  {Path.Combine(Folder, "clips", "sub")}  \r\n{b}\n");
        var result = Expand(MediaKind.Video, $"{Path.Combine(Folder, "clips", "a.MKV")}\n", "@" + list, "-", "-");
        Assert.Empty(result.Problems);
        Assert.Equal(
            new[] { b, Path.Combine(Folder, "clips", "sub", "c.webm"), Path.Combine(Folder, "clips", "a.MKV") },
            result.Files);
    }

    [Fact]
    public void InputsThatNameNothingBecomeProblemsNamingThem()
    {
        _workspace.Text("empty/readme.txt", "nothing here");
        var missing = Path.Combine(Folder, "missing.mp4");
        var empty = Path.Combine(Folder, "empty");
        var result = Expand(MediaKind.Video, "", missing, empty, "@" + Path.Combine(Folder, "nolist.txt"), "-");
        Assert.Empty(result.Files);
        Assert.Equal(
            new[] { $"{missing}: no such file or folder", $"{empty}: folder has no video files", $"{Path.Combine(Folder, "nolist.txt")}: list file not found", "standard input: no inputs listed" },
            result.Problems.Select(p => p.Message.Split(" (", 2)[0]));
    }

    [Fact]
    public void AnImageGivenForVideosIsAProblemThatNamesTheRightCommandEvenUnderAVideoName()
    {
        var png = _workspace.Png("poster.png");
        var disguised = _workspace.Copy(png, "poster.mp4");
        var result = Expand(MediaKind.Video, null, png, disguised);
        Assert.Empty(result.Files);
        Assert.All(result.Problems, p => Assert.Contains("is an image, not a video (use 'sharpvl zero-shot-image' for images)", p.Message, StringComparison.Ordinal));

        var video = Expand(MediaKind.Image, null, CliWorkspace.Clip);
        Assert.Contains("is a video, not an image (use 'sharpvl zero-shot' for videos)", Assert.Single(video.Problems).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("clips/**/*.mp4", "clips", "**/*.mp4")]
    [InlineData("*.mp4", ".", "*.mp4")]
    [InlineData("/data/x/*/y.mp4", "/data/x", "*/y.mp4")]
    [InlineData("/*.mp4", "/", "*.mp4")]
    public void PatternsSplitIntoFolderAndRest(string input, string root, string pattern)
        => Assert.Equal((root, pattern), InputExpander.SplitPattern(input));
}
