using SharpVL.Models.VideoMAE;
using SharpVL.Modeling;
using static TorchSharp.torch;

namespace SharpVL.Parity.Families;

/// <summary>Runs the VideoMAE model cases.</summary>
public static class VideoMAEParity
{
    private static readonly ModelLoadOptions Quiet = new() { Log = _ => { } };

    /// <summary>Adds the VideoMAE handlers to <paramref name="registry"/>.</summary>
    public static void Register(ParityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register("model", nameof(VideoMAEModel), (c, m, inputs) =>
        {
            using var model = VideoMAEModel.FromPretrained(m.Resolve(c.GetString("model")!), Quiet);
            return new HandlerResult().With(model.Forward(
                inputs["pixel_values"], Optional(inputs, "bool_masked_pos"), Optional(inputs, "head_mask"),
                c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states")).Flatten());
        });
        registry.Register("model", nameof(VideoMAEForPreTraining), (c, m, inputs) =>
        {
            using var model = VideoMAEForPreTraining.FromPretrained(m.Resolve(c.GetString("model")!), Quiet);
            return new HandlerResult().With(model.Forward(
                inputs["pixel_values"], inputs["bool_masked_pos"], Optional(inputs, "head_mask"),
                c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states")).Flatten());
        });
        registry.Register("model", nameof(VideoMAEForVideoClassification), (c, m, inputs) =>
        {
            using var model = VideoMAEForVideoClassification.FromPretrained(m.Resolve(c.GetString("model")!), Quiet);
            return new HandlerResult().With(model.Forward(
                inputs["pixel_values"], Optional(inputs, "head_mask"), Optional(inputs, "labels"),
                c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states")).Flatten());
        });
    }

    internal static Tensor? Optional(IReadOnlyDictionary<string, Tensor> inputs, string key)
        => inputs.TryGetValue(key, out var value) ? value : null;
}
