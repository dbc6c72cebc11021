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
    private const int MaxChannels = 64;

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

    /// <summary>How long a read may wait on ffmpeg / ffprobe without receiving anything before the child is killed.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Most bytes of decoded float32 samples (all channels) one read may hold; 1 GiB is over an hour of 48 kHz stereo.</summary>
    public long MaxDecodedBytes { get; init; } = 1L << 30;

    /// <summary>The sample rate and channel count of the file's first audio stream.</summary>
    /// <exception cref="MediaException">The file is missing, empty, unreadable or has no audio stream; or ffprobe stalled.</exception>
    /// <exception cref="FfmpegNotFoundException">ffprobe is not installed.</exception>
    public (int SampleRate, int Channels) Probe(string path, CancellationToken cancellationToken = default)
    {
        MediaInput.RequireFile(path, "media");
        var log = new FfmpegLog(MediaInput.Url(path));
        var (code, stdout) = FfmpegProcess.Run(FfprobePath,
            ["-loglevel", "repeat+level+error", "-select_streams", "a:0", "-show_entries", "stream=sample_rate,channels", "-of", "json", MediaInput.Url(path)],
            log, StallTimeout, path, cancellationToken: cancellationToken);
        if (code != 0)
        {
            throw new MediaException(path, "could not be read: " + (log.Excerpt() is { Length: > 0 } e ? e : "ffprobe failed"));
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(stdout);
        }
        catch (JsonException e)
        {
            throw new MediaException(path, $"unexpected ffprobe output ({e.Message}).", e);
        }
        using (doc)
        {
            if (!doc.RootElement.TryGetProperty("streams", out var streams) || streams.ValueKind != JsonValueKind.Array || streams.GetArrayLength() == 0)
            {
                throw new MediaException(path, "has no audio stream.");
            }
            var stream = streams[0];
            int rate = IntProperty(stream, "sample_rate");
            int channels = IntProperty(stream, "channels");
            if (rate <= 0 || channels <= 0 || channels > MaxChannels)
            {
                throw new MediaException(path, string.Create(CultureInfo.InvariantCulture,
                    $"the audio stream reports sample rate {rate} and {channels} channels; a positive rate and 1 to {MaxChannels} channels are needed."));
            }
            return (rate, channels);
        }
    }

    /// <summary>
    /// Decodes the first audio stream to mono; with <paramref name="targetSampleRate"/> the waveform is resampled
    /// to that rate when the stream's rate differs.
    /// </summary>
    /// <exception cref="MediaException">The file is unreadable, has no audio stream, decoding failed or yielded nothing,
    /// the decoded audio exceeds <see cref="MaxDecodedBytes"/>, or ffmpeg stalled.</exception>
    /// <exception cref="FfmpegNotFoundException">ffmpeg or ffprobe is not installed.</exception>
    public AudioWaveform Read(string path, int? targetSampleRate = null, CancellationToken cancellationToken = default)
    {
        var (rate, channels) = Probe(path, cancellationToken);
        var log = new FfmpegLog(MediaInput.Url(path));
        using var buffer = new MemoryStream();
        int code;
        using (var process = FfmpegProcess.Start(FfmpegPath,
        [
            "-loglevel", "repeat+level+error", "-nostdin", "-i", MediaInput.Url(path),
            "-map", "0:a:0", "-vn", "-sn", "-dn",
            // Fix the layout the probe saw, so a stream that changes its channel count mid-way stays interleaved as counted.
            "-ac", channels.ToString(CultureInfo.InvariantCulture),
            "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1",
        ], log, StallTimeout, cancellationToken: cancellationToken))
        {
            var chunk = new byte[65536];
            int n;
            while ((n = process.Read(chunk)) > 0)
            {
                if (buffer.Length + n > MaxDecodedBytes)
                {
                    throw new MediaException(path, string.Create(CultureInfo.InvariantCulture,
                        $"the decoded audio exceeds {MaxDecodedBytes} bytes (AudioTrackReader.MaxDecodedBytes)."));
                }
                buffer.Write(chunk, 0, n);
            }
            code = process.WaitForExit(path, cancellationToken);
        }
        if (code != 0 || buffer.Length < 4L * channels)
        {
            string why = log.Excerpt() is { Length: > 0 } e ? e : code != 0 ? $"ffmpeg exit code {code}" : "no samples";
            throw new MediaException(path, $"the audio could not be decoded: {why}");
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

    private static int IntProperty(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p)
        && int.TryParse(p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v
            : 0;
}
