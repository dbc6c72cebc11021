using System.CommandLine;
using SharpVL.Processing.Video;

namespace SharpVL.Cli.Commands;

/// <summary>The decode-time flags every video command shares (<c>--autorotate</c>, <c>--strict</c>), mapped onto <see cref="VideoReadOptions"/>.</summary>
internal sealed class VideoDecodingOptions
{
    private readonly Option<bool> _autoRotate = new("--autorotate")
    {
        Description = "Turn frames upright by the video's rotation metadata (phone clips). Off by default, as in PyAV/Transformers.",
    };

    private readonly Option<bool> _strict = new("--strict")
    {
        Description = "Treat any decode error in a video as a failure of that input (by default damaged videos are decoded as far as they go, with a warning).",
    };

    /// <summary>Adds the flags to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_autoRotate);
        command.Options.Add(_strict);
    }

    /// <summary>A video reader configured by the parsed flags.</summary>
    public VideoReader Reader(ParseResult parse) => new()
    {
        Options = new VideoReadOptions { AutoRotate = parse.GetValue(_autoRotate), Strict = parse.GetValue(_strict) },
    };
}
