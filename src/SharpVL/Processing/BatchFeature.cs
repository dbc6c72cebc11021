using System.Collections;
using System.Diagnostics.CodeAnalysis;
using static TorchSharp.torch;

namespace SharpVL.Processing;

/// <summary>
/// What every SharpVL processor returns (Transformers' <c>BatchFeature</c>): a read-only map from Transformers' input
/// names (<c>input_ids</c>, <c>pixel_values</c>, <c>audio_values</c>, ...) to tensors. It owns its tensors: disposing it
/// disposes them, so keep it in a <c>using</c> (or a dispose scope) for as long as the tensors are used.
/// </summary>
public sealed class BatchFeature : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly Dictionary<string, Tensor> _data;

    /// <summary>Takes ownership of <paramref name="data"/>'s tensors.</summary>
    /// <exception cref="ArgumentException">A name occurs twice.</exception>
    public BatchFeature(IEnumerable<KeyValuePair<string, Tensor>> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in data)
        {
            ArgumentNullException.ThrowIfNull(value, key);
            if (!_data.TryAdd(key, value))
            {
                throw new ArgumentException($"The feature '{key}' occurs twice.", nameof(data));
            }
        }
    }

    /// <summary>Merges several features into one, taking ownership of their tensors (null parts are skipped).</summary>
    /// <exception cref="ArgumentException">Two parts hold the same name.</exception>
    public static BatchFeature Merge(params BatchFeature?[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return new BatchFeature(parts.Where(p => p is not null).SelectMany(p => p!._data));
    }

    /// <summary><c>input_ids</c> int64 [texts, length], or null.</summary>
    public Tensor? InputIds => GetOrNull("input_ids");

    /// <summary><c>attention_mask</c> int64 [texts, length] (1 = token, 0 = padding), or null.</summary>
    public Tensor? AttentionMask => GetOrNull("attention_mask");

    /// <summary><c>pixel_values</c> float32 ([images, 3, H, W] or [videos, frames, 3, H, W]), or null.</summary>
    public Tensor? PixelValues => GetOrNull("pixel_values");

    /// <summary><c>pixel_mask</c> int64 [videos, patches] (TVLT), or null.</summary>
    public Tensor? PixelMask => GetOrNull("pixel_mask");

    /// <summary><c>pixel_values_mixed</c> (TVLT's matching-task videos), or null.</summary>
    public Tensor? PixelValuesMixed => GetOrNull("pixel_values_mixed");

    /// <summary><c>pixel_mask_mixed</c> (TVLT's matching-task videos), or null.</summary>
    public Tensor? PixelMaskMixed => GetOrNull("pixel_mask_mixed");

    /// <summary><c>audio_values</c> float32 [batch, 1, time, freq] (TVLT), or null.</summary>
    public Tensor? AudioValues => GetOrNull("audio_values");

    /// <summary><c>audio_mask</c> float32 [batch, audio patches] (TVLT), or null.</summary>
    public Tensor? AudioMask => GetOrNull("audio_mask");

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">There is no such feature (the message lists the ones there are).</exception>
    public Tensor this[string key] => _data.TryGetValue(key, out var value)
        ? value
        : throw new KeyNotFoundException($"The batch has no '{key}'; it has {string.Join(", ", _data.Keys)}.");

    /// <inheritdoc />
    public IEnumerable<string> Keys => _data.Keys;

    /// <inheritdoc />
    public IEnumerable<Tensor> Values => _data.Values;

    /// <inheritdoc />
    public int Count => _data.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _data.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => _data.TryGetValue(key, out value);

    /// <summary>
    /// Moves every tensor to <paramref name="device"/> and, when given, casts the floating-point ones to
    /// <paramref name="floatingType"/> (integer ids and masks keep their type, as in Transformers' <c>BatchFeature.to</c>).
    /// Works in place: the replaced tensors are disposed. Returns this batch.
    /// </summary>
    public BatchFeature To(Device device, ScalarType? floatingType = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        foreach (var key in _data.Keys.ToList())
        {
            var old = _data[key];
            var type = floatingType is { } f && old.is_floating_point() ? f : old.dtype;
            if (old.device == device && old.dtype == type)
            {
                continue;
            }
            _data[key] = old.to(type, device);
            old.Dispose();
        }
        return this;
    }

    /// <summary>Disposes every tensor.</summary>
    public void Dispose()
    {
        foreach (var value in _data.Values)
        {
            value.Dispose();
        }
        _data.Clear();
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _data.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Tensor? GetOrNull(string key) => _data.TryGetValue(key, out var value) ? value : null;
}
