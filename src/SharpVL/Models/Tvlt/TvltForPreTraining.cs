using SharpVL.Configuration;
using SharpVL.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.Tvlt;

/// <summary>
/// TVLT pre-training (<c>TvltForPreTraining</c>): audio-video matching on <c>pixel_values_mixed</c> and, in training
/// mode only (as in 4.27.1), masked-autoencoder reconstruction of pixel and audio patches with a shared decoder.
/// </summary>
public sealed class TvltForPreTraining : TvltPreTrainedModel
{
    private readonly TvltModel tvlt;
    private readonly TvltMatchingHead? matching_head;
    private readonly KernelLinear? encoder_to_decoder;
    private readonly Parameter? pixel_mask_token;
    private readonly Parameter? audio_mask_token;
    private readonly TvltDecoder? decoder;
    private readonly Parameter? decoder_pixel_pos_embed;
    private readonly Parameter? decoder_temporal_embed;
    private readonly Parameter? decoder_pixel_type_embed;
    private readonly Parameter? decoder_audio_pos_embed;
    private readonly Parameter? decoder_freq_embed;
    private readonly Parameter? decoder_audio_type_embed;
    private readonly TvltMaeHead? pixel_mae_head;
    private readonly TvltMaeHead? audio_mae_head;

    /// <summary>Creates a randomly initialized model for <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">Neither task_matching nor task_mae is set.</exception>
    public TvltForPreTraining(TvltConfig config) : base(nameof(TvltForPreTraining), config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.TaskMatching && !config.TaskMae)
        {
            throw new ArgumentException("Must set at least one of matching task and MAE task to true", nameof(config));
        }
        tvlt = new TvltModel(config);
        if (config.TaskMatching)
        {
            matching_head = new TvltMatchingHead(config);
        }
        if (config.TaskMae)
        {
            int d = config.DecoderHiddenSize;
            encoder_to_decoder = new KernelLinear(config.HiddenSize, d);
            pixel_mask_token = nn.Parameter(zeros(1, 1, d));
            audio_mask_token = nn.Parameter(zeros(1, 1, d));
            decoder = new TvltDecoder(config);
            decoder_pixel_pos_embed = nn.Parameter(zeros(1, config.PatchesPerFrame, d));
            decoder_temporal_embed = nn.Parameter(zeros(1, config.NumFrames, d));
            decoder_pixel_type_embed = nn.Parameter(zeros(1, 1, d));
            decoder_audio_pos_embed = nn.Parameter(zeros(1, config.AudioPatches / config.FrequencyPatches, d));
            decoder_freq_embed = nn.Parameter(zeros(1, config.FrequencyPatches, d));
            decoder_audio_type_embed = nn.Parameter(zeros(1, 1, d));
            pixel_mae_head = new TvltMaeHead(d, config.ImagePatchSize[0] * config.ImagePatchSize[0] * config.NumImageChannels);
            audio_mae_head = new TvltMaeHead(d, config.AudioPatchSize[0] * config.AudioPatchSize[1] * config.NumAudioChannels);
        }
        RegisterComponents();
    }

    /// <summary>Loads the pre-training model from a directory or Hub id.</summary>
    public static TvltForPreTraining FromPretrained(string modelIdOrPath, ModelLoadOptions? options = null)
        => LoadPretrained(modelIdOrPath, options, dir => new TvltForPreTraining(ConfigJson.Load<TvltConfig>(dir)));

    /// <summary>Runs the matching task and, in training mode, the MAE task.</summary>
    /// <param name="pixelValues">[batch, frames, 3, H, W] frames for the MAE task.</param>
    /// <param name="audioValues">[batch, 1, time, freq] spectrogram (both tasks).</param>
    /// <param name="pixelMask">Padding mask of <paramref name="pixelValues"/>.</param>
    /// <param name="audioMask">Padding mask of <paramref name="audioValues"/>.</param>
    /// <param name="labels">[batch, 1] float matching targets (required with task_matching).</param>
    /// <param name="pixelValuesMixed">Frames mixing matching and non-matching videos (required with task_matching).</param>
    /// <param name="pixelMaskMixed">Padding mask of <paramref name="pixelValuesMixed"/>.</param>
    /// <param name="outputAttentions">Return encoder attentions (default: config).</param>
    /// <param name="outputHiddenStates">Return encoder hidden states (default: config).</param>
    /// <param name="noise">MAE masking draws for the training-mode pass.</param>
    /// <exception cref="ArgumentException">The matching task lacks labels or pixel_values_mixed.</exception>
    public TvltForPreTrainingOutput Forward(
        Tensor pixelValues, Tensor audioValues, Tensor? pixelMask = null, Tensor? audioMask = null, Tensor? labels = null,
        Tensor? pixelValuesMixed = null, Tensor? pixelMaskMixed = null, bool? outputAttentions = null, bool? outputHiddenStates = null,
        TvltMaskingNoise? noise = null)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        ArgumentNullException.ThrowIfNull(audioValues);
        using var scope = NewDisposeScope();
        Tensor? loss = null;
        Tensor? matchingLogits = null;
        TvltModelOutput? outputs = null;
        if (matching_head is not null)
        {
            if (labels is null)
            {
                throw new ArgumentException("Matching task requires labels", nameof(labels));
            }
            if (pixelValuesMixed is null)
            {
                throw new ArgumentException("Matching task requires pixel_values_mixed", nameof(pixelValuesMixed));
            }
            outputs = tvlt.Forward(pixelValuesMixed, audioValues, pixelMaskMixed, audioMask,
                outputAttentions: outputAttentions, outputHiddenStates: outputHiddenStates);
            matchingLogits = matching_head.Forward(outputs.LastHiddenState);
            loss = nn.functional.binary_cross_entropy_with_logits(matchingLogits.view(-1), labels.to(matchingLogits.dtype, matchingLogits.device).view(-1));
        }
        Tensor? pixelLogits = null, audioLogits = null;
        if (decoder is not null && training)
        {
            outputs = tvlt.Forward(pixelValues, audioValues, pixelMask, audioMask, maskPixel: true, maskAudio: true,
                outputAttentions: outputAttentions, outputHiddenStates: outputHiddenStates, noise: noise);
            (pixelLogits, audioLogits) = DecodeMasked(outputs, pixelValues.shape[1]);
            var mae = PixelMaeLoss(pixelValues.to(pixelLogits.dtype, pixelLogits.device), pixelLogits, outputs.PixelLabelMasks!)
                + AudioMaeLoss(audioValues.to(audioLogits.dtype, audioLogits.device), audioLogits, outputs.AudioLabelMasks!);
            loss = loss is null ? mae : loss + mae;
        }
        if (outputs is null)
        {
            // 4.27.1 fails here as well (its outputs are never assigned): MAE-only pre-training runs in training mode only.
            throw new InvalidOperationException("TvltForPreTraining without task_matching only produces outputs in training mode (call train()).");
        }
        var result = new TvltForPreTrainingOutput(loss, matchingLogits, pixelLogits, audioLogits, outputs.HiddenStates, outputs.Attentions);
        result.MoveToOuterScope();
        return result;
    }

    private (Tensor Pixel, Tensor Audio) DecodeMasked(TvltModelOutput outputs, long numFrames)
    {
        var config = Config;
        var pixelInput = Unshuffle(pixel_mask_token!, encoder_to_decoder!.call(outputs.LastPixelHiddenState), outputs.PixelIdsRestore!);
        pixelInput = pixelInput
            + decoder_pixel_pos_embed!.repeat(1, numFrames, 1)
            + decoder_temporal_embed!.narrow(1, 0, numFrames).repeat_interleave(config.PatchesPerFrame, dim: 1)
            + decoder_pixel_type_embed!;
        var pixelLogits = pixel_mae_head!.Forward(decoder!.Forward(pixelInput));

        var audioInput = Unshuffle(audio_mask_token!, encoder_to_decoder.call(outputs.LastAudioHiddenState), outputs.AudioIdsRestore!);
        long timePatches = audioInput.shape[1] / config.FrequencyPatches;
        audioInput = audioInput
            + decoder_freq_embed!.repeat(1, timePatches, 1)
            + decoder_audio_pos_embed!.narrow(1, 0, timePatches).repeat_interleave(config.FrequencyPatches, dim: 1)
            + decoder_audio_type_embed!;
        var audioLogits = audio_mae_head!.Forward(decoder.Forward(audioInput));
        return (pixelLogits, audioLogits);
    }

    /// <summary><c>concatenate_mask</c>: appends mask tokens for the removed positions and restores the original order.</summary>
    private static Tensor Unshuffle(Tensor maskToken, Tensor kept, Tensor idsRestore)
    {
        var (batch, length, dim) = (kept.shape[0], kept.shape[1], kept.shape[2]);
        var padded = cat([kept, maskToken.repeat(batch, idsRestore.shape[1] - length, 1)], 1);
        return padded.gather(1, idsRestore.unsqueeze(-1).repeat(1, 1, dim));
    }

    /// <summary>Mean squared error per patch, averaged over the removed (label-masked) patches; targets are raw patches.</summary>
    private static Tensor MaskedMeanLoss(Tensor predictions, Tensor targets, Tensor labelMask)
    {
        var perPatch = (predictions - targets).pow(2).mean([-1]);
        return (perPatch * labelMask).sum() / labelMask.sum();
    }

    private Tensor PixelMaeLoss(Tensor pixelValues, Tensor predictions, Tensor labelMask)
    {
        var patch = Config.ImagePatchSize;
        var (b, t, c, h, w) = (pixelValues.shape[0], pixelValues.shape[1], pixelValues.shape[2], pixelValues.shape[3], pixelValues.shape[4]);
        long ph = h / patch[0], pw = w / patch[1];
        // ntchpwq -> nthwpqc
        var patches = pixelValues.reshape(b, t, c, ph, patch[0], pw, patch[1]).permute(0, 1, 3, 5, 4, 6, 2)
            .reshape(b, ph * pw * t, patch[0] * patch[1] * c);
        return MaskedMeanLoss(predictions, patches, labelMask);
    }

    private Tensor AudioMaeLoss(Tensor audioValues, Tensor predictions, Tensor labelMask)
    {
        var patch = Config.AudioPatchSize;
        var (b, c, h, w) = (audioValues.shape[0], audioValues.shape[1], audioValues.shape[2], audioValues.shape[3]);
        long ph = h / patch[0], pw = w / patch[1];
        // nchpwq -> nhwpqc
        var patches = audioValues.reshape(b, c, ph, patch[0], pw, patch[1]).permute(0, 2, 4, 3, 5, 1)
            .reshape(b, ph * pw, patch[0] * patch[1] * c);
        return MaskedMeanLoss(predictions, patches, labelMask);
    }
}
