using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SharpVL.Pipelines;
using SharpVL.Search;

namespace SharpVL.Tests.Search;

public sealed class SearchServerTests(SearchServerFixture server) : IClassFixture<SearchServerFixture>, IDisposable
{
    private const string Query = "a colorful test pattern";
    private readonly HttpClient _http = new() { BaseAddress = server.BaseAddress };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task SearchReturnsTheSearchersRankingWithThumbnailAndPlaybackLinks()
    {
        var expected = server.Service.Searcher.Search(Query, 4);
        using var document = JsonDocument.Parse(await _http.GetStringAsync($"/api/search?q={Uri.EscapeDataString(Query)}&k=4"));
        var results = document.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(expected.Select(h => h.Path), results.Select(r => r.GetProperty("path").GetString()));
        Assert.Equal(expected.Select(h => h.Score), results.Select(r => r.GetProperty("score").GetDouble()));
        var best = results[0];
        Assert.Equal($"/api/segments/{expected[0].SegmentId}/thumbnail", best.GetProperty("thumbnail").GetString());
        Assert.Equal(FormattableString.Invariant($"/api/videos/{expected[0].VideoId}#t={expected[0].StartSeconds:0.###},{expected[0].EndSeconds:0.###}"),
            best.GetProperty("video").GetString());

        using var thumbnail = await _http.GetAsync(best.GetProperty("thumbnail").GetString());
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
        Assert.Equal(server.Service.Store.GetSegment(expected[0].SegmentId)!.ThumbnailJpeg, await thumbnail.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task VideosAreServedByIdWithRangeRequestsAndNothingElseIs()
    {
        var hit = server.Service.Searcher.Search(Query, 1)[0];
        var bytes = await File.ReadAllBytesAsync(hit.Path);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/videos/{hit.VideoId}");
        request.Headers.Range = new RangeHeaderValue(100, 199);
        using var partial = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal($"bytes 100-199/{bytes.Length}", partial.Content.Headers.ContentRange?.ToString());
        Assert.Equal(bytes[100..200], await partial.Content.ReadAsByteArrayAsync());

        foreach (var path in new[] { "/api/videos/999999", "/api/videos/..%2F..%2Fetc%2Fpasswd", "/api/videos/%2Fetc%2Fpasswd", "/api/segments/999999/thumbnail", "/etc/passwd" })
        {
            using var response = await _http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        using var noQuery = await _http.GetAsync("/api/search?q=");
        Assert.Equal(HttpStatusCode.BadRequest, noQuery.StatusCode);
    }

    [Fact]
    public async Task AnUploadedVideoGetsTheModelsZeroShotLabelsAndLeavesNoFileBehind()
    {
        var path = Path.Combine(server.Media, "pattern.mp4");
        string[] labels = ["a colorful test pattern", "people dancing", "a cat sleeping on a sofa"];
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(await File.ReadAllBytesAsync(path)), "video", "my clip.mp4" },
            { new StringContent(string.Join(", ", labels)), "labels" },
        };
        using var response = await _http.PostAsync("/api/classify", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        Assert.Equal("my clip.mp4", document.RootElement.GetProperty("file").GetString());

        // The reference: the X-CLIP zero-shot pipeline on the same file with the same labels.
        var embedder = (XCLIPSegmentEmbedder)server.Search.Embedder;
        using var classifier = new ZeroShotVideoClassificationPipeline(embedder.XClip, embedder.Processor);
        var expected = classifier.Classify(path, new ClassificationOptions { CandidateLabels = labels }).Labels;
        var actual = document.RootElement.GetProperty("labels").EnumerateArray().ToList();
        Assert.Equal(expected.Select(l => l.Label), actual.Select(l => l.GetProperty("label").GetString()));
        Assert.Equal(expected.Select(l => (double)l.Score), actual.Select(l => l.GetProperty("score").GetDouble()));
        // The most similar indexed segment is the file itself.
        Assert.Equal(path, document.RootElement.GetProperty("similar")[0].GetProperty("path").GetString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.Service.UploadFolder));
    }

    [Fact]
    public async Task UploadsThatAreTooLargeOrNotVideosAreRefused()
    {
        using var tooLarge = new MultipartFormDataContent
        {
            { new ByteArrayContent(new byte[SearchServerFixture.MaxUploadBytes + 1]), "video", "big.mp4" },
            { new StringContent("a, b"), "labels" },
        };
        using var large = await _http.PostAsync("/api/classify", tooLarge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);

        using var notVideo = new MultipartFormDataContent
        {
            { new StringContent("#!/bin/sh"), "video", "../../evil.sh" },
            { new StringContent("a, b"), "labels" },
        };
        using var refused = await _http.PostAsync("/api/classify", notVideo);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);

        using var garbage = new MultipartFormDataContent
        {
            { new ByteArrayContent(new byte[2048]), "video", "../broken.mp4" },
            { new StringContent("a, b"), "labels" },
        };
        using var unreadable = await _http.PostAsync("/api/classify", garbage);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unreadable.StatusCode);
        var error = JsonDocument.Parse(await unreadable.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
        Assert.DoesNotContain(server.Service.UploadFolder, error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.Service.UploadFolder));
    }
}
