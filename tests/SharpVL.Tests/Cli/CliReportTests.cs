using System.Text.RegularExpressions;
using SharpVL.Processing.Images;

namespace SharpVL.Tests.Cli;

/// <summary>--report: one self-contained HTML file, rendered by headless Chromium, showing frames and label bars.</summary>
public sealed partial class CliReportTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [GeneratedRegex("<li data-label=\"([^\"]*)\" data-score=\"([^\"]*)\">")]
    private static partial Regex LabelItem();

    [Fact]
    public void ClassifyReportShowsTheFramesAndLabelBarsAndTheFailedInput()
    {
        var report = _workspace.PathOf("out/report.html");
        var missing = _workspace.PathOf("missing.mp4");
        var (exit, _, stderr) = CliRunner.Run(
            "classify", CliWorkspace.Clip, missing, "--model", CliWorkspace.VideoMAE, "--frame-indices", "4,16,28,40", "--top-k", "3", "--report", report);
        Assert.Equal(3, exit);
        Assert.Contains($"report: {report}", stderr, StringComparison.Ordinal);
        var html = File.ReadAllText(report);
        // Self-contained: nothing is fetched from anywhere.
        Assert.DoesNotMatch("(src|href)=\"(?!data:)", html);

        var dom = Chromium.DumpDom(report);
        var labels = LabelItem().Matches(dom).Select(m => (m.Groups[1].Value, double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(["eating spaghetti", "riding a bike", "walking the dog"], labels.Select(l => l.Item1));
        Assert.Equal(0.5638, labels[0].Item2, 4);
        Assert.Equal(4, Regex.Count(dom, "<img src=\"data:image/jpeg;base64,"));
        Assert.Equal(["frame 4", "frame 16", "frame 28", "frame 40"], Regex.Matches(dom, "<figcaption>([^<]*)</figcaption>").Select(m => m.Groups[1].Value));
        Assert.Contains("width:56.38%", dom, StringComparison.Ordinal);
        Assert.Contains($"{missing}: no such file or folder", dom, StringComparison.Ordinal);

        // Rendered, the thumbnails show the clip's saturated test-pattern colours and the bars their blue.
        var png = _workspace.PathOf("out/report.png");
        Chromium.Screenshot(report, png, 1000, 700);
        var image = ImageFile.LoadRgb(png);
        Assert.True(CountPixels(image, (59, 130, 246)) > 1000, "no probability bars rendered");
        Assert.True(CountPixels(image, (255, 255, 0), tolerance: 40) > 500, "no frame thumbnails rendered");
    }

    [Fact]
    public void ZeroShotImageReportShowsEachImage()
    {
        var report = _workspace.PathOf("report.html");
        var images = new[] { _workspace.Png("a.png", 1), _workspace.Png("b.png", 2) };
        var (exit, _, stderr) = CliRunner.Run(
            "zero-shot-image", images[0], images[1], "--labels", "a cat", "--labels", "salt, pepper and vinegar",
            "--model", TestPaths.Fixture("models/altclip-tiny"), "--report", report);
        Assert.True(exit == 0, stderr);
        var dom = Chromium.DumpDom(report);
        Assert.Equal(images, Regex.Matches(dom, "<section class=\"input\" data-input=\"([^\"]*)\">").Select(m => m.Groups[1].Value));
        Assert.Equal(2, Regex.Count(dom, "<img src=\"data:image/jpeg;base64,"));
        Assert.Equal(2, Regex.Count(dom, "data-label=\"salt, pepper and vinegar\""));
    }

    private static int CountPixels(RgbImage image, (int R, int G, int B) colour, int tolerance = 8)
    {
        var count = 0;
        for (var p = 0; p < image.Pixels.Length; p += 3)
        {
            if (Math.Abs(image.Pixels[p] - colour.R) <= tolerance && Math.Abs(image.Pixels[p + 1] - colour.G) <= tolerance
                && Math.Abs(image.Pixels[p + 2] - colour.B) <= tolerance)
            {
                count++;
            }
        }
        return count;
    }
}
