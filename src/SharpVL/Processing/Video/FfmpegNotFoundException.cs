namespace SharpVL.Processing.Video;

/// <summary>The <c>ffmpeg</c> or <c>ffprobe</c> executable could not be started.</summary>
public sealed class FfmpegNotFoundException : SharpVLException
{
    /// <summary>Creates the exception for <paramref name="executable"/>.</summary>
    public FfmpegNotFoundException(string executable, Exception? inner = null)
        : base($"{executable} was not found on PATH; install it, e.g. `apt-get install ffmpeg` " +
               "(or pass the executable's path to VideoReader).", null, inner)
    {
        Executable = executable;
    }

    /// <summary>The executable name or path that failed to start.</summary>
    public string Executable { get; }
}
