using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SharpVL.Server;

/// <summary>Builds the standalone search server (Kestrel, the API and the page) behind <c>sharpvl serve</c>.</summary>
public static class VideoSearchServer
{
    /// <summary>A web application serving <paramref name="service"/>; start it with <c>RunAsync</c> or <c>StartAsync</c>.</summary>
    public static WebApplication Build(VideoSearchService service, VideoSearchServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        options ??= new VideoSearchServerOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxUploadBytes + (1 << 20));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        var app = builder.Build();
        app.MapVideoSearch(service, options);
        return app;
    }

    /// <summary>The addresses a started application listens on (with the real port when port 0 was asked for).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];
    }
}
