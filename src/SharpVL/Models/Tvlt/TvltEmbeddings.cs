using SharpVL.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.Tvlt;

/// <summary>A strided Conv2d turning patches into tokens (<c>patch_embeddings.projection</c>).</summary>
internal sealed class TvltPatchEmbeddings : nn.Module
{
    private readonly Conv2d projection;

    internal TvltPatchEmbeddings(int channels, int hiddenSize, IReadOnlyList<int> patch) : base(nameof(TvltPatchEmbeddings))
    {
        projection = nn.Conv2d(channels, hiddenSize, (patch[0], patch[1]), stride: (patch[0], patch[1]));
        RegisterComponents();
    }

    /// <summary>[N, C, H, W] → [N, patches, hidden] in row-major patch order.</summary>
    internal Tensor Forward(Tensor images) => PatchProjection.Tokens(images, projection.weight!, projection.bias);
}

/// <summary>Video tokens (<c>TvltPixelEmbeddings</c>): per-frame patches + per-patch position + per-frame temporal + type embedding.</summary>
internal sealed class TvltPixelEmbeddings : nn.Module
{
    private readonly TvltPatchEmbeddings patch_embeddings;
    private readonly Parameter type_embed_v;
    private readonly Parameter temporal_embed;
    private readonly Parameter pos_embed_v;
    private readonly TvltConfig _config;

    internal TvltPixelEmbeddings(TvltConfig config) : base(nameof(TvltPixelEmbeddings))
    {
        _config = config;
        patch_embeddings = new TvltPatchEmbeddings(config.NumImageChannels, config.HiddenSize, config.ImagePatchSize);
        type_embed_v = nn.Parameter(zeros(1, 1, config.HiddenSize));
        temporal_embed = nn.Parameter(zeros(1, config.NumFrames, config.HiddenSize));
        pos_embed_v = nn.Parameter(zeros(1, config.PatchesPerFrame, config.HiddenSize));
        RegisterComponents();
    }

    /// <summary>[B, T, C, H, W] pixels → [B, T · patches, hidden] tokens (frame-major).</summary>
    internal Tensor Forward(Tensor pixelValues)
    {
        if (pixelValues.dim() != 5)
        {
            throw new ArgumentException($"pixel_values must be [batch, frames, channels, height, width], got [{string.Join(", ", pixelValues.shape)}].");
        }
        var (b, t, c, h, w) = (pixelValues.shape[0], pixelValues.shape[1], pixelValues.shape[2], pixelValues.shape[3], pixelValues.shape[4]);
        if (c != _config.NumImageChannels)
        {
            throw new ArgumentException("Make sure that the channel dimension of the pixel values match with the one set in the configuration.");
        }
        if (h != _config.ImageSize || w != _config.ImageSize)
        {
            throw new ArgumentException($"Input image size ({h}*{w}) doesn't match model ({_config.ImageSize}*{_config.ImageSize}).");
        }
        if (t > _config.NumFrames)
        {
            throw new ArgumentException($"pixel_values has {t} frames but the model has temporal embeddings for {_config.NumFrames}.");
        }
        int perFrame = _config.PatchesPerFrame;
        using var scope = NewDisposeScope();
        var tokens = patch_embeddings.Forward(pixelValues.reshape(b * t, c, h, w)).reshape(b, t * perFrame, _config.HiddenSize);
        var temporal = temporal_embed.narrow(1, 0, t).repeat_interleave(perFrame, dim: 1);
        var result = tokens + pos_embed_v.repeat(1, t, 1) + temporal + type_embed_v;
        return result.MoveToOuterDisposeScope();
    }
}

/// <summary>Audio tokens (<c>TvltAudioEmbeddings</c>): spectrogram patches (time-major) + frequency + time position + type embedding.</summary>
internal sealed class TvltAudioEmbeddings : nn.Module
{
    private readonly TvltPatchEmbeddings patch_embeddings;
    private readonly Parameter type_embed_a;
    private readonly Parameter pos_embed_a;
    private readonly Parameter freq_embed;
    private readonly TvltConfig _config;

    internal TvltAudioEmbeddings(TvltConfig config) : base(nameof(TvltAudioEmbeddings))
    {
        _config = config;
        patch_embeddings = new TvltPatchEmbeddings(config.NumAudioChannels, config.HiddenSize, config.AudioPatchSize);
        type_embed_a = nn.Parameter(zeros(1, 1, config.HiddenSize));
        pos_embed_a = nn.Parameter(zeros(1, config.AudioPatches / config.FrequencyPatches, config.HiddenSize));
        freq_embed = nn.Parameter(zeros(1, config.FrequencyPatches, config.HiddenSize));
        RegisterComponents();
    }

    /// <summary>[B, C, time, freq] spectrogram (time may be shorter than spectrogram_length) → [B, patches, hidden].</summary>
    internal Tensor Forward(Tensor audioValues)
    {
        if (audioValues.dim() != 4)
        {
            throw new ArgumentException($"audio_values must be [batch, channels, time, freq], got [{string.Join(", ", audioValues.shape)}].");
        }
        var (c, h, w) = (audioValues.shape[1], audioValues.shape[2], audioValues.shape[3]);
        if (c != _config.NumAudioChannels)
        {
            throw new ArgumentException("Make sure that the channel dimension of the audio values match with the one set in the configuration.");
        }
        if (h > _config.SpectrogramLength || w != _config.FrequencyLength)
        {
            throw new ArgumentException(
                $"Input audio size ({h}*{w}) doesn't match model ({_config.SpectrogramLength}*{_config.FrequencyLength}).");
        }
        int freqPatches = _config.FrequencyPatches;
        using var scope = NewDisposeScope();
        var tokens = patch_embeddings.Forward(audioValues);
        long timePatches = tokens.shape[1] / freqPatches;
        var positions = pos_embed_a.narrow(1, 0, timePatches).repeat_interleave(freqPatches, dim: 1);
        var result = tokens + freq_embed.repeat(1, timePatches, 1) + positions + type_embed_a;
        return result.MoveToOuterDisposeScope();
    }
}
