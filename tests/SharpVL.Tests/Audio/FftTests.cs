using SharpVL.Processing.Audio;

namespace SharpVL.Tests.Audio;

public class FftTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(2048)]
    [InlineData(12)]
    public void MatchesTheDefiningSum(int size)
    {
        var random = new Random(7);
        var signal = Enumerable.Range(0, size).Select(_ => random.NextDouble() - 0.5).ToArray();
        var real = new double[size];
        var imag = new double[size];
        new Fft(size).Forward(signal, real, imag);
        foreach (int k in new[] { 0, 1, size / 2 - 1, size / 2, size - 1 })
        {
            double re = 0, im = 0;
            for (int n = 0; n < size; n++)
            {
                re += signal[n] * Math.Cos(-2 * Math.PI * k * n / size);
                im += signal[n] * Math.Sin(-2 * Math.PI * k * n / size);
            }
            Assert.Equal(re, real[k], 1e-9);
            Assert.Equal(im, imag[k], 1e-9);
        }
    }
}
