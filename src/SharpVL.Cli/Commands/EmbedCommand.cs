using System.CommandLine;
using SharpVL.Cli.Infrastructure;
using SharpVL.Cli.Inputs;
using SharpVL.Cli.Output;
using SharpVL.Pipelines;
using static TorchSharp.torch;

namespace SharpVL.Cli.Commands;

/// <summary>
/// <c>sharpvl embed [videos...] [--texts t1 t2 ...] --model id --output dir [--overwrite] [--normalize]</c>: writes X-CLIP
/// video and text embeddings (<c>get_video_features</c> / <c>get_text_features</c>) as .npy and .json files. The folder
/// is replaced as a whole (never a mix of two runs); a video that fails is left out and reported.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var inputs = InputBatches.Argument(MediaKind.Video);
        inputs.Arity = ArgumentArity.ZeroOrMore;
        var model = new ModelOptions("X-CLIP directory or Hub id, e.g. microsoft/xclip-base-patch32.");
        var texts = new Option<string[]>("--texts", "-t")
        {
            Description = "Texts to embed (each argument is one text; repeat or list several).",
            AllowMultipleArgumentsPerToken = true,
        };
        var outputFolder = new Option<string>("--output", "-o") { Description = "Folder for video_embeds.* and text_embeds.*.", Required = true, HelpName = "dir" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing, non-empty --output folder." };
        var normalize = new Option<bool>("--normalize") { Description = "L2-normalise each embedding (as the model does before its cosine similarity)." };
        var frames = new FrameOptions();
        var batchSize = CliOptions.BatchSize(4);
        var output = new OutputOptions();
        var command = new Command("embed", "Write X-CLIP video and text embeddings (float32 .npy + .json) into a folder.")
        {
            inputs, texts, outputFolder, overwrite, normalize, batchSize,
        };
        model.AddTo(command);
        frames.AddTo(command, sampling: false);
        output.AddTo(command, report: false);
        var decoding = new VideoDecodingOptions();
        decoding.AddTo(command);
        command.SetAction((parse, cancellation) => CommandRun.ExecuteAsync(parse, output, "sharpvl embed", cancellation, async run =>
        {
            var arguments = parse.GetValue(inputs) ?? [];
            var textList = parse.GetValue(texts) ?? [];
            if (arguments.Length == 0 && textList.Length == 0)
            {
                throw new UsageException("nothing to embed: give videos and/or --texts.");
            }
            var selection = frames.Selection(parse);
            using var folder = new OutputFolder(parse.GetValue(outputFolder)!, parse.GetValue(overwrite));
            var files = InputBatches.Expand(run, arguments, MediaKind.Video, null);
            if (files.Count == 0 && textList.Length == 0)
            {
                return;
            }
            using var classifier = model.Load(parse, run, (id, options) => ZeroShotVideoClassificationPipeline.FromPretrained(id, options, decoding.Reader(parse)));
            var written = new List<string>();
            var normalized = parse.GetValue(normalize);
            if (files.Count > 0)
            {
                var rows = new List<float[]>();
                var ids = new List<string>();
                await InputBatches.ProcessAsync(
                    run, files, parse.GetValue(batchSize),
                    batch =>
                    {
                        var (embeddings, indices, damage) = classifier.EmbedVideoFiles(batch, selection, batch.Count);
                        using (embeddings)
                        {
                            using var values = embeddings.to(ScalarType.Float32).cpu().contiguous();
                            var data = values.data<float>().ToArray();
                            var dim = data.Length / batch.Count;
                            return Enumerable.Range(0, batch.Count).Select(i => (Row: data[(i * dim)..((i + 1) * dim)], Frames: indices[i], Damage: damage[i])).ToList();
                        }
                    },
                    (file, result) =>
                    {
                        rows.Add(result.Row);
                        ids.Add(file);
                        return new InputRecord { Input = file, FrameIndices = result.Frames }.WithDamage(result.Damage);
                    }).ConfigureAwait(false);
                if (rows.Count > 0)
                {
                    using var embeddings = tensor(rows.SelectMany(r => r).ToArray(), [rows.Count, rows[0].Length]);
                    written.AddRange(Write(folder, "video_embeds", embeddings, ids, normalized));
                }
            }
            if (textList.Length > 0)
            {
                using var embeddings = classifier.EmbedTexts(textList);
                written.AddRange(Write(folder, "text_embeds", embeddings, textList, normalized));
            }
            run.Cancellation.ThrowIfCancellationRequested();
            if (written.Count > 0)
            {
                folder.Commit();
            }
            run.OutputFiles.AddRange(written.Select(folder.FinalPath));
        }));
        return command;
    }

    private static string[] Write(OutputFolder folder, string name, Tensor embeddings, IReadOnlyList<string> ids, bool normalize)
    {
        if (!normalize)
        {
            var (npy, json) = EmbeddingWriter.Write(folder.Staging, name, embeddings, ids);
            return [npy, json];
        }
        using var normalized = embeddings / embeddings.norm(-1, true, 2);
        var (npyPath, jsonPath) = EmbeddingWriter.Write(folder.Staging, name, normalized, ids);
        return [npyPath, jsonPath];
    }
}
