namespace SharpVL.Processing.Text;

/// <summary>
/// GPT-2/CLIP byte-level alphabet (<c>bytes_to_unicode</c>): every byte maps to one printable character, so BPE
/// can work on characters while covering arbitrary UTF-8.
/// </summary>
internal static class ByteLevelAlphabet
{
    /// <summary>Character of each byte value.</summary>
    public static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>Byte value of each alphabet character; -1 for characters outside the alphabet.</summary>
    public static readonly short[] CharToByte = BuildCharToByte();

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            // Printable Latin-1 stays itself; control bytes, space, 0x7F-0xA0 and 0xAD shift above 255.
            var printable = b is (>= '!' and <= '~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }

    private static short[] BuildCharToByte()
    {
        var map = new short[512];
        Array.Fill(map, (short)-1);
        for (var b = 0; b < 256; b++)
        {
            map[ByteToChar[b]] = (short)b;
        }

        return map;
    }
}
