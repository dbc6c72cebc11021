using System.CommandLine;
using SharpVL.Processing.Video;

namespace SharpVL.Cli.Commands;

/// <summary>The decode-time flags every video command shares (<c>--autorotate</c>), mapped onto <see cref="VideoReadOptions"/>.</summary>
internal sealed class VideoDecodingOptions
{
    private readonly Option<bool> _autoRotate = new("--autorotate")
    {
        Description = "Turn frames upright by the video's rotation metadata (phone clips). Off by default, as in PyAV/Transformers.",
    };

    /// <summary>Adds the flags to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_autoRotate);
    }

    /// <summary>A video reader configured by the parsed flags.</summary>
    public VideoReader Reader(ParseResult parse) => new()
    {
        Options = new VideoReadOptions { AutoRotate = parse.GetValue(_autoRotate) },
    };
}
