using System.CommandLine;
using Microsoft.Extensions.Hosting;
using SharpVL.Cli.Infrastructure;
using SharpVL.Search;
using SharpVL.Server;

namespace SharpVL.Cli.Commands;

/// <summary><c>sharpvl serve [--db ...] [--urls http://127.0.0.1:5000]</c>: the search page and JSON API over an index.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var db = SearchOptions.Db();
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on, ';'-separated.", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var maxUpload = new Option<int>("--max-upload-mb") { Description = "Largest video /api/classify accepts.", DefaultValueFactory = _ => 100 };
        var model = new Option<string?>("--model", "-m") { Description = "The index's model from another place (same revision); default: as recorded in the index." };
        var device = CliOptions.Device();
        var dtype = CliOptions.DType();
        var command = new Command("serve", "Serve a search page and JSON API (/api/search, /api/segments/{id}/thumbnail, /api/videos/{id}, /api/classify) over an index.")
        {
            db, urls, maxUpload, model, device, dtype,
        };
        command.SetAction(parse => CliSupport.Guard(parse, () =>
        {
            var store = VideoIndexStores.Open(parse.GetValue(db));
            VideoSearcher searcher;
            try
            {
                var loadOptions = CliSupport.LoadOptions(parse.GetValue(device), parse.GetValue(dtype));
                searcher = CliSupport.WithStatus("Loading model", false, () => VideoSearcher.Open(store, parse.GetValue(model), loadOptions));
            }
            catch
            {
                store.Dispose();
                throw;
            }
            using var service = new VideoSearchService(searcher, ownsSearcher: true);
            var options = new VideoSearchServerOptions
            {
                Urls = parse.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                MaxUploadBytes = (long)parse.GetValue(maxUpload) << 20,
            };
            var app = VideoSearchServer.Build(service, options);
            try
            {
                app.Start();
                var stats = store.Stats();
                Console.WriteLine($"serving {store.Name} ({stats.Videos} videos, {stats.Segments} segments, {store.Model}) on {string.Join(", ", VideoSearchServer.Addresses(app))}; Ctrl+C stops");
                app.WaitForShutdown();
            }
            finally
            {
                app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            return 0;
        }));
        return command;
    }
}
