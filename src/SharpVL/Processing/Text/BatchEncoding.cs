using SharpVL.Runtime;
using TorchSharp;

namespace SharpVL.Processing.Text;

/// <summary>
/// A tokenized batch: one row of token ids and one attention-mask row (1 = real token, 0 = padding) per text,
/// like the <c>input_ids</c> / <c>attention_mask</c> of Transformers' <c>BatchEncoding</c>.
/// </summary>
public sealed class BatchEncoding
{
    /// <summary>Creates a batch; every mask row must be as long as its id row.</summary>
    /// <exception cref="ArgumentException">A row count or row length differs between ids and mask.</exception>
    public BatchEncoding(long[][] inputIds, long[][] attentionMask)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (inputIds.Length != attentionMask.Length)
        {
            throw new ArgumentException(
                $"input_ids has {inputIds.Length} rows but attention_mask has {attentionMask.Length}.", nameof(attentionMask));
        }

        for (var row = 0; row < inputIds.Length; row++)
        {
            if (inputIds[row].Length != attentionMask[row].Length)
            {
                throw new ArgumentException(
                    $"Row {row}: input_ids has {inputIds[row].Length} entries but attention_mask has {attentionMask[row].Length}.",
                    nameof(attentionMask));
            }
        }

        InputIds = inputIds;
        AttentionMask = attentionMask;
    }

    /// <summary>Token ids, one row per input text.</summary>
    public long[][] InputIds { get; }

    /// <summary>Attention mask rows (1 for tokens, 0 for padding), aligned with <see cref="InputIds"/>.</summary>
    public long[][] AttentionMask { get; }

    /// <summary>Number of sequences in the batch.</summary>
    public int Count => InputIds.Length;

    /// <summary>
    /// Stacks the rows into int64 tensors of shape [batch, length] (<c>return_tensors="pt"</c>). The caller owns
    /// (and disposes) both tensors.
    /// </summary>
    /// <exception cref="InvalidOperationException">Rows differ in length (tokenize with padding to fix that).</exception>
    public (torch.Tensor InputIds, torch.Tensor AttentionMask) ToTensors()
    {
        var length = InputIds.Length == 0 ? 0 : InputIds[0].Length;
        for (var row = 1; row < InputIds.Length; row++)
        {
            if (InputIds[row].Length != length)
            {
                throw new InvalidOperationException(
                    $"Cannot stack sequences of different lengths into a tensor (row 0 has {length} tokens, row {row} has " +
                    $"{InputIds[row].Length}). Tokenize with padding (PaddingStrategy.Longest or MaxLength).");
            }
        }

        TorchRuntime.EnsureInitialized();
        var ids = torch.tensor(Flatten(InputIds, length), new long[] { InputIds.Length, length }, torch.ScalarType.Int64);
        var mask = torch.tensor(Flatten(AttentionMask, length), new long[] { AttentionMask.Length, length }, torch.ScalarType.Int64);
        return (ids, mask);
    }

    /// <summary>The stacked rows as a <see cref="BatchFeature"/> (<c>input_ids</c>, <c>attention_mask</c>); the caller disposes it.</summary>
    /// <exception cref="InvalidOperationException">Rows differ in length (tokenize with padding to fix that).</exception>
    public BatchFeature ToBatchFeature()
    {
        var (ids, mask) = ToTensors();
        return new BatchFeature([new("input_ids", ids), new("attention_mask", mask)]);
    }

    private static long[] Flatten(long[][] rows, int length)
    {
        var flat = new long[rows.Length * length];
        for (var row = 0; row < rows.Length; row++)
        {
            rows[row].CopyTo(flat, row * length);
        }

        return flat;
    }
}
