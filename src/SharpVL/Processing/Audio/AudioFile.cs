namespace SharpVL.Processing.Audio;

/// <summary>Loads audio from any file: WAV (PCM / float) is parsed in-process, everything else goes through ffmpeg.</summary>
public static class AudioFile
{
    /// <summary>Reads <paramref name="path"/> as a mono waveform, resampled to <paramref name="targetSampleRate"/> if given and different.</summary>
    /// <exception cref="MediaException">The file is missing, not a regular file, or has no readable audio.</exception>
    /// <exception cref="Video.FfmpegNotFoundException">A non-WAV file needs ffmpeg, which is not installed.</exception>
    public static AudioWaveform Read(string path, int? targetSampleRate = null)
    {
        MediaInput.RequireFile(path, "audio");
        if (!IsPlainWav(path))
        {
            return AudioTrackReader.Default.Read(path, targetSampleRate);
        }
        var waveform = WavReader.Read(path);
        return targetSampleRate is int rate ? waveform.ResampleTo(rate) : waveform;
    }

    /// <summary>Whether the file starts like a RIFF/WAVE file with a format <see cref="WavReader"/> reads.</summary>
    private static bool IsPlainWav(string path)
    {
        Span<byte> header = stackalloc byte[22];
        using var stream = File.OpenRead(path);
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            return false;
        }
        if (!header[..4].SequenceEqual("RIFF"u8) || !header.Slice(8, 4).SequenceEqual("WAVE"u8) || !header.Slice(12, 4).SequenceEqual("fmt "u8))
        {
            return false;
        }
        ushort tag = (ushort)(header[20] | (header[21] << 8));
        return tag is 1 or 3 or 0xFFFE;
    }
}
