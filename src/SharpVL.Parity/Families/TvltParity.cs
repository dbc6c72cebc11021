using System.Text.Json;
using SharpVL.Modeling;
using SharpVL.Models.Tvlt;
using SharpVL.Pipelines;
using SharpVL.Processing.Audio;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;
using static TorchSharp.torch;

namespace SharpVL.Parity.Families;

/// <summary>Runs the TVLT model, processor, audio-decode and pipeline cases.</summary>
public static class TvltParity
{

    /// <summary>Adds the TVLT handlers to <paramref name="registry"/>.</summary>
    public static void Register(ParityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        RegisterProcessors(registry);
        registry.Register("audio_decode", ParityRegistry.MediaTypes.Wav, (c, m, _) =>
            new HandlerResult().With([new("waveform", Waveform(WavReader.Read(m.Resolve(c.GetString("file")!))))]));
        registry.Register("audio_decode", ParityRegistry.MediaTypes.Container, (c, m, _) =>
            new HandlerResult().With([new("waveform", Waveform(AudioTrackReader.Default.Read(m.Resolve(c.GetString("file")!))))]));
        RegisterModels(registry);
        RegisterPipeline(registry);
    }

    private static void RegisterProcessors(ParityRegistry registry)
    {
        registry.Register("processor", nameof(TvltImageProcessor), (c, m, inputs) =>
        {
            var processor = TvltImageProcessor.FromPretrained(m.Resolve(c.GetString("processor")!));
            return new HandlerResult().With(processor.Preprocess(Videos(inputs), c.Args).ToTensors());
        });
        registry.Register("processor", nameof(TvltFeatureExtractor), (c, m, inputs) =>
        {
            var extractor = TvltFeatureExtractor.FromPretrained(m.Resolve(c.GetString("processor")!));
            var features = c.GetString("call") == "audio_single"
                ? extractor.Extract(Floats(inputs["audio"]), SamplingRate(c))
                : extractor.Extract(Indexed(inputs, "audio").Select(Floats).ToList(), SamplingRate(c));
            return new HandlerResult().With(features.ToTensors());
        });
        registry.Register("processor", nameof(TvltProcessor), (c, m, inputs) =>
        {
            var processor = TvltProcessor.FromPretrained(m.Resolve(c.GetString("processor")!));
            var arguments = ImageArguments(c);
            var options = processor.ImageProcessor.Options.WithCallArguments(
                arguments.Where(p => p.Key is not ("is_mixed" or "patch_size" or "num_frames" or "mask_pixel" or "mask_audio"))
                    .ToDictionary(p => p.Key, p => p.Value));
            IReadOnlyList<int>? patch = arguments.TryGetValue("patch_size", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Select(e => e.GetInt32()).ToList()
                : null;
            var output = processor.Process(Videos(inputs), [Floats(inputs["audio"])], null, SamplingRate(c), options, patch);
            return new HandlerResult().With(output);
        });
    }

    private static void RegisterModels(ParityRegistry registry)
    {
        registry.Register("model", nameof(TvltModel), (c, m, inputs) =>
        {
            using var model = TvltModel.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
            SetMode(model, c);
            return new HandlerResult().With(model.Forward(
                inputs["pixel_values"], inputs["audio_values"], Optional(inputs, "pixel_mask"), Optional(inputs, "audio_mask"),
                c.BoolArg("mask_pixel") ?? false, c.BoolArg("mask_audio") ?? false,
                c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states"), InjectedNoise(inputs)).Flatten());
        });
        registry.Register("model", nameof(TvltForPreTraining), (c, m, inputs) =>
        {
            using var model = TvltForPreTraining.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
            SetMode(model, c);
            return new HandlerResult().With(model.Forward(
                inputs["pixel_values"], inputs["audio_values"], Optional(inputs, "pixel_mask"), Optional(inputs, "audio_mask"),
                Optional(inputs, "labels"), Optional(inputs, "pixel_values_mixed"), Optional(inputs, "pixel_mask_mixed"),
                c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states"), InjectedNoise(inputs)).Flatten());
        });
        registry.Register("model", nameof(TvltForAudioVisualClassification), (c, m, inputs) =>
        {
            using var model = TvltForAudioVisualClassification.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
            SetMode(model, c);
            return new HandlerResult().With(model.Forward(
                inputs["pixel_values"], inputs["audio_values"], Optional(inputs, "pixel_mask"), Optional(inputs, "audio_mask"),
                Optional(inputs, "labels"), c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states")).Flatten());
        });
    }

    /// <summary>
    /// The fixtures' recorded draws: noise plus the exact permutations torch 1.13 computed (its argsort is not stable on
    /// the tied frame-level audio noise, so the recorded permutation is what reproduces <c>expected</c>).
    /// </summary>
    internal static TvltMaskingNoise? InjectedNoise(IReadOnlyDictionary<string, Tensor> inputs) =>
        inputs.Keys.Any(k => k.StartsWith("rng.", StringComparison.Ordinal))
            ? new TvltMaskingNoise(
                Optional(inputs, "rng.pixel_mask_noise"), Optional(inputs, "rng.audio_mask_noise"),
                Optional(inputs, "rng.pixel_ids_shuffle"), Optional(inputs, "rng.audio_ids_shuffle"))
            : null;

    private static void SetMode(TorchSharp.torch.nn.Module model, FixtureCase c)
    {
        if (c.GetString("mode") == "train")
        {
            model.train();
        }
    }

    private static void RegisterPipeline(ParityRegistry registry)
    {
        registry.Register("pipeline", "tvlt_classification_from_mp4", (c, m, _) =>
        {
            var indices = c.Get("frame_indices")!.Value.EnumerateArray().Select(e => e.GetInt32()).ToList();
            var frames = VideoReader.Default.ReadFrames(m.Resolve(c.GetString("file")!), indices);
            var audio = WavReader.Read(m.Resolve(c.GetString("audio_file")!));
            var processor = TvltProcessor.FromPretrained(m.Resolve(c.GetString("processor")!));
            using var model = TvltForAudioVisualClassification.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
            var pipeline = new AudioVisualClassificationPipeline(model, processor);
            var inputs = pipeline.Prepare(frames, audio);
            var logits = model.Forward(inputs["pixel_values"], inputs["audio_values"], inputs["pixel_mask"], inputs["audio_mask"]).Logits;
            return new HandlerResult().With(inputs.Append(new("logits", logits)));
        });
    }

    internal static Tensor? Optional(IReadOnlyDictionary<string, Tensor> inputs, string key)
        => inputs.TryGetValue(key, out var value) ? value : null;

    internal static IReadOnlyDictionary<string, JsonElement> ImageArguments(FixtureCase c) =>
        c.Args.Where(p => p.Key != "sampling_rate").ToDictionary(p => p.Key, p => p.Value);

    internal static int? SamplingRate(FixtureCase c) =>
        c.Args.TryGetValue("sampling_rate", out var rate) && rate.ValueKind == JsonValueKind.Number ? rate.GetInt32() : null;

    /// <summary>The <c>videos</c> input ([batch, frames, H, W, 3]) or the ragged list <c>videos.0</c>, <c>videos.1</c>, ...</summary>
    internal static IReadOnlyList<IReadOnlyList<RgbImage>> Videos(IReadOnlyDictionary<string, Tensor> inputs)
    {
        if (inputs.TryGetValue("videos", out var batch))
        {
            return ImageArrays.ToVideos(Bytes(batch), batch.shape);
        }
        return Indexed(inputs, "videos").Select(v => ImageArrays.ToVideos(Bytes(v), v.shape)[0]).ToList();
    }

    internal static IEnumerable<Tensor> Indexed(IReadOnlyDictionary<string, Tensor> inputs, string prefix)
    {
        for (int i = 0; inputs.TryGetValue($"{prefix}.{i}", out var value); i++)
        {
            yield return value;
        }
    }

    internal static byte[] Bytes(Tensor t) => t.contiguous().data<byte>().ToArray();

    internal static float[] Floats(Tensor t) => t.to(ScalarType.Float32).contiguous().data<float>().ToArray();

    private static Tensor Waveform(AudioWaveform waveform) => tensor(waveform.Samples, [waveform.Samples.LongLength], ScalarType.Float32);
}
