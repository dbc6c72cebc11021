using SharpVL.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.VideoMAE;

/// <summary>Tubelet embedding: a Conv3d over (channels, time, height, width) flattened to tokens in (t, h, w) order.</summary>
public sealed class VideoMAEPatchEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Conv3d projection;
    private readonly VideoMAEConfig _config;

    /// <summary>Creates the projection.</summary>
    public VideoMAEPatchEmbeddings(VideoMAEConfig config) : base(nameof(VideoMAEPatchEmbeddings))
    {
        _config = config;
        projection = nn.Conv3d(
            config.NumChannels, config.HiddenSize,
            kernel_size: (config.TubeletSize, config.PatchSize, config.PatchSize),
            stride: (config.TubeletSize, config.PatchSize, config.PatchSize));
        RegisterComponents();
    }

    /// <summary>Embeds pixel values [B, T, C, H, W] into tokens [B, N, D].</summary>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 5)
        {
            throw new ArgumentException(
                $"pixel_values must be [batch, frames, channels, height, width], got [{string.Join(", ", input.shape)}].");
        }
        var (frames, channels, height, width) = (input.shape[1], input.shape[2], input.shape[3], input.shape[4]);
        if (channels != _config.NumChannels)
        {
            throw new ArgumentException(
                $"Make sure that the channel dimension of the pixel values ({channels}) matches the configuration ({_config.NumChannels}).");
        }
        if (height != _config.ImageSize || width != _config.ImageSize)
        {
            throw new ArgumentException($"Input image size ({height}*{width}) doesn't match model ({_config.ImageSize}*{_config.ImageSize}).");
        }
        if (frames != _config.NumFrames)
        {
            throw new ArgumentException(
                $"The model expects {_config.NumFrames} frames per video (num_frames), got {frames}.");
        }
        using var channelsFirst = input.permute(0, 2, 1, 3, 4);
        return PatchProjection.Tokens(channelsFirst, projection.weight!, projection.bias);
    }
}

/// <summary>Patch embeddings plus the fixed sinusoidal positions; drops masked tokens when a mask is given.</summary>
public sealed class VideoMAEEmbeddings : nn.Module
{
    private readonly VideoMAEPatchEmbeddings patch_embeddings;

    /// <summary>Creates the embeddings.</summary>
    public VideoMAEEmbeddings(VideoMAEConfig config) : base(nameof(VideoMAEEmbeddings))
    {
        ArgumentNullException.ThrowIfNull(config);
        patch_embeddings = new VideoMAEPatchEmbeddings(config);
        RegisterComponents();
        // A buffer (moves with the model's device/dtype) but not a checkpoint entry; read back through get_buffer
        // because Module.to() replaces buffer tensors.
        register_buffer("position_embeddings", SinusoidTable.Create(config.NumPatches, config.HiddenSize), persistent: false);
    }

    /// <summary>Embeds <paramref name="pixelValues"/>; with <paramref name="boolMaskedPos"/> [B, N] keeps only the visible tokens.</summary>
    public Tensor Forward(Tensor pixelValues, Tensor? boolMaskedPos)
    {
        using var scope = NewDisposeScope();
        var embeddings = patch_embeddings.call(pixelValues);
        var positions = get_buffer("position_embeddings")!;
        embeddings = embeddings + positions.to(embeddings.dtype, embeddings.device);
        if (boolMaskedPos is not null)
        {
            embeddings = VisibleTokens(embeddings, boolMaskedPos);
        }
        return embeddings.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Keeps the tokens where <paramref name="boolMaskedPos"/> is false, in order, as [B, visible, D]; every sample must
    /// mask the same number of tokens.
    /// </summary>
    public static Tensor VisibleTokens(Tensor tokens, Tensor boolMaskedPos) => SelectTokens(tokens, boolMaskedPos, keepMasked: false);

    /// <summary>Selects the tokens where the mask is <paramref name="keepMasked"/>, as [B, count, D].</summary>
    public static Tensor SelectTokens(Tensor tokens, Tensor boolMaskedPos, bool keepMasked)
    {
        var (batch, count, width) = (tokens.shape[0], tokens.shape[1], tokens.shape[2]);
        if (boolMaskedPos.dim() != 2 || boolMaskedPos.shape[0] != batch || boolMaskedPos.shape[1] != count)
        {
            throw new ArgumentException(
                $"bool_masked_pos must be [{batch}, {count}] (one flag per token), got [{string.Join(", ", boolMaskedPos.shape)}].");
        }
        using var mask = boolMaskedPos.to(ScalarType.Bool, tokens.device);
        using var select = keepMasked ? mask.alias() : mask.logical_not();
        using var perSample = select.sum(1);
        var counts = perSample.data<long>().ToArray();
        if (counts.Distinct().Count() > 1)
        {
            throw new ArgumentException(
                $"bool_masked_pos must mask the same number of tokens in every sample, got {string.Join(", ", counts.Select(c => count - c))}.");
        }
        using var picked = tokens[select];
        return picked.reshape(batch, -1, width);
    }
}
