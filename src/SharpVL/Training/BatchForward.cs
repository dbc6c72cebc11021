using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using static TorchSharp.torch;

namespace SharpVL.Training;

/// <summary>Keyword arguments of a forward that are not tensors (Transformers' <c>return_loss=True</c> and the like).</summary>
public sealed record ForwardArguments
{
    /// <summary>Contrastive models: compute the loss (<c>return_loss</c>). Training sets it for X-CLIP and AltCLIP.</summary>
    public bool? ReturnLoss { get; init; }

    /// <summary>Return every layer's attention probabilities (<c>output_attentions</c>; default: config).</summary>
    public bool? OutputAttentions { get; init; }

    /// <summary>Return the hidden states (<c>output_hidden_states</c>; default: config).</summary>
    public bool? OutputHiddenStates { get; init; }

    /// <summary>CLIP-style towers: resize the position table for another resolution (<c>interpolate_pos_encoding</c>).</summary>
    public bool InterpolatePosEncoding { get; init; }

    /// <summary>
    /// TVLT masking draws. When null, the draws come from the batch's <c>rng.*</c> tensors if it has them, else from
    /// the global generator.
    /// </summary>
    public TvltMaskingNoise? MaskingNoise { get; init; }

    /// <summary>No extra arguments.</summary>
    public static ForwardArguments None { get; } = new();
}

/// <summary>
/// Calls a model with a batch of named inputs, like Python's <c>model(**batch)</c>: the keys are the forward's keyword
/// names (<c>pixel_values</c>, <c>labels</c>, <c>input_ids</c>, ...). A key the model does not take is an error, never
/// silently dropped. This is the one place that knows each trainable class's forward signature, so the Trainer and the
/// parity harness drive every family the same way.
/// </summary>
public static class BatchForward
{
    /// <summary>The model classes <see cref="Run"/> drives.</summary>
    public static IReadOnlyList<Type> SupportedModels { get; } =
    [
        typeof(VideoMAEForVideoClassification), typeof(VideoMAEForPreTraining), typeof(VideoMAEModel), typeof(XCLIPModel),
        typeof(AltCLIPModel), typeof(TvltForAudioVisualClassification), typeof(TvltForPreTraining), typeof(TvltModel),
    ];

