using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Modeling.Clip;

/// <summary>
/// CLIP's vision embeddings: a bias-free patch convolution, a learned class token and learned positions
/// (<c>class_embedding</c>, <c>patch_embedding</c>, <c>position_embedding</c>), with optional bicubic interpolation of
/// the positions for other input resolutions (Transformers' <c>interpolate_pos_encoding</c>).
/// </summary>
public sealed class CLIPVisionEmbeddings : nn.Module
{
    private readonly Parameter class_embedding;
    private readonly Conv2d patch_embedding;
    private readonly Embedding position_embedding;
    private readonly int _imageSize;
    private readonly int _patchSize;
    private readonly int _numPositions;

    /// <summary>Creates the embeddings.</summary>
    public CLIPVisionEmbeddings(int hiddenSize, int imageSize, int patchSize, int numChannels = 3) : base(nameof(CLIPVisionEmbeddings))
    {
        _imageSize = imageSize;
        _patchSize = patchSize;
        _numPositions = ((imageSize / patchSize) * (imageSize / patchSize)) + 1;
        class_embedding = nn.Parameter(randn(hiddenSize));
        patch_embedding = nn.Conv2d(numChannels, hiddenSize, kernel_size: patchSize, stride: patchSize, bias: false);
        position_embedding = nn.Embedding(_numPositions, hiddenSize);
        RegisterComponents();
    }

    /// <summary>Embeds <paramref name="pixelValues"/> [B, C, H, W] into [B, 1 + patches, D].</summary>
    public Tensor Forward(Tensor pixelValues, bool interpolatePosEncoding = false)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        if (pixelValues.dim() != 4)
        {
            throw new ArgumentException($"pixel_values must be [batch, channels, height, width], got [{string.Join(", ", pixelValues.shape)}].");
        }
        var (height, width) = (pixelValues.shape[2], pixelValues.shape[3]);
        if (!interpolatePosEncoding && (height != _imageSize || width != _imageSize))
        {
            throw new ArgumentException(
                $"Input image size ({height}*{width}) doesn't match model ({_imageSize}*{_imageSize}). " +
                "Pass interpolatePosEncoding: true to run at another resolution.");
        }
        using var scope = NewDisposeScope();
        var weight = patch_embedding.weight!;
        var patches = PatchProjection.Tokens(pixelValues.to(weight.dtype), weight, null);
        var batch = pixelValues.shape[0];
        var classToken = class_embedding.expand(batch, 1, -1);
        var embeddings = cat([classToken, patches], 1);
        var positions = interpolatePosEncoding
            ? InterpolatedPositions(embeddings.shape[1] - 1, height, width)
            : position_embedding.weight!.unsqueeze(0);
        return embeddings.add_(positions).MoveToOuterDisposeScope();
    }

    private Tensor InterpolatedPositions(long patchCount, long height, long width)
    {
        var table = position_embedding.weight!.unsqueeze(0);
        var stored = _numPositions - 1;
        if (patchCount == stored && height == width)
        {
            return table;
        }
        var dim = table.shape[^1];
        var classPosition = table[TensorIndex.Colon, TensorIndex.Slice(0, 1)];
        var side = (long)Math.Sqrt(stored);
        var grid = table[TensorIndex.Colon, TensorIndex.Slice(1)].reshape(1, side, side, dim).permute(0, 3, 1, 2);
        var resized = nn.functional.interpolate(
            grid.to(ScalarType.Float32), size: [height / _patchSize, width / _patchSize],
            mode: InterpolationMode.Bicubic, align_corners: false).to(table.dtype);
        var patchPositions = resized.permute(0, 2, 3, 1).reshape(1, -1, dim);
        return cat([classPosition, patchPositions], 1);
    }
}
