using Microsoft.AspNetCore.Builder;
using SharpVL.Search;
using SharpVL.Server;

namespace SharpVL.Tests.Search;

/// <summary>The search media indexed with the tiny X-CLIP into a SQLite file, served on 127.0.0.1 and a free port.</summary>
public sealed class SearchServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public SearchFixture Search { get; } = new();

    public VideoSearchService Service { get; private set; } = null!;

    public string Media { get; private set; } = "";

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Uploads above this many bytes are refused (the fixture clips are a few KB).</summary>
    public const long MaxUploadBytes = 64 * 1024;

    public async Task InitializeAsync()
    {
        Media = SearchFixture.CopyMedia();
        var store = VideoIndexStores.Open(Path.Combine(Media, "index.db"));
        new VideoIndexer(Search.Embedder, store).Run(SearchFixture.Videos(Media));
        Service = new VideoSearchService(new VideoSearcher(store, Search.Embedder));
        _app = VideoSearchServer.Build(Service, new VideoSearchServerOptions { Urls = ["http://127.0.0.1:0"], MaxUploadBytes = MaxUploadBytes });
        await _app.StartAsync();
        BaseAddress = new Uri(VideoSearchServer.Addresses(_app)[0]);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        Service.Dispose();
        Service.Store.Dispose();
        Search.Dispose();
    }
}