    /// <summary>Runs the forward of <paramref name="model"/> on <paramref name="batch"/>; the caller disposes the output.</summary>
    /// <exception cref="ArgumentException">A required input is missing or an input is not one the model takes.</exception>
    /// <exception cref="NotSupportedException">The model class has no batch forward.</exception>
    public static ModelOutput Run(PreTrainedModel model, IReadOnlyDictionary<string, Tensor> batch, ForwardArguments? arguments = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        var args = arguments ?? ForwardArguments.None;
        var accepted = AcceptedInputs(model);
        var unknown = batch.Keys.Where(k => !accepted.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"{model.GetType().Name} does not take {string.Join(", ", unknown.Select(k => $"'{k}'"))} (it takes {string.Join(", ", accepted)}).");
        }
        var inputs = new BatchInputs(model, batch);
        return model switch
        {
            VideoMAEForVideoClassification m => m.Forward(
                inputs.Required("pixel_values"), inputs.Optional("head_mask"), inputs.Optional("labels"), args.OutputAttentions, args.OutputHiddenStates),
            VideoMAEForPreTraining m => m.Forward(
                inputs.Required("pixel_values"), inputs.Required("bool_masked_pos"), inputs.Optional("head_mask"), args.OutputAttentions, args.OutputHiddenStates),
            VideoMAEModel m => m.Forward(
                inputs.Required("pixel_values"), inputs.Optional("bool_masked_pos"), inputs.Optional("head_mask"), args.OutputAttentions, args.OutputHiddenStates),
            XCLIPModel m => m.Forward(
                inputs.Required("input_ids"), inputs.Required("pixel_values"), inputs.Optional("attention_mask"), inputs.Optional("position_ids"),
                args.ReturnLoss, args.OutputAttentions, args.OutputHiddenStates, args.InterpolatePosEncoding),
            AltCLIPModel m => m.Forward(
                inputs.Required("input_ids"), inputs.Required("pixel_values"), inputs.Optional("attention_mask"), inputs.Optional("position_ids"),
                inputs.Optional("token_type_ids"), args.ReturnLoss ?? false, args.OutputAttentions, args.OutputHiddenStates, args.InterpolatePosEncoding),
            TvltForAudioVisualClassification m => m.Forward(
                inputs.Required("pixel_values"), inputs.Required("audio_values"), inputs.Optional("pixel_mask"), inputs.Optional("audio_mask"),
                inputs.Optional("labels"), args.OutputAttentions, args.OutputHiddenStates),
            TvltForPreTraining m => m.Forward(
                inputs.Required("pixel_values"), inputs.Required("audio_values"), inputs.Optional("pixel_mask"), inputs.Optional("audio_mask"),
                inputs.Optional("labels"), inputs.Optional("pixel_values_mixed"), inputs.Optional("pixel_mask_mixed"),
                args.OutputAttentions, args.OutputHiddenStates, args.MaskingNoise ?? inputs.MaskingNoise()),
            TvltModel m => m.Forward(
                inputs.Required("pixel_values"), inputs.Required("audio_values"), inputs.Optional("pixel_mask"), inputs.Optional("audio_mask"),
                outputAttentions: args.OutputAttentions, outputHiddenStates: args.OutputHiddenStates, noise: args.MaskingNoise ?? inputs.MaskingNoise()),
            _ => throw new NotSupportedException(
                $"{model.GetType().Name} has no batch forward; supported: {string.Join(", ", SupportedModels.Select(t => t.Name))}."),
        };
    }

    private static readonly string[] TvltNoiseInputs = ["rng.pixel_mask_noise", "rng.audio_mask_noise", "rng.pixel_ids_shuffle", "rng.audio_ids_shuffle"];

    /// <summary>The batch keys the forward of <paramref name="model"/> takes.</summary>
    public static IReadOnlyList<string> AcceptedInputs(PreTrainedModel model) => model switch
    {
        VideoMAEForVideoClassification => ["pixel_values", "head_mask", "labels"],
        VideoMAEForPreTraining or VideoMAEModel => ["pixel_values", "bool_masked_pos", "head_mask"],
        XCLIPModel => ["input_ids", "pixel_values", "attention_mask", "position_ids"],
        AltCLIPModel => ["input_ids", "pixel_values", "attention_mask", "position_ids", "token_type_ids"],
        TvltForAudioVisualClassification => ["pixel_values", "audio_values", "pixel_mask", "audio_mask", "labels"],
        TvltForPreTraining =>
            ["pixel_values", "audio_values", "pixel_mask", "audio_mask", "labels", "pixel_values_mixed", "pixel_mask_mixed", .. TvltNoiseInputs],
        TvltModel => ["pixel_values", "audio_values", "pixel_mask", "audio_mask", .. TvltNoiseInputs],
        _ => throw new NotSupportedException(
            $"{model.GetType().Name} has no batch forward; supported: {string.Join(", ", SupportedModels.Select(t => t.Name))}."),
    };

    /// <summary>The <c>loss</c> field of a model output (null when the forward computed none).</summary>
    public static Tensor? LossOf(ModelOutput output) => output switch
    {
        ClassifierOutput o => o.Loss,
        VideoMAEForPreTrainingOutput o => o.Loss,
        XCLIPOutput o => o.Loss,
        AltCLIPOutput o => o.Loss,
        TvltForPreTrainingOutput o => o.Loss,
        _ => null,
    };

    /// <summary>Reads a batch by keyword.</summary>
    private sealed class BatchInputs(PreTrainedModel model, IReadOnlyDictionary<string, Tensor> batch)
    {
        public Tensor Required(string key) => Optional(key)
            ?? throw new ArgumentException($"{model.GetType().Name} needs '{key}' in the batch (got {string.Join(", ", batch.Keys)}).");

        public Tensor? Optional(string key) => batch.TryGetValue(key, out var value) ? value : null;

        /// <summary>Injected masking draws: the batch's <c>rng.*</c> tensors, as the fixtures record them.</summary>
        public TvltMaskingNoise? MaskingNoise()
        {
            if (!batch.Keys.Any(k => k.StartsWith("rng.", StringComparison.Ordinal)))
            {
                return null;
            }
            return new TvltMaskingNoise(
                Optional("rng.pixel_mask_noise"), Optional("rng.audio_mask_noise"), Optional("rng.pixel_ids_shuffle"), Optional("rng.audio_ids_shuffle"));
        }
    }
}
