using static TorchSharp.torch;

namespace SharpVL.Models.Tvlt;

/// <summary>
/// Random draws for TVLT's MAE masking. Transformers draws <c>torch.rand</c> noise inside the model; SharpVL takes
/// it from here so that results are reproducible: give the noise (and optionally the exact shuffle permutation),
/// or a generator to draw it from. Without any of them the global torch generator is used.
/// </summary>
/// <param name="PixelNoise">[batch, pixel tokens] noise; small values are kept.</param>
/// <param name="AudioNoise">[batch, audio tokens] noise (frame-level: one value per time step repeated over its frequency patches).</param>
/// <param name="PixelIdsShuffle">[batch, pixel tokens] int64 permutation to use instead of argsort(noise).</param>
/// <param name="AudioIdsShuffle">[batch, audio tokens] int64 permutation to use instead of argsort(noise).</param>
/// <param name="Generator">Generator for noise that is not given.</param>
public sealed record TvltMaskingNoise(
    Tensor? PixelNoise = null, Tensor? AudioNoise = null, Tensor? PixelIdsShuffle = null, Tensor? AudioIdsShuffle = null,
    Generator? Generator = null);

/// <summary>Result of <see cref="TvltRandomMasking.Apply"/>.</summary>
/// <param name="Kept">The kept tokens [B, len_keep, D], in shuffle order.</param>
/// <param name="AttentionMask">The padding mask gathered at the kept tokens, or null.</param>
/// <param name="LabelMasks">[B, L] float: 1 for removed tokens, times the padding mask.</param>
/// <param name="IdsRestore">[B, L] int64: argsort of the shuffle, to unshuffle.</param>
internal sealed record TvltMaskingResult(Tensor Kept, Tensor? AttentionMask, Tensor LabelMasks, Tensor IdsRestore);

/// <summary>TVLT's <c>random_masking</c> with injectable noise/permutation.</summary>
internal static class TvltRandomMasking
{
    /// <summary>
    /// Keeps the <c>int(L · (1 − ratio))</c> tokens with the smallest noise. The permutation is
    /// <paramref name="idsShuffle"/> when given, else a STABLE argsort of the noise (ties by ascending index; torch
    /// 1.13's CPU argsort is not stable, so tied noise can order kept tokens differently there).
    /// </summary>
    internal static TvltMaskingResult Apply(Tensor sequence, Tensor noise, Tensor? idsShuffle, double maskRatio, Tensor? attentionMask)
    {
        var (batch, length, dim) = (sequence.shape[0], sequence.shape[1], sequence.shape[2]);
        if (!noise.shape.SequenceEqual([batch, length]))
        {
            throw new ArgumentException($"Masking noise must be [{batch}, {length}], got [{string.Join(", ", noise.shape)}].");
        }
        if (idsShuffle is not null && !idsShuffle.shape.SequenceEqual([batch, length]))
        {
            throw new ArgumentException($"ids_shuffle must be [{batch}, {length}], got [{string.Join(", ", idsShuffle.shape)}].");
        }
        int lenKeep = (int)(length * (1 - maskRatio));
        using var scope = NewDisposeScope();
        var shuffle = (idsShuffle ?? noise.sort(dim: 1, stable: true).Indices).to(ScalarType.Int64, sequence.device);
        var restore = shuffle.argsort(dim: 1);
        var keep = shuffle.narrow(1, 0, lenKeep);
        var kept = sequence.gather(1, keep.unsqueeze(-1).repeat(1, 1, dim));
        var labels = ones([batch, length], dtype: sequence.dtype, device: sequence.device);
        labels.narrow(1, 0, lenKeep).zero_();
        labels = labels.gather(1, restore);
        Tensor? gatheredMask = null;
        if (attentionMask is not null)
        {
            labels = labels * attentionMask;
            gatheredMask = attentionMask.gather(1, keep);
        }
        var result = new TvltMaskingResult(kept, gatheredMask, labels, restore);
        result.Kept.MoveToOuterDisposeScope();
        result.AttentionMask?.MoveToOuterDisposeScope();
        result.LabelMasks.MoveToOuterDisposeScope();
        result.IdsRestore.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary><c>generate_pixel_mask_noise</c>: uniform [B, L].</summary>
    internal static Tensor PixelNoise(long batch, long length, Device device, Generator? generator) =>
        rand([batch, length], generator: generator, device: device);

    /// <summary><c>generate_audio_mask_noise</c> for frame-level masking: one draw per time step, repeated over its frequency patches.</summary>
    internal static Tensor AudioNoise(long batch, long length, int frequencyPatches, string maskType, Device device, Generator? generator)
    {
        if (maskType != "frame-level")
        {
            // 4.27.1 tests for "patch-level" while its config only accepts "patch_level", so this path raises there too.
            throw new NotSupportedException(
                $"audio_mask_type '{maskType}' cannot run: Transformers 4.27.1 only generates frame-level audio mask noise " +
                "(its 'patch_level' setting fails with an unbound noise variable). Pass TvltMaskingNoise.AudioNoise explicitly.");
        }
        long timePatches = length / frequencyPatches;
        using var draws = rand([batch, timePatches], generator: generator, device: device);
        using var expanded = draws.unsqueeze(-1).repeat(1, 1, frequencyPatches);
        return expanded.view(batch, length);
    }
}
