using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace SharpVL.IO;

/// <summary>
/// Parses JSON that comes from a file SharpVL did not write (a safetensors header, a checkpoint index): invalid UTF-8,
/// excessive nesting and syntax errors all become one clear error from the caller's <c>fail</c> factory, instead of a
/// reader exception ("Cannot transcode invalid UTF-8 JSON text") that names no file.
/// </summary>
internal static class UntrustedJson
{
    /// <summary>Parses <paramref name="utf8"/> (a leading byte-order mark is skipped).</summary>
    /// <param name="utf8">The JSON bytes.</param>
    /// <param name="what">Names the JSON in messages, e.g. <c>'model.safetensors': safetensors header</c>.</param>
    /// <param name="fail">Builds the exception to throw from a one-line problem and the reader's error.</param>
    /// <param name="maxDepth">Deepest nesting accepted.</param>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string what, Func<string, Exception?, Exception> fail, int maxDepth = 64)
    {
        ArgumentNullException.ThrowIfNull(fail);
        if (utf8.Span.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }
        if (!Utf8.IsValid(utf8.Span))
        {
            var bad = FirstInvalidByte(utf8.Span);
            throw fail($"{what} is not valid UTF-8 (byte 0x{utf8.Span[bad]:x2} at offset {bad})", null);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException e)
        {
            throw fail($"{what} is not valid JSON ({e.Message})", e);
        }
        try
        {
            RequireText(document.RootElement, what, fail);
        }
        catch
        {
            document.Dispose();
            throw;
        }
        return document;
    }

    /// <summary>
    /// Fails when a string or key of <paramref name="element"/> is not text: an escaped lone surrogate (<c>"\ud800"</c>) is
    /// valid JSON, but reading it throws an <see cref="InvalidOperationException"/> that names nothing.
    /// </summary>
    public static void RequireText(JsonElement element, string what, Func<string, Exception?, Exception> fail)
    {
        ArgumentNullException.ThrowIfNull(fail);
        try
        {
            Visit(element);
        }
        catch (InvalidOperationException e)
        {
            throw fail($"{what} holds a string that is not valid Unicode (an unpaired surrogate escape)", e);
        }

        static void Visit(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    _ = e.GetString();
                    break;
                case JsonValueKind.Object:
                    foreach (var property in e.EnumerateObject())
                    {
                        _ = property.Name;
                        Visit(property.Value);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray())
                    {
                        Visit(item);
                    }
                    break;
            }
        }
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        var status = Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
        return status == OperationStatus.Done ? 0 : read;
    }
}
