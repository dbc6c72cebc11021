using System.Security.Cryptography;
using System.Text;

namespace SharpVL.Hub;

/// <summary>What the transfer told about a downloaded body's completeness.</summary>
/// <param name="AnnouncedSize">The full size the server announced for the GET (Content-Length of a 200, the total of a 206's Content-Range), if any.</param>
/// <param name="Framed">True when the body's end was marked by the protocol (a Content-Length or chunked encoding, which
/// .NET checks), so a connection cut early raises an error; false for a body that ends when the connection closes.</param>
internal readonly record struct BodyFraming(long? AnnouncedSize, bool Framed);

/// <summary>
/// Proves a downloaded blob complete and intact before it is renamed into the cache: the content hash its ETag names
/// (SHA-256 for LFS files, git's blob SHA-1 for the others) must match, and so must every size that was announced.
/// What cannot be proven complete is never cached.
/// </summary>
internal static class BlobVerification
{
    /// <summary>Throws a <see cref="HubHttpException"/> (after deleting <paramref name="path"/>) unless the file is proven complete.</summary>
    public static void Verify(string path, string etag, long? headSize, BodyFraming body, HubFileRequest request)
    {
        var actual = new FileInfo(path).Length;
        foreach (var (size, where) in new[] { (headSize, "the Hub announced"), (body.AnnouncedSize, "the download announced") })
        {
            if (size is long expected && expected != actual)
            {
                Discard(path, request,
                    $"Consistency check failed: '{request.Filename}' should be {expected} bytes but {actual} were received ({where} {expected}); " +
                    "the partial file was discarded, please retry");
            }
        }
        var hashChecked = false;
        if (IsHex(etag, 64))
        {
            CheckHash(path, etag, SHA256.Create(), [], "SHA-256", request);
            hashChecked = true;
        }
        else if (IsHex(etag, 40))
        {
            // Git names a blob by SHA-1 of "blob {length}\0" followed by the content.
            CheckHash(path, etag, SHA1.Create(), Encoding.ASCII.GetBytes($"blob {actual}\0"), "git blob SHA-1", request);
            hashChecked = true;
        }
        if (!hashChecked && headSize is null && body.AnnouncedSize is null && !body.Framed)
        {
            Discard(path, request,
                $"'{request.Filename}' cannot be verified as complete: the server announced no size, no content hash (ETag '{etag}') " +
                "and ended the body by closing the connection");
        }
    }

    private static void CheckHash(string path, string etag, HashAlgorithm algorithm, byte[] prefix, string name, HubFileRequest request)
    {
        string actual;
        using (algorithm)
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
        {
            algorithm.TransformBlock(prefix, 0, prefix.Length, null, 0);
            var buffer = new byte[1 << 20];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                algorithm.TransformBlock(buffer, 0, read, null, 0);
            }
            algorithm.TransformFinalBlock([], 0, 0);
            actual = Convert.ToHexStringLower(algorithm.Hash!);
        }
        if (!string.Equals(actual, etag, StringComparison.OrdinalIgnoreCase))
        {
            Discard(path, request,
                $"Integrity check failed: the {name} of the {new FileInfo(path).Length} bytes received is {actual}, not {etag} as the ETag says " +
                "(a truncated or altered download); it was discarded, not cached");
        }
    }

    private static void Discard(string path, HubFileRequest request, string problem)
    {
        File.Delete(path);
        throw new HubHttpException(problem, request);
    }

    private static bool IsHex(string text, int length) => text.Length == length && text.All(char.IsAsciiHexDigit);
}
