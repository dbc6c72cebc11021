using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using static TorchSharp.torch;

namespace SharpVL.Cli.Benchmarking;

/// <summary>A model forward at a real checkpoint's size, with random weights.</summary>
/// <param name="Name">Checkpoint the sizes come from.</param>
/// <param name="Prepare">Builds the model and inputs for a dtype and batch; returns the forward to time and its GFLOP.</param>
internal sealed record ModelBenchmark(string Name, Func<ScalarType, int, PreparedForward> Prepare);

/// <summary>A ready-to-run forward; disposing frees the model and inputs.</summary>
internal sealed class PreparedForward(Action run, double gflops, params IDisposable[] owned) : IDisposable
{
    public Action Run { get; } = run;

    public double Gflops { get; } = gflops;

    public void Dispose()
    {
        foreach (var item in owned)
        {
            item.Dispose();
        }
    }
}

/// <summary>The model configurations <c>sharpvl bench</c> measures.</summary>
internal static class ModelBenchmarks
{
    public static IReadOnlyList<ModelBenchmark> All { get; } =
    [
        new("microsoft/xclip-base-patch32 (8 frames + 3 texts)", XClipBasePatch32),
        new("MCG-NJU/videomae-base-finetuned-kinetics", VideoMAEBase),
        new("BAAI/AltCLIP (1 image + 3 texts)", AltClip),
        new("ZinengTang/tvlt-base (8 frames + 1024x128 audio)", TvltBase),
    ];

    private static void Place(PreTrainedModel model, ScalarType dtype)
    {
        model.Place(new ModelLoadOptions { DType = dtype });
        model.eval();
    }

    private static PreparedForward XClipBasePatch32(ScalarType dtype, int batch)
    {
        var config = new XCLIPConfig();
        var model = new XCLIPModel(config);
        Place(model, dtype);
        var vision = config.VisionConfig;
        var text = config.TextConfig;
        const int texts = 3;
        const int textLength = 16;
        var pixels = randn(new long[] { batch, vision.NumFrames, 3, vision.ImageSize, vision.ImageSize });
        var inputIds = randint(1, 49000, new long[] { texts, textLength });
        var frameTokens = (double)((vision.ImageSize / vision.PatchSize) * (vision.ImageSize / vision.PatchSize)) + 1;
        var frames = (double)batch * vision.NumFrames;
        // Cross-frame layers attend over N+2 tokens (patches, CLS and the message token).
        var gflops = (TransformerFlops.Encoder(frames, frameTokens + 1, vision.HiddenSize, vision.IntermediateSize, vision.NumHiddenLayers)
            + TransformerFlops.Linear(frames * (frameTokens - 1), 3 * vision.PatchSize * vision.PatchSize, vision.HiddenSize)
            + TransformerFlops.Encoder(texts, textLength, text.HiddenSize, text.IntermediateSize, text.NumHiddenLayers)
            + TransformerFlops.Encoder(batch, vision.NumFrames, vision.MitHiddenSize, vision.MitIntermediateSize, vision.MitNumHiddenLayers)) / 1e9;
        return new PreparedForward(() =>
        {
            using var inference = inference_mode();
            using var output = model.Forward(inputIds, pixels);
        }, gflops, model, pixels, inputIds);
    }

    private static PreparedForward AltClip(ScalarType dtype, int batch)
    {
        // BAAI/AltCLIP: XLM-R large text tower, CLIP ViT-L/14 vision tower.
        var config = new AltCLIPConfig
        {
            VisionConfig = new AltCLIPVisionConfig
            {
                HiddenSize = 1024,
                IntermediateSize = 4096,
                NumHiddenLayers = 24,
                NumAttentionHeads = 16,
                PatchSize = 14,
                ProjectionDim = 768,
            },
            ProjectionDim = 768,
        };
        var model = new AltCLIPModel(config);
        Place(model, dtype);
        const int texts = 3;
        const int textLength = 16;
        var vision = config.VisionConfig;
        var text = config.TextConfig;
        var pixels = randn(new long[] { batch, 3, vision.ImageSize, vision.ImageSize });
        var inputIds = randint(5, 250000, new long[] { texts, textLength });
        var tokens = (double)((vision.ImageSize / vision.PatchSize) * (vision.ImageSize / vision.PatchSize)) + 1;
        var gflops = (TransformerFlops.Encoder(batch, tokens, vision.HiddenSize, vision.IntermediateSize, vision.NumHiddenLayers)
            + TransformerFlops.Linear(batch * (tokens - 1), 3 * vision.PatchSize * vision.PatchSize, vision.HiddenSize)
            + TransformerFlops.Encoder(texts, textLength, text.HiddenSize, text.IntermediateSize, text.NumHiddenLayers)) / 1e9;
        return new PreparedForward(() =>
        {
            using var inference = inference_mode();
            using var output = model.Forward(inputIds, pixels);
        }, gflops, model, pixels, inputIds);
    }

    private static PreparedForward TvltBase(ScalarType dtype, int batch)
    {
        var config = new TvltConfig();
        var model = new TvltForAudioVisualClassification(config);
        Place(model, dtype);
        const int audioRows = 1024;
        var pixels = randn(new long[] { batch, config.NumFrames, 3, config.ImageSize, config.ImageSize });
        var audio = randn(new long[] { batch, 1, audioRows, config.FrequencyLength });
        var pixelTokens = (double)config.NumFrames * (config.ImageSize / config.ImagePatchSize[0]) * (config.ImageSize / config.ImagePatchSize[1]);
        var audioTokens = (double)(audioRows / config.AudioPatchSize[0]) * (config.FrequencyLength / config.AudioPatchSize[1]);
        var gflops = (TransformerFlops.Encoder(batch, pixelTokens + audioTokens + 1, config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers)
            + TransformerFlops.Linear(batch * pixelTokens, 3 * config.ImagePatchSize[0] * config.ImagePatchSize[1], config.HiddenSize)
            + TransformerFlops.Linear(batch * audioTokens, config.AudioPatchSize[0] * config.AudioPatchSize[1], config.HiddenSize)) / 1e9;
        return new PreparedForward(() =>
        {
            using var inference = inference_mode();
            using var output = model.Forward(pixels, audio);
        }, gflops, model, pixels, audio);
    }

    private static PreparedForward VideoMAEBase(ScalarType dtype, int batch)
    {
        var config = new VideoMAEConfig { NumLabels = 400 };
        var model = new VideoMAEForVideoClassification(config);
        Place(model, dtype);
        var pixels = randn(new long[] { batch, config.NumFrames, 3, config.ImageSize, config.ImageSize });
        var tokens = (double)config.NumPatches;
        var gflops = (TransformerFlops.Encoder(batch, tokens, config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers)
            + TransformerFlops.Linear(batch * tokens, 3 * config.TubeletSize * config.PatchSize * config.PatchSize, config.HiddenSize)) / 1e9;
        return new PreparedForward(() =>
        {
            using var inference = inference_mode();
            using var output = model.Forward(pixels);
        }, gflops, model, pixels);
    }
}
