namespace SharpVL.Cli.Output;

/// <summary>
/// A one-line progress indicator on stderr (<c>[12/100] clips/a.mp4</c>), drawn only when stderr is a terminal and
/// cleared before anything else is printed, so it never ends up in logs or between result lines.
/// </summary>
internal sealed class ProgressLine
{
    private readonly bool _enabled;
    private readonly object _lock = new();
    private int _width;

    public ProgressLine(bool enabled) => _enabled = enabled;

    /// <summary>Shows <paramref name="text"/> in place of the previous progress text.</summary>
    public void Show(string text)
    {
        if (!_enabled)
        {
            return;
        }
        lock (_lock)
        {
            var maxWidth = Math.Max(20, SafeWindowWidth() - 1);
            if (text.Length > maxWidth)
            {
                text = "…" + text[^(maxWidth - 1)..];
            }
            Console.Error.Write("\r" + text.PadRight(_width));
            _width = text.Length;
        }
    }

    /// <summary>Erases the progress text (before a result, warning or error line).</summary>
    public void Clear()
    {
        if (!_enabled)
        {
            return;
        }
        lock (_lock)
        {
            if (_width > 0)
            {
                Console.Error.Write("\r" + new string(' ', _width) + "\r");
                _width = 0;
            }
        }
    }

    private static int SafeWindowWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
