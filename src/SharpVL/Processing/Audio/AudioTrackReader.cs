using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using SharpVL.Processing.Video;

namespace SharpVL.Processing.Audio;

/// <summary>
/// Decodes the first audio stream of a media file (the soundtrack of a video, or any audio file ffmpeg reads)
/// with the system <c>ffmpeg</c>/<c>ffprobe</c> into a mono float32 waveform.
/// </summary>
/// <remarks>
/// ffmpeg decodes at the stream's own rate and channel count to 32-bit float (<c>-f f32le</c>, an exact
/// conversion from the decoders' float planar output), so the samples are what libavcodec returns, as with
/// PyAV: for AAC in MP4 the encoder priming is skipped through the edit list and the trailing padding of the
/// last frame is kept. Channels are then averaged, and <see cref="AudioResampler"/> converts the rate when a
/// target rate is requested.
/// </remarks>
public sealed class AudioTrackReader
{
    /// <summary>Creates a reader that runs the given executables (names are looked up on PATH).</summary>
    public AudioTrackReader(string ffmpegPath = "ffmpeg", string ffprobePath = "ffprobe")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ffmpegPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(ffprobePath);
        FfmpegPath = ffmpegPath;
        FfprobePath = ffprobePath;
    }

    /// <summary>A reader using <c>ffmpeg</c> and <c>ffprobe</c> from PATH.</summary>
    public static AudioTrackReader Default { get; } = new();

    /// <summary>The ffmpeg executable.</summary>
    public string FfmpegPath { get; }

    /// <summary>The ffprobe executable.</summary>
    public string FfprobePath { get; }

    /// <summary>The sample rate and channel count of the file's first audio stream.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is unreadable or has no audio stream.</exception>
    /// <exception cref="FfmpegNotFoundException">ffprobe is not installed.</exception>
    public (int SampleRate, int Channels) Probe(string path)
    {
        RequireFile(path);
        var (code, stdout, stderr) = FfmpegProcess.Run(FfprobePath,
            ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=sample_rate,channels", "-of", "json", path]);
        if (code != 0)
        {
            throw new InvalidDataException($"'{path}' could not be read: {(stderr.Length > 0 ? stderr : "ffprobe failed")}");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(stdout);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': unexpected ffprobe output ({e.Message}).", e);
        }
        using (doc)
        {
            if (!doc.RootElement.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
            {
                throw new InvalidDataException($"'{path}' has no audio stream.");
            }
            var stream = streams[0];
            int rate = stream.TryGetProperty("sample_rate", out var r) && int.TryParse(
                r.ValueKind == JsonValueKind.String ? r.GetString() : r.GetRawText(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
                ? v
                : 0;
            int channels = stream.TryGetProperty("channels", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
            if (rate <= 0 || channels <= 0)
            {
                throw new InvalidDataException($"'{path}': ffprobe reports no sample rate / channel count for the audio stream.");
            }
            return (rate, channels);
        }
    }

    /// <summary>
    /// Decodes the first audio stream to mono; with <paramref name="targetSampleRate"/> the waveform is resampled
    /// to that rate when the stream's rate differs.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is unreadable, has no audio stream, or decoding failed.</exception>
    /// <exception cref="FfmpegNotFoundException">ffmpeg or ffprobe is not installed.</exception>
    public AudioWaveform Read(string path, int? targetSampleRate = null)
    {
        var (rate, channels) = Probe(path);
        using var process = FfmpegProcess.Start(FfmpegPath,
        [
            "-v", "error", "-nostdin", "-i", path,
            "-map", "0:a:0", "-vn", "-sn", "-dn",
            "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1",
        ]);
        using var buffer = new MemoryStream();
        process.StandardOutput.CopyTo(buffer);
        int code = process.WaitForExit();
        if (code != 0)
        {
            throw new InvalidDataException($"'{path}': ffmpeg could not decode the audio (exit code {code}). {process.StderrExcerpt()}".TrimEnd());
        }
        var waveform = new AudioWaveform(MixDown(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), channels), rate);
        return targetSampleRate is int target ? waveform.ResampleTo(target) : waveform;
    }

    /// <summary>Averages interleaved little-endian float32 channels into one.</summary>
    private static float[] MixDown(ReadOnlySpan<byte> interleaved, int channels)
    {
        int frames = interleaved.Length / (4 * channels);
        var mono = new float[frames];
        for (int i = 0; i < frames; i++)
        {
            if (channels == 1)
            {
                mono[i] = BinaryPrimitives.ReadSingleLittleEndian(interleaved[(i * 4)..]);
                continue;
            }
            double sum = 0;
            for (int c = 0; c < channels; c++)
            {
                sum += BinaryPrimitives.ReadSingleLittleEndian(interleaved[((i * channels + c) * 4)..]);
            }
            mono[i] = (float)(sum / channels);
        }
        return mono;
    }

    private static void RequireFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Media file '{path}' does not exist.", path);
        }
    }
}
