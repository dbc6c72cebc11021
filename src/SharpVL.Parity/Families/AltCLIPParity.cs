using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using static TorchSharp.torch;

namespace SharpVL.Parity.Families;

/// <summary>Runs the AltCLIP model cases (the CLIPImageProcessor and XLM-R tokenizer cases are in ProcessingParity / TokenizerParity).</summary>
public static class AltCLIPParity
{

    /// <summary>Adds the AltCLIP handlers to <paramref name="registry"/>.</summary>
    public static void Register(ParityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register("model", nameof(AltCLIPModel), RunAltCLIPModel);
        registry.Register("model", nameof(AltCLIPTextModel), (c, m, inputs) =>
        {
            // The manifest's load = subconfig_and_prefix: text_config + the text_model.* weights, which FromPretrained does.
            using var model = AltCLIPTextModel.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
            return new HandlerResult().With(model.Forward(
                inputs["input_ids"], Optional(inputs, "attention_mask"), Optional(inputs, "token_type_ids"),
                Optional(inputs, "position_ids"), Optional(inputs, "head_mask"),
                c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states")).Flatten());
        });
        registry.Register("model", nameof(AltCLIPVisionModel), (c, m, inputs) =>
        {
            using var model = AltCLIPVisionModel.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
            return new HandlerResult().With(model.Forward(
                inputs["pixel_values"], c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states"),
                c.BoolArg("interpolate_pos_encoding") ?? false).Flatten());
        });
    }

    private static HandlerResult RunAltCLIPModel(FixtureCase c, FixtureManifest m, IReadOnlyDictionary<string, Tensor> inputs)
    {
        using var model = AltCLIPModel.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
        var method = c.GetString("method") ?? "forward";
        return method switch
        {
            "forward" => new HandlerResult().With(model.Forward(
                inputs["input_ids"], inputs["pixel_values"], Optional(inputs, "attention_mask"), Optional(inputs, "position_ids"),
                Optional(inputs, "token_type_ids"), c.BoolArg("return_loss") ?? false, c.BoolArg("output_attentions"),
                c.BoolArg("output_hidden_states"), c.BoolArg("interpolate_pos_encoding") ?? false).Flatten()),
            "get_text_features" => new HandlerResult().With([new("output", model.GetTextFeatures(
                inputs["input_ids"], Optional(inputs, "attention_mask"), Optional(inputs, "position_ids"), Optional(inputs, "token_type_ids")))]),
            "get_image_features" => new HandlerResult().With([new("output", model.GetImageFeatures(
                inputs["pixel_values"], c.BoolArg("interpolate_pos_encoding") ?? false))]),
            _ => throw new NotSupportedException($"AltCLIPModel has no method '{method}'."),
        };
    }

    private static Tensor? Optional(IReadOnlyDictionary<string, Tensor> inputs, string key)
        => inputs.TryGetValue(key, out var value) ? value : null;
}
