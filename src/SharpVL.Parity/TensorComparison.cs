using static TorchSharp.torch;

namespace SharpVL.Parity;

/// <summary>How one produced tensor compares with its expected value.</summary>
/// <param name="Key">Output name.</param>
/// <param name="Passed">Whether every element is within tolerance (or equal, for exact comparisons).</param>
/// <param name="MaxAbsError">Largest |got − expected|.</param>
/// <param name="MaxRelError">Largest |got − expected| / |expected| over non-zero expected values.</param>
/// <param name="Problem">Why it failed when not a tolerance question (missing output, shape or dtype difference).</param>
/// <param name="Group">The tolerance group of the key in cases that define groups (train cases: loss, grad_norm, grad, final).</param>
public sealed record TensorComparison(string Key, bool Passed, double MaxAbsError, double MaxRelError, string? Problem = null, string? Group = null);

/// <summary>Elementwise comparison with the fixtures' rule <c>|got − exp| ≤ atol + rtol·|exp|</c>.</summary>
public static class TensorCompare
{
    /// <summary>
    /// Compares <paramref name="got"/> with <paramref name="expected"/>: dtypes must be the same (an int64 where
    /// Transformers gives int32, or float64 where it gives float32, is a difference even with equal values); integer and
    /// bool tensors must be equal.
    /// </summary>
    public static TensorComparison Compare(string key, Tensor got, Tensor expected, double atol, double rtol, bool exact = false)
    {
        ArgumentNullException.ThrowIfNull(got);
        ArgumentNullException.ThrowIfNull(expected);
        if (got.dtype != expected.dtype)
        {
            return new TensorComparison(key, false, double.NaN, double.NaN, $"dtype {got.dtype} != expected {expected.dtype}");
        }
        if (!got.shape.SequenceEqual(expected.shape))
        {
            return new TensorComparison(key, false, double.NaN, double.NaN,
                $"shape [{string.Join(", ", got.shape)}] != expected [{string.Join(", ", expected.shape)}]");
        }
        using var scope = NewDisposeScope();
        var a = got.detach().cpu().to(ScalarType.Float64);
        var e = expected.detach().cpu().to(ScalarType.Float64);
        var integral = !expected.is_floating_point();
        if (a.numel() == 0)
        {
            return new TensorComparison(key, true, 0, 0);
        }
        var diff = (a - e).abs();
        var maxAbs = diff.max().item<double>();
        var nonZero = e.abs() > 0;
        var maxRel = nonZero.any().item<bool>() ? (diff[nonZero] / e.abs()[nonZero]).max().item<double>() : 0;
        bool passed;
        if (integral || exact || (atol == 0 && rtol == 0))
        {
            passed = maxAbs == 0;
        }
        else
        {
            var finite = a.isfinite().all().item<bool>() || a.isnan().eq(e.isnan()).all().item<bool>();
            passed = finite && (diff <= atol + (rtol * e.abs())).all().item<bool>();
        }
        return new TensorComparison(key, passed, maxAbs, maxRel);
    }
}
