using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using SharpVL.Search;

namespace SharpVL.Server;

/// <summary>
/// The JSON API and the page: <c>GET /api/search?q=&amp;k=</c>, <c>GET /api/segments/{id}/thumbnail</c>,
/// <c>GET /api/videos/{id}</c> (range requests), <c>POST /api/classify</c>, <c>GET /</c>. Videos are served only by
/// their id in the index, never by a path from the request, so nothing outside the index can be reached.
/// </summary>
public static class VideoSearchEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new()
    {
        Mappings = { [".mkv"] = "video/x-matroska", [".webm"] = "video/webm", [".m4v"] = "video/mp4", [".ts"] = "video/mp2t" },
    };

    /// <summary>Maps the endpoints onto <paramref name="app"/>.</summary>
    public static IEndpointRouteBuilder MapVideoSearch(this IEndpointRouteBuilder app, VideoSearchService service, VideoSearchServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);

        app.MapGet("/", () => Results.Content(Page.Value, "text/html; charset=utf-8"));

        app.MapGet("/api/search", async (string? q, int? k, bool? exact, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(q))
            {
                return Error(StatusCodes.Status400BadRequest, "Give a query: /api/search?q=words&k=10.");
            }
            int topK = Math.Clamp(k ?? 10, 1, options.MaxResults);
            var hits = await service.SearchAsync(q, topK, exact == true ? SearchMode.Exact : SearchMode.Default, cancellationToken).ConfigureAwait(false);
            return Results.Json(new SearchResponse(q, service.Store.Model!.Id, [.. hits.Select(Result)]));
        });

        app.MapGet("/api/segments/{id:long}/thumbnail", (long id) =>
            service.Store.GetSegment(id) is { } segment
                ? Results.Bytes(segment.ThumbnailJpeg, "image/jpeg")
                : Error(StatusCodes.Status404NotFound, $"No segment {id} in the index."));

        app.MapGet("/api/videos/{id:long}", (long id) =>
        {
            if (service.Store.GetVideoPath(id) is not { } path || !File.Exists(path))
            {
                return Error(StatusCodes.Status404NotFound, $"No video {id} in the index.");
            }
            var type = ContentTypes.TryGetContentType(path, out var t) ? t : "application/octet-stream";
            return Results.File(path, type, enableRangeProcessing: true);
        });

        app.MapPost("/api/classify", async (HttpRequest request, CancellationToken cancellationToken) =>
            await Classify(request, service, options, cancellationToken).ConfigureAwait(false));

        return app;
    }

    private static async Task<IResult> Classify(HttpRequest request, VideoSearchService service, VideoSearchServerOptions options, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxUploadBytes)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"Uploads are limited to {options.MaxUploadBytes} bytes.");
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxUploadBytes + (1 << 20);
        }
        if (!request.HasFormContentType)
        {
            return Error(StatusCodes.Status400BadRequest, "Send multipart/form-data with a 'video' file and comma-separated 'labels'.");
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = options.MaxUploadBytes }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"The upload is not acceptable: {e.Message}");
        }
        var file = form.Files.GetFile("video");
        var labels = (form["labels"].ToString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        if (file is null || file.Length == 0)
        {
            return Error(StatusCodes.Status400BadRequest, "No 'video' file in the upload.");
        }
        if (labels.Count == 0)
        {
            return Error(StatusCodes.Status400BadRequest, "Give candidate labels: 'labels' = comma-separated words or phrases.");
        }
        // The client's file name chooses only the extension (and only a known video one); the name is ours.
        var extension = Path.GetExtension(file.FileName).ToLowerInvariant();
        if (!VideoFiles.Extensions.Contains(extension))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, $"'{Path.GetFileName(file.FileName)}' is not a video file ({string.Join(", ", VideoFiles.Extensions.Order())}).");
        }
        var target = Path.Combine(service.UploadFolder, Guid.NewGuid().ToString("N") + extension);
        try
        {
            await using (var stream = File.Create(target))
            {
                await file.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }
            var (scores, similar) = await service.ClassifyAsync(target, labels, 5, cancellationToken).ConfigureAwait(false);
            return Results.Json(new ClassifyResponse(
                Path.GetFileName(file.FileName), service.Store.Model!.Id,
                [.. scores.Select(s => new LabelResult(s.Label, s.Score))], [.. similar.Select(Result)]));
        }
        catch (Exception e) when (e is SharpVLException or InvalidDataException or ArgumentException)
        {
            return Error(StatusCodes.Status422UnprocessableEntity, e.Message.Replace(target, Path.GetFileName(file.FileName), StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(target);
        }
    }

    private static SearchResult Result(SearchHit hit, int rank)
    {
        var fragment = string.Create(CultureInfo.InvariantCulture, $"#t={hit.StartSeconds:0.###},{hit.EndSeconds:0.###}");
        return new SearchResult(rank + 1, hit.SegmentId, hit.VideoId, hit.Path, Path.GetFileName(hit.Path), hit.StartSeconds, hit.EndSeconds, hit.Score,
            $"/api/segments/{hit.SegmentId}/thumbnail", $"/api/videos/{hit.VideoId}{fragment}");
    }

    private static IResult Error(int status, string message) => Results.Json(new ErrorResponse(message), statusCode: status);

    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(VideoSearchEndpoints).Assembly.GetManifestResourceStream("SharpVL.Server.index.html")
            ?? throw new InvalidOperationException("The search page resource is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
