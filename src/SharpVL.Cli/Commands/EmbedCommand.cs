using System.CommandLine;
using System.Text.Json;
using SharpVL.Pipelines;
using static TorchSharp.torch;

namespace SharpVL.Cli.Commands;

/// <summary>
/// <c>sharpvl embed [video...] [--texts t1 t2 ...] --model id --output dir [--normalize]</c>: writes X-CLIP video and
/// text embeddings (<c>get_video_features</c> / <c>get_text_features</c>) as .npy and .json files.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var videos = new Argument<string[]>("video") { Description = "Video files to embed.", Arity = ArgumentArity.ZeroOrMore };
        var model = CliSupport.ModelOption("X-CLIP directory or Hub id, e.g. microsoft/xclip-base-patch32.");
        var texts = new Option<string[]>("--texts", "-t")
        {
            Description = "Texts to embed (each argument is one text; repeat or list several).",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--output", "-o") { Description = "Directory for video_embeds.* and text_embeds.*.", Required = true };
        var normalize = new Option<bool>("--normalize") { Description = "L2-normalise each embedding (as the model does before its cosine similarity)." };
        var frames = ZeroShotCommand.FramesOption();
        var frameIndices = ZeroShotCommand.FrameIndicesOption();
        var batchSize = new Option<int>("--batch-size") { Description = "Videos per forward pass.", DefaultValueFactory = _ => 4 };
        var device = CliSupport.DeviceOption();
        var dtype = CliSupport.DTypeOption();
        var json = CliSupport.JsonOption();
        var command = new Command("embed", "Write X-CLIP video and text embeddings (float32 .npy + .json) into a directory.")
        {
            videos, model, texts, output, normalize, frames, frameIndices, batchSize, device, dtype, json,
        };
        var decoding = new VideoDecodingOptions();
        decoding.AddTo(command);
        command.SetAction(parse => CliSupport.Guard(() =>
        {
            var quiet = parse.GetValue(json);
            var paths = parse.GetValue(videos) ?? [];
            var textList = parse.GetValue(texts) ?? [];
            if (paths.Length == 0 && textList.Length == 0)
            {
                throw new ArgumentException("Nothing to embed: give video files and/or --texts.");
            }
            var directory = parse.GetValue(output)!;
            var loadOptions = CliSupport.LoadOptions(parse.GetValue(device), parse.GetValue(dtype), quiet);
            using var classifier = CliSupport.WithStatus("Loading model", quiet,
                () => ZeroShotVideoClassifier.FromPretrained(parse.GetValue(model)!, loadOptions, decoding.Reader(parse)));
            ZeroShotCommand.CheckFrames(parse.GetValue(frames), classifier.NumFrames);
            var selection = ZeroShotCommand.Selection(parse.GetValue(frameIndices));
            var written = new List<string>();
            if (paths.Length > 0)
            {
                var (embeddings, indices) = CliSupport.WithStatus("Embedding videos", quiet,
                    () => classifier.EmbedVideoFiles(paths, selection, parse.GetValue(batchSize)));
                using (embeddings)
                {
                    var (npy, jsonPath) = Write(directory, "video_embeds", embeddings, paths, parse.GetValue(normalize));
                    written.AddRange([npy, jsonPath]);
                }
            }
            if (textList.Length > 0)
            {
                using var embeddings = classifier.EmbedTexts(textList);
                var (npy, jsonPath) = Write(directory, "text_embeds", embeddings, textList, parse.GetValue(normalize));
                written.AddRange([npy, jsonPath]);
            }
            if (quiet)
            {
                Console.WriteLine(JsonSerializer.Serialize(new { files = written }, CliSupport.Json));
            }
            else
            {
                foreach (var file in written)
                {
                    Console.WriteLine($"wrote {file}");
                }
            }
            return 0;
        }));
        return command;
    }

    private static (string, string) Write(string directory, string name, Tensor embeddings, IReadOnlyList<string> ids, bool normalize)
    {
        if (!normalize)
        {
            return EmbeddingWriter.Write(directory, name, embeddings, ids);
        }
        using var normalized = embeddings / embeddings.norm(-1, true, 2);
        return EmbeddingWriter.Write(directory, name, normalized, ids);
    }
}
