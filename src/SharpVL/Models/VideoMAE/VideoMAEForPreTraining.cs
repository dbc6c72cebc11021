using SharpVL.Configuration;
using SharpVL.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.VideoMAE;

/// <summary>VideoMAE with the masked-autoencoder decoder and pixel reconstruction loss (<c>VideoMAEForPreTraining</c>).</summary>
public sealed class VideoMAEForPreTraining : VideoMAEPreTrainedModel
{
    // The reference un-normalizes with these constants whatever the processor used.
    private static readonly float[] ImageNetDefaultMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetDefaultStd = [0.229f, 0.224f, 0.225f];

    private readonly VideoMAEModel videomae;
    private readonly KernelLinear encoder_to_decoder;
    private readonly Parameter mask_token;
    private readonly VideoMAEDecoder decoder;

    /// <summary>Creates a randomly initialized model for <paramref name="config"/>.</summary>
    public VideoMAEForPreTraining(VideoMAEConfig config) : base(nameof(VideoMAEForPreTraining), config)
    {
        videomae = new VideoMAEModel(config);
        encoder_to_decoder = new KernelLinear(config.HiddenSize, config.DecoderHiddenSize, hasBias: false);
        mask_token = nn.Parameter(zeros(1, 1, config.DecoderHiddenSize));
        decoder = new VideoMAEDecoder(config);
        RegisterComponents();
        register_buffer("position_embeddings", SinusoidTable.Create(config.NumPatches, config.DecoderHiddenSize), persistent: false);
    }

    /// <summary>Loads the pre-training model from a directory or Hub id.</summary>
    public static VideoMAEForPreTraining FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
        => LoadPretrained(modelIdOrPath, options, dir => new VideoMAEForPreTraining(ConfigJson.Load<VideoMAEConfig>(dir)));

    /// <summary>Reconstructs the masked tubelets and computes the loss.</summary>
    /// <param name="pixelValues">[batch, num_frames, channels, height, width] normalized pixels.</param>
    /// <param name="boolMaskedPos">[batch, tokens] true for masked tokens (same count per sample). Required.</param>
    /// <param name="headMask">[heads] or [layers, heads] multipliers of the encoder's attention probabilities.</param>
    /// <param name="outputAttentions">Return the encoder's attention probabilities (default: config).</param>
    /// <param name="outputHiddenStates">Return the encoder's hidden states (default: config).</param>
    public VideoMAEForPreTrainingOutput Forward(
        Tensor pixelValues, Tensor boolMaskedPos, Tensor? headMask = null,
        bool? outputAttentions = null, bool? outputHiddenStates = null)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        if (boolMaskedPos is null)
        {
            throw new ArgumentNullException(nameof(boolMaskedPos), "VideoMAEForPreTraining needs bool_masked_pos (one must provide a boolean mask).");
        }
        using var scope = NewDisposeScope();
        boolMaskedPos = PlaceInput(boolMaskedPos);
        var encoded = videomae.Forward(pixelValues, boolMaskedPos, headMask, outputAttentions, outputHiddenStates);
        var visible = encoder_to_decoder.call(encoded.LastHiddenState);
        var batch = visible.shape[0];
        var positions = get_buffer("position_embeddings")!.to(visible.dtype, visible.device).expand(batch, -1, -1);
        var visiblePositions = VideoMAEEmbeddings.SelectTokens(positions, boolMaskedPos, keepMasked: false);
        var maskedPositions = VideoMAEEmbeddings.SelectTokens(positions, boolMaskedPos, keepMasked: true);
        var decoderInput = cat([visible + visiblePositions, mask_token + maskedPositions], 1);
        var logits = decoder.Forward(decoderInput, maskedPositions.shape[1]).Logits;

        Tensor targets;
        using (no_grad())
        {
            targets = ReconstructionTargets(pixelValues.to(logits.device), boolMaskedPos);
        }
        var loss = nn.functional.mse_loss(logits, targets.to(logits.dtype));
        var result = new VideoMAEForPreTrainingOutput(loss, logits, encoded.HiddenStates, encoded.Attentions);
        result.MoveToOuterScope();
        return result;
    }

    /// <summary>
    /// The masked patches of the un-normalized clip, flattened as (tubelet, p, p, C) per token, and with
    /// <c>norm_pix_loss</c> normalized per patch and channel by mean and unbiased standard deviation.
    /// </summary>
    private Tensor ReconstructionTargets(Tensor pixelValues, Tensor boolMaskedPos)
    {
        var config = Config;
        var frames = pixelValues.to(ScalarType.Float32);
        if (config.NumChannels == 3)
        {
            using var mean = tensor(ImageNetDefaultMean, device: frames.device).view(1, 1, 3, 1, 1);
            using var std = tensor(ImageNetDefaultStd, device: frames.device).view(1, 1, 3, 1, 1);
            frames = frames * std + mean;
        }
        else if (!config.NormPixLoss)
        {
            throw new InvalidOperationException("Can't unnormalize non-RGB images. Consider setting config.norm_pix_loss to False.");
        }
        var (b, t, c, h, w) = (frames.shape[0], frames.shape[1], frames.shape[2], frames.shape[3], frames.shape[4]);
        var (tubelet, patch) = ((long)config.TubeletSize, (long)config.PatchSize);
        var tokens = t / tubelet * (h / patch) * (w / patch);
        var patches = frames.view(b, t / tubelet, tubelet, c, h / patch, patch, w / patch, patch)
            .permute(0, 1, 4, 6, 2, 5, 7, 3)
            .contiguous();
        Tensor flattened;
        if (config.NormPixLoss)
        {
            var grouped = patches.view(b, tokens, tubelet * patch * patch, c);
            var normalized = (grouped - grouped.mean([-2], keepdim: true))
                / (grouped.var(-2, unbiased: true, keepdim: true).sqrt() + 1e-6);
            flattened = normalized.view(b, tokens, tubelet * patch * patch * c);
        }
        else
        {
            flattened = patches.view(b, tokens, tubelet * patch * patch * c);
        }
        return VideoMAEEmbeddings.SelectTokens(flattened, boolMaskedPos, keepMasked: true);
    }
}
