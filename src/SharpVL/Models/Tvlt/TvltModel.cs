using SharpVL.Configuration;
using SharpVL.Modeling;
using SharpVL.Modeling.ViT;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.Tvlt;

/// <summary>
/// The bare TVLT encoder (<c>TvltModel</c>): [CLS, video tokens, audio tokens] through a pre-LN transformer, with
/// optional MAE masking of either modality.
/// </summary>
public sealed class TvltModel : TvltPreTrainedModel
{
    private readonly TvltPixelEmbeddings pixel_embeddings;
    private readonly TvltAudioEmbeddings audio_embeddings;
    private readonly ViTEncoder encoder;
    private readonly Parameter cls_embedding;
    private readonly LayerNorm? layernorm;

    /// <summary>Creates a randomly initialized model for <paramref name="config"/>.</summary>
    public TvltModel(TvltConfig config) : base(nameof(TvltModel), config)
    {
        ArgumentNullException.ThrowIfNull(config);
        pixel_embeddings = new TvltPixelEmbeddings(config);
        audio_embeddings = new TvltAudioEmbeddings(config);
        encoder = new ViTEncoder(EncoderLayerSettings(config), config.NumHiddenLayers);
        cls_embedding = nn.Parameter(zeros(1, 1, config.HiddenSize));
        layernorm = config.UseMeanPooling ? null : nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Loads a model from a directory or Hub id (a <c>TvltFor*</c> checkpoint works too: its heads are ignored).</summary>
    public static TvltModel FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
        => LoadPretrained(modelIdOrPath, options, dir => new TvltModel(ConfigJson.Load<TvltConfig>(dir)));

    /// <summary>Encodes video and audio together.</summary>
    /// <param name="pixelValues">[batch, frames, channels, height, width] normalized frames.</param>
    /// <param name="audioValues">[batch, 1, time, freq] log-mel spectrogram.</param>
    /// <param name="pixelMask">[batch, pixel tokens] 1 for real frames' patches. Used only together with <paramref name="audioMask"/>.</param>
    /// <param name="audioMask">[batch, audio tokens] 1 for real audio patches. Used only together with <paramref name="pixelMask"/>.</param>
    /// <param name="maskPixel">Randomly drop pixel tokens (MAE, ratio <c>pixel_mask_ratio</c>).</param>
    /// <param name="maskAudio">Randomly drop audio tokens (MAE, ratio <c>audio_mask_ratio</c>).</param>
    /// <param name="outputAttentions">Return each layer's attention probabilities (default: config).</param>
    /// <param name="outputHiddenStates">Return the embeddings and each layer's output (default: config).</param>
    /// <param name="noise">Masking draws (see <see cref="TvltMaskingNoise"/>); ignored without masking.</param>
    public TvltModelOutput Forward(
        Tensor pixelValues, Tensor audioValues, Tensor? pixelMask = null, Tensor? audioMask = null,
        bool maskPixel = false, bool maskAudio = false, bool? outputAttentions = null, bool? outputHiddenStates = null,
        TvltMaskingNoise? noise = null)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        ArgumentNullException.ThrowIfNull(audioValues);
        using var scope = NewDisposeScope();
        var config = Config;
        var device = Device;
        var dtype = DType;
        var pixels = pixel_embeddings.Forward(PlaceInput(pixelValues));
        var audio = audio_embeddings.Forward(PlaceInput(audioValues));
        // Masks enter the arithmetic of the additive mask, so integer masks take the model's dtype too.
        var pixelAttention = PlaceOptionalInput(pixelMask)?.to(dtype);
        var audioAttention = PlaceOptionalInput(audioMask)?.to(dtype);
        CheckMask(pixelAttention, pixels, "pixel_mask");
        CheckMask(audioAttention, audio, "audio_mask");

        Tensor? pixelLabelMasks = null, pixelIdsRestore = null, audioLabelMasks = null, audioIdsRestore = null;
        if (maskPixel)
        {
            var draws = noise?.PixelNoise?.to(device) ?? TvltRandomMasking.PixelNoise(pixels.shape[0], pixels.shape[1], device, noise?.Generator);
            var masked = TvltRandomMasking.Apply(pixels, draws, noise?.PixelIdsShuffle, config.PixelMaskRatio, pixelAttention);
            (pixels, pixelAttention, pixelLabelMasks, pixelIdsRestore) = (masked.Kept, masked.AttentionMask, masked.LabelMasks, masked.IdsRestore);
        }
        if (maskAudio)
        {
            var draws = noise?.AudioNoise?.to(device) ?? TvltRandomMasking.AudioNoise(
                audio.shape[0], audio.shape[1], config.FrequencyPatches, config.AudioMaskType, device, noise?.Generator);
            var masked = TvltRandomMasking.Apply(audio, draws, noise?.AudioIdsShuffle, config.AudioMaskRatio, audioAttention);
            (audio, audioAttention, audioLabelMasks, audioIdsRestore) = (masked.Kept, masked.AttentionMask, masked.LabelMasks, masked.IdsRestore);
        }

        var batch = pixelValues.shape[0];
        var embeddings = cat([cls_embedding.expand(batch, -1, -1), pixels, audio], 1);
        var keptPixels = pixels.shape[1];
        Tensor? additiveMask = null;
        // The reference only builds a mask when both are given; otherwise every token (padding included) is attended.
        if (pixelAttention is not null && audioAttention is not null)
        {
            var attention = cat([pixelAttention.narrow(1, 0, 1), pixelAttention, audioAttention], 1);
            additiveMask = (1.0 - attention.unsqueeze(1).unsqueeze(2)) * finfo(dtype).min;
        }
        var encoded = encoder.Forward(
            embeddings, additiveMask, null, outputAttentions ?? config.OutputAttentions, outputHiddenStates ?? config.OutputHiddenStates);
        var sequence = layernorm is null ? encoded.LastHiddenState : layernorm.call(encoded.LastHiddenState);
        var result = new TvltModelOutput(
            sequence,
            sequence.narrow(1, 1, keptPixels),
            sequence.narrow(1, 1 + keptPixels, sequence.shape[1] - 1 - keptPixels),
            pixelLabelMasks, audioLabelMasks, pixelIdsRestore, audioIdsRestore,
            encoded.HiddenStates, encoded.Attentions);
        result.MoveToOuterScope();
        return result;
    }

    private static void CheckMask(Tensor? mask, Tensor tokens, string name)
    {
        if (mask is not null && !mask.shape.SequenceEqual([tokens.shape[0], tokens.shape[1]]))
        {
            throw new ArgumentException(
                $"{name} must be [{tokens.shape[0]}, {tokens.shape[1]}] (one value per token), got [{string.Join(", ", mask.shape)}].");
        }
    }
}
