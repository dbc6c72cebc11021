using SharpVL.Modeling;
using SharpVL.Models.VideoMAE;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;
using static TorchSharp.torch;

namespace SharpVL.Parity.Families;

/// <summary>Runs the VideoMAE model cases.</summary>
public static class VideoMAEParity
{

    /// <summary>Adds the VideoMAE handlers to <paramref name="registry"/>.</summary>
    public static void Register(ParityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register("model", nameof(VideoMAEModel), (c, m, inputs) =>
        {
            using var model = VideoMAEModel.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
            return new HandlerResult().With(model.Forward(
                inputs["pixel_values"], Optional(inputs, "bool_masked_pos"), Optional(inputs, "head_mask"),
                c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states")).Flatten());
        });
        registry.Register("model", nameof(VideoMAEForPreTraining), (c, m, inputs) =>
        {
            using var model = VideoMAEForPreTraining.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
            return new HandlerResult().With(model.Forward(
                inputs["pixel_values"], inputs["bool_masked_pos"], Optional(inputs, "head_mask"),
                c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states")).Flatten());
        });
        registry.Register("model", nameof(VideoMAEForVideoClassification), (c, m, inputs) =>
        {
            using var model = VideoMAEForVideoClassification.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
            return new HandlerResult().With(model.Forward(
                inputs["pixel_values"], Optional(inputs, "head_mask"), Optional(inputs, "labels"),
                c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states")).Flatten());
        });
        registry.Register("pipeline", "videomae_classification_from_mp4", (c, m, _) =>
        {
            var directory = m.Resolve(c.GetString("model")!);
            var indices = c.Get("frame_indices")!.Value.EnumerateArray().Select(e => e.GetInt32()).ToList();
            var frames = VideoReader.Default.ReadFrames(m.Resolve(c.GetString("file")!), indices);
            var processor = VideoMAEImageProcessor.FromPretrained(m.Resolve(c.GetString("processor")!));
            var pixels = processor.Preprocess([frames]).ToTensor();
            using var model = VideoMAEForVideoClassification.FromPretrained(directory, ModelLoadOptions.Quiet);
            using var output = model.Forward(pixels);
            return new HandlerResult().With([new("pixel_values", pixels), new("logits", output.Logits.clone())]);
        });
    }

    internal static Tensor? Optional(IReadOnlyDictionary<string, Tensor> inputs, string key)
        => inputs.TryGetValue(key, out var value) ? value : null;
}
