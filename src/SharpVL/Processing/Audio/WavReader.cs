using System.Buffers.Binary;

namespace SharpVL.Processing.Audio;

/// <summary>
/// Reads RIFF/WAVE files (PCM 8/16/24/32-bit, IEEE float 32/64-bit, plain or WAVE_FORMAT_EXTENSIBLE) into a mono
/// float32 waveform. Integer PCM is scaled by 1/2^(bits-1) (int16/32768, as soundfile and the fixtures do);
/// several channels are averaged.
/// </summary>
public static class WavReader
{
    private const ushort FormatPcm = 1;
    private const ushort FormatIeeeFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    /// <summary>Reads a WAV file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="MediaException">The file is not a WAV file SharpVL can read; the message names the problem.</exception>
    public static AudioWaveform Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Audio file '{path}' does not exist.", path);
        }
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses the bytes of a WAV file; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="MediaException">Not a readable WAV file.</exception>
    public static AudioWaveform Parse(ReadOnlySpan<byte> bytes, string source = "WAV data")
    {
        if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new MediaException(source, "not a RIFF/WAVE file.");
        }
        WavFormat? format = null;
        // Chunk sizes are 32-bit and untrusted: the walk is done in 64-bit so a size near 2^32 cannot wrap the offset.
        long offset = 12;
        while (offset + 8 <= bytes.Length)
        {
            var id = bytes.Slice((int)offset, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice((int)offset + 4, 4));
            int body = (int)offset + 8;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || body + size > bytes.Length)
                {
                    throw new MediaException(source, "truncated fmt chunk.");
                }
                format = WavFormat.Parse(bytes.Slice(body, (int)size), source);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is null)
                {
                    throw new MediaException(source, "data chunk before the fmt chunk.");
                }
                // Streaming writers leave the size at 0 or 0xFFFFFFFF; a short file is read as far as it goes.
                long available = bytes.Length - body;
                long length = size == 0 || size == uint.MaxValue || size > available ? available : size;
                return Decode(bytes.Slice(body, (int)length), format);
            }
            offset = body + size + (size & 1);
        }
        throw new MediaException(source, format is null ? "no fmt chunk." : "no data chunk.");
    }

    private static AudioWaveform Decode(ReadOnlySpan<byte> data, WavFormat format)
    {
        int frameBytes = format.BlockAlign;
        int frames = data.Length / frameBytes;
        int channels = format.Channels;
        int sampleBytes = format.BitsPerSample / 8;
        var samples = new float[frames];
        for (int i = 0; i < frames; i++)
        {
            var frame = data.Slice(i * frameBytes, frameBytes);
            if (channels == 1)
            {
                samples[i] = (float)ReadSample(frame, format);
                continue;
            }
            double sum = 0;
            for (int c = 0; c < channels; c++)
            {
                // Each channel is first converted to float32, as a float32 decoder would, then averaged.
                sum += (float)ReadSample(frame.Slice(c * sampleBytes, sampleBytes), format);
            }
            samples[i] = (float)(sum / channels);
        }
        return new AudioWaveform(samples, format.SampleRate);
    }

    private static double ReadSample(ReadOnlySpan<byte> s, WavFormat format) => (format.IsFloat, format.BitsPerSample) switch
    {
        (false, 8) => (s[0] - 128) / 128.0,
        (false, 16) => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768.0,
        (false, 24) => ((s[0] | (s[1] << 8) | ((sbyte)s[2] << 16))) / 8388608.0,
        (false, 32) => BinaryPrimitives.ReadInt32LittleEndian(s) / 2147483648.0,
        (true, 32) => BinaryPrimitives.ReadSingleLittleEndian(s),
        (true, 64) => BinaryPrimitives.ReadDoubleLittleEndian(s),
        _ => throw new InvalidOperationException("Unreachable: the format was validated."),
    };

    private sealed record WavFormat(bool IsFloat, int Channels, int SampleRate, int BlockAlign, int BitsPerSample)
    {
        internal static WavFormat Parse(ReadOnlySpan<byte> fmt, string source)
        {
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
            int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
            long rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
            int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
            int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
            if (tag == FormatExtensible)
            {
                if (fmt.Length < 40)
                {
                    throw new MediaException(source, "WAVE_FORMAT_EXTENSIBLE fmt chunk is too short.");
                }
                // The sub-format GUID starts with the plain format tag.
                tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
            }
            bool isFloat = tag == FormatIeeeFloat;
            if (tag != FormatPcm && !isFloat)
            {
                throw new MediaException(source,
                    $"WAV format tag {tag} is not supported (only PCM = 1 and IEEE float = 3; compressed WAVs need ffmpeg).");
            }
            bool supported = isFloat ? bits is 32 or 64 : bits is 8 or 16 or 24 or 32;
            if (!supported)
            {
                throw new MediaException(source, $"{bits}-bit {(isFloat ? "float" : "PCM")} samples are not supported.");
            }
            if (channels < 1 || rate < 1 || rate > int.MaxValue || blockAlign != channels * bits / 8)
            {
                throw new MediaException(source,
                    $"inconsistent fmt chunk (channels {channels}, rate {rate}, block align {blockAlign}, {bits} bits).");
            }
            return new WavFormat(isFloat, channels, (int)rate, blockAlign, bits);
        }
    }
}
