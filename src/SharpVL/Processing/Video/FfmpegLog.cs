using System.Text.RegularExpressions;

namespace SharpVL.Processing.Video;

/// <summary>
/// Reads the log ffmpeg / ffprobe write with <c>-loglevel repeat+level+...</c> (every message on its own line, tagged
/// with its level) and keeps what a caller needs: counts of decode damage and the last messages for error texts.
/// Memory stays bounded however much a damaged file makes ffmpeg write.
/// </summary>
internal sealed partial class FfmpegLog
{
    private const int MaxMessages = 20;
    private const int TailLines = 8;
    private readonly object _gate = new();
    private readonly List<string> _messages = [];
    private readonly Queue<string> _tail = new();
    private readonly string? _hidePrefix;
    private int _errors;
    private int _rejectedPackets;
    private int _corruptFrames;

    /// <param name="inputUrl">The input as ffmpeg was given it; removed from messages, which name the file anyway.</param>
    internal FfmpegLog(string? inputUrl = null)
    {
        _hidePrefix = inputUrl is null ? null : inputUrl + ": ";
    }

    /// <summary>Takes one line of ffmpeg's stderr.</summary>
    internal void Add(string line)
    {
        var m = TaggedLine().Match(line);
        string level = m.Success ? m.Groups["level"].Value : "";
        string text = m.Success ? m.Groups["text"].Value : line.Trim();
        if (_hidePrefix is not null)
        {
            text = text.Replace(_hidePrefix, "", StringComparison.Ordinal);
        }
        // "[NULL @ 0x...]" is a parser without a name: no context worth showing.
        if (m.Success && m.Groups["context"].Success && m.Groups["context"].Value != "NULL")
        {
            text = m.Groups["context"].Value + ": " + text;
        }
        if (text.Length == 0)
        {
            return;
        }
        bool isError = level is "error" or "fatal" or "panic";
        lock (_gate)
        {
            if (isError)
            {
                _errors++;
                if (text.StartsWith("Error while decoding stream", StringComparison.Ordinal))
                {
                    _rejectedPackets++;
                }
            }
            else if (level == "warning" && text.Contains("corrupt decoded frame", StringComparison.Ordinal))
            {
                _corruptFrames++;
            }
            else if (level is not "")
            {
                return; // other warnings (deprecated pixel formats, edit lists, ...) are no damage
            }
            if ((isError || level == "warning") && _messages.Count < MaxMessages && !_messages.Contains(text))
            {
                _messages.Add(text);
            }
            _tail.Enqueue(text);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }

    /// <summary>Whether <paramref name="line"/> is an error a demuxer or decoder reported (tagged with its context).</summary>
    internal static bool IsCodecError(string line)
    {
        var m = TaggedLine().Match(line);
        return m.Success && m.Groups["context"].Success && m.Groups["level"].Value is "error" or "fatal" or "panic";
    }

    /// <summary>The damage seen so far.</summary>
    internal DecodeReport Report()
    {
        lock (_gate)
        {
            return new DecodeReport(_errors, _rejectedPackets, _corruptFrames, [.. _messages]);
        }
    }

    /// <summary>The last messages, joined on one line (for error texts).</summary>
    internal string Excerpt()
    {
        lock (_gate)
        {
            return string.Join("; ", _tail);
        }
    }

    // "[h264 @ 0x55d0c1f3e2c0] [error] text", "[error] text"; the context's address is dropped.
    [GeneratedRegex(@"^(?:\[(?<context>[^\]@]*?) @ (?:0x)?[0-9a-fA-F]+\] )?\[(?<level>[a-z]+)\] (?<text>.*)$")]
    private static partial Regex TaggedLine();
}
