namespace SharpVL.Processing.Audio;

/// <summary>
/// Double-precision discrete Fourier transform of a real signal: an iterative radix-2 FFT for power-of-two sizes,
/// a direct O(n²) DFT otherwise. Hand-written because no FFT package is available to this project (MathNet and
/// friends are not on the package feed) and numpy's float64 <c>fft</c> must be matched to ~1e-15 relative.
/// </summary>
internal sealed class Fft
{
    private readonly int _size;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly int[]? _bitReverse;

    /// <summary>Prepares twiddle factors for transforms of <paramref name="size"/> points.</summary>
    internal Fft(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        _size = size;
        _cos = new double[size];
        _sin = new double[size];
        for (int k = 0; k < size; k++)
        {
            double angle = -2.0 * Math.PI * k / size;
            _cos[k] = Math.Cos(angle);
            _sin[k] = Math.Sin(angle);
        }
        if ((size & (size - 1)) == 0)
        {
            int bits = System.Numerics.BitOperations.Log2((uint)size);
            _bitReverse = new int[size];
            for (int i = 0; i < size; i++)
            {
                int r = 0;
                for (int b = 0; b < bits; b++)
                {
                    r |= ((i >> b) & 1) << (bits - 1 - b);
                }
                _bitReverse[i] = r;
            }
        }
    }

    /// <summary>Transforms the real <paramref name="signal"/> (length = size) into <paramref name="real"/>/<paramref name="imag"/> (length = size).</summary>
    internal void Forward(ReadOnlySpan<double> signal, Span<double> real, Span<double> imag)
    {
        if (_bitReverse is null)
        {
            Direct(signal, real, imag);
            return;
        }
        for (int i = 0; i < _size; i++)
        {
            real[_bitReverse[i]] = signal[i];
            imag[_bitReverse[i]] = 0;
        }
        for (int length = 2; length <= _size; length <<= 1)
        {
            int half = length >> 1;
            int stride = _size / length;
            for (int start = 0; start < _size; start += length)
            {
                for (int k = 0; k < half; k++)
                {
                    double wr = _cos[k * stride], wi = _sin[k * stride];
                    int a = start + k, b = a + half;
                    double tr = (real[b] * wr) - (imag[b] * wi);
                    double ti = (real[b] * wi) + (imag[b] * wr);
                    real[b] = real[a] - tr;
                    imag[b] = imag[a] - ti;
                    real[a] += tr;
                    imag[a] += ti;
                }
            }
        }
    }

    private void Direct(ReadOnlySpan<double> signal, Span<double> real, Span<double> imag)
    {
        for (int k = 0; k < _size; k++)
        {
            double re = 0, im = 0;
            for (int n = 0; n < _size; n++)
            {
                int index = (int)((long)k * n % _size);
                re += signal[n] * _cos[index];
                im += signal[n] * _sin[index];
            }
            real[k] = re;
            imag[k] = im;
        }
    }
}
