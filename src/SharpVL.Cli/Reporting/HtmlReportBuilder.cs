using System.Globalization;
using System.Net;
using System.Text;
using SharpVL.Cli.Output;
using SharpVL.Processing.Images;

namespace SharpVL.Cli.Reporting;

/// <summary>
/// The <c>--report report.html</c> file: one self-contained HTML page (inline CSS, thumbnails as base64 JPEG data URIs,
/// no scripts, nothing fetched) with, per input, the frames the model saw and each label's probability as a bar.
/// Entries are appended to a temporary file as inputs finish, so memory stays flat on long runs; <see cref="Save"/>
/// writes the page next to the destination and renames it into place.
/// </summary>
internal sealed class HtmlReportBuilder : IDisposable
{
    private readonly string _title;
    private readonly string _bodyFile = Path.GetTempFileName();
    private readonly StreamWriter _body;
    private int _succeeded;
    private int _failed;

    public HtmlReportBuilder(string title)
    {
        _title = title;
        _body = new StreamWriter(_bodyFile, append: false, new UTF8Encoding(false));
    }

    /// <summary>Adds one input; <paramref name="frames"/> gives the frames to show (a failure to get them is noted, not fatal).</summary>
    public void Add(InputRecord record, Func<IReadOnlyList<RgbImage>>? frames)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"input{(record.Succeeded ? "" : " failed")}\" data-input=\"{Attr(record.Input)}\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<h2>{Text(record.Input)}</h2>\n");
        if (!record.Succeeded)
        {
            _failed++;
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"error\">{Text(record.Error!)}</p>\n</section>\n");
            _body.Write(html);
            return;
        }
        _succeeded++;
        AppendFrames(html, record, frames);
        AppendLabels(html, record.Labels ?? []);
        foreach (var warning in record.Warnings)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"warning\">{Text(warning)}</p>\n");
        }
        html.Append("</section>\n");
        _body.Write(html);
    }

    private static void AppendFrames(StringBuilder html, InputRecord record, Func<IReadOnlyList<RgbImage>>? frames)
    {
        if (frames is null)
        {
            return;
        }
        IReadOnlyList<RgbImage> images;
        try
        {
            images = frames();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"warning\">frames not shown: {Text(Infrastructure.ErrorText.OneLine(e))}</p>\n");
            return;
        }
        html.Append("<div class=\"frames\">\n");
        for (var i = 0; i < images.Count; i++)
        {
            var caption = record.FrameIndices is { } indices && i < indices.Count
                ? $"frame {indices[i].ToString(CultureInfo.InvariantCulture)}"
                : images.Count == 1 ? "image" : $"frame {i.ToString(CultureInfo.InvariantCulture)}";
            html.Append(CultureInfo.InvariantCulture,
                $"<figure><img src=\"{Thumbnail.DataUri(images[i])}\" alt=\"{Attr(caption)}\" height=\"{Thumbnail.Height}\"><figcaption>{Text(caption)}</figcaption></figure>\n");
        }
        html.Append("</div>\n");
    }

    private static void AppendLabels(StringBuilder html, IReadOnlyList<LabelRecord> labels)
    {
        html.Append("<ol class=\"labels\">\n");
        foreach (var label in labels)
        {
            var finite = double.IsFinite(label.Score);
            var percent = finite ? Math.Clamp(label.Score * 100, 0, 100) : 0;
            var shown = finite ? label.Score.ToString("0.0000", CultureInfo.InvariantCulture) : "not a number";
            html.Append(CultureInfo.InvariantCulture,
                $"<li data-label=\"{Attr(label.Label)}\" data-score=\"{(finite ? label.Score.ToString("R", CultureInfo.InvariantCulture) : "")}\">"
                + $"<span class=\"name\">{Text(label.Label)}</span>"
                + $"<span class=\"bar\"><span style=\"width:{percent.ToString("0.##", CultureInfo.InvariantCulture)}%\"></span></span>"
                + $"<span class=\"score\">{shown}</span></li>\n");
        }
        html.Append("</ol>\n");
    }

    /// <summary>Writes the page to <paramref name="path"/> (through a temporary file in the same folder, then renamed).</summary>
    public void Save(string path)
    {
        _body.Flush();
        AtomicFile.Write(path, stream =>
        {
            using var output = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            output.Write(Header());
            output.Flush();
            using (var body = File.OpenRead(_bodyFile))
            {
                body.CopyTo(output.BaseStream);
            }
            output.Write("</main>\n</body>\n</html>\n");
        });
    }

    private string Header()
    {
        var generated = DateTime.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{Text(_title)}}</title>
            <style>
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; color: #1d1d1f; background: #fafafa; }
            h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
            .summary { color: #555; margin-top: 0; }
            section.input { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 1rem 1.2rem; margin: 1rem 0; }
            section.failed { border-color: #d33; }
            h2 { font-size: 1rem; font-family: ui-monospace, monospace; margin: 0 0 0.6rem; word-break: break-all; }
            .frames { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-bottom: 0.8rem; }
            figure { margin: 0; text-align: center; font-size: 0.75rem; color: #666; }
            figure img { display: block; border-radius: 4px; }
            ol.labels { list-style: none; padding: 0; margin: 0; }
            ol.labels li { display: grid; grid-template-columns: minmax(8rem, 18rem) 1fr 4.5rem; gap: 0.6rem; align-items: center; margin: 0.2rem 0; }
            .bar { background: #eee; border-radius: 3px; height: 0.9rem; overflow: hidden; }
            .bar span { display: block; height: 100%; background: #3b82f6; }
            .score { font-family: ui-monospace, monospace; text-align: right; }
            .error { color: #b91c1c; }
            .warning { color: #a16207; }
            </style>
            </head>
            <body>
            <h1>{{Text(_title)}}</h1>
            <p class="summary">{{_succeeded + _failed}} inputs: {{_succeeded}} succeeded, {{_failed}} failed · generated {{generated}} by sharpvl</p>
            <main>

            """;
    }

    private static string Text(string value) => WebUtility.HtmlEncode(value);

    private static string Attr(string value) => WebUtility.HtmlEncode(value);

    public void Dispose()
    {
        _body.Dispose();
        File.Delete(_bodyFile);
    }
}
