using SharpVL.Processing.Audio;

namespace SharpVL.Tests.Audio;

public class AudioResamplerTests
{
    [Fact]
    public void EqualRatesReturnTheSamplesUnchanged()
    {
        float[] samples = [0.1f, -0.2f, 0.3f];
        Assert.Same(samples, AudioResampler.Resample(samples, 44100, 44100));
    }

    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(16000, 44100)]
    [InlineData(48000, 44100)]
    public void SineBelowBothNyquistsSurvives(int from, int to)
    {
        const double frequency = 1000;
        var input = Enumerable.Range(0, from).Select(n => (float)Math.Sin(2 * Math.PI * frequency * n / from)).ToArray();
        var output = AudioResampler.Resample(input, from, to);
        Assert.Equal((int)Math.Ceiling((double)input.Length * to / from), output.Length);
        // Away from the edges (where the kernel runs out of input) the resampled sine equals the analytic one.
        for (int n = to / 10; n < to * 9 / 10; n += 37)
        {
            Assert.Equal(Math.Sin(2 * Math.PI * frequency * n / to), output[n], 2e-3);
        }
    }

    [Fact]
    public void DownsamplingRemovesWhatTheNewRateCannotHold()
    {
        // 10 kHz is above 16 kHz's Nyquist (8 kHz): it must be filtered out, not folded back to 6 kHz.
        var input = Enumerable.Range(0, 44100).Select(n => (float)Math.Sin(2 * Math.PI * 10000 * n / 44100)).ToArray();
        var output = AudioResampler.Resample(input, 44100, 16000);
        var rms = Math.Sqrt(output.Skip(1600).Take(12800).Average(x => (double)x * x));
        Assert.True(rms < 0.02, $"residual rms {rms}");
    }
}
