using SharpVL.Checkpoints;
using SharpVL.Runtime;

namespace SharpVL.Tests.Checkpoints;

public class SafeTensorsMalformedTests
{
    public SafeTensorsMalformedTests() => TorchRuntime.EnsureInitialized();

    private const string Valid = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";

    private static CheckpointException OpenFails(TempDirectory dir, string header, int dataBytes, ulong? declaredLength = null)
    {
        var path = dir.WriteRawSafeTensors("bad.safetensors", header, dataBytes, declaredLength);
        var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Open(path).Dispose());
        Assert.Contains(path, error.Message);
        return error;
    }

    [Fact]
    public void HandWrittenValidFileOpens()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteRawSafeTensors("ok.safetensors", Valid, 8);
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(new[] { "a" }, file.Keys);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void FileShorterThanLengthPrefixIsRejected()
    {
        using var dir = new TempDirectory();
        var path = dir.File("tiny.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("8-byte", error.Message);
    }

    [Fact]
    public void HeaderLengthBeyondFileIsRejected()
    {
        using var dir = new TempDirectory();
        var error = OpenFails(dir, Valid, 8, declaredLength: 1000);
        Assert.Contains("1000", error.Message);
    }

    [Fact]
    public void HeaderLengthOverLimitIsRejected()
    {
        using var dir = new TempDirectory();
        var error = OpenFails(dir, Valid, 8, declaredLength: 200_000_000);
        Assert.Contains("limit", error.Message);
        OpenFails(dir, Valid, 8, declaredLength: ulong.MaxValue);
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]""", "not valid JSON")]
    [InlineData("""[1,2]""", "must be a JSON object")]
    [InlineData("""{"__metadata__":{"format":1}}""", "'format' must be a string")]
    public void MalformedJsonIsRejected(string header, string expected)
    {
        using var dir = new TempDirectory();
        Assert.Contains(expected, OpenFails(dir, header, 8).Message);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}""", "unknown or unsupported dtype 'C64'")]
    [InlineData("""{"w":{"shape":[2],"data_offsets":[0,8]}}""", "missing string field 'dtype'")]
    [InlineData("""{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", "negative value -2")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}""", "must hold integers")]
    [InlineData("""{"w":{"dtype":"F32","data_offsets":[0,8]}}""", "missing array field 'shape'")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}""", "exactly 2 numbers")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", "begin after they end")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", "past the data region")]
    [InlineData("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "holds 8 bytes but dtype F32 with shape [3] needs 12")]
    [InlineData("""{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}""", "too large")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", "appears twice")]
    [InlineData("""{"w":"F32"}""", "must be an object")]
    public void MalformedTensorEntryIsRejectedNamingTheKey(string header, string expected)
    {
        using var dir = new TempDirectory();
        var error = OpenFails(dir, header, 8);
        Assert.Contains("'w'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void OverlappingTensorsAreRejectedNamingBoth()
    {
        using var dir = new TempDirectory();
        var error = OpenFails(dir,
            """{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12);
        Assert.Contains("'y'", error.Message);
        Assert.Contains("overlaps", error.Message);
        Assert.Contains("'x'", error.Message);
    }

    [Fact]
    public void BoolTensorWithBytesOtherThanZeroOrOneIsRejectedOnRead()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteRawSafeTensors("b.safetensors", """{"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}}""", 3);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] = 7;
        File.WriteAllBytes(path, bytes);
        using var file = SafeTensorsFile.Open(path);
        var error = Assert.Throws<CheckpointException>(() => file.ReadTensor("m"));
        Assert.Contains("'m'", error.Message);
        Assert.Contains("byte value 7", error.Message);
    }

    [Fact]
    public void MissingFileAndMissingKeyNameWhatIsMissing()
    {
        using var dir = new TempDirectory();
        var missing = dir.File("nope.safetensors");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => SafeTensorsFile.Open(missing)).Message);

        var path = dir.WriteRawSafeTensors("ok.safetensors", Valid, 8);
        using var file = SafeTensorsFile.Open(path);
        Assert.Contains("'zzz'", Assert.Throws<KeyNotFoundException>(() => file.GetMetadata("zzz")).Message);
        Assert.Contains("'zzz'", Assert.Throws<KeyNotFoundException>(() => file.ReadTensor("zzz")).Message);
    }

    [Fact]
    public void FileTruncatedAfterOpenGivesClearErrorOnRead()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteRawSafeTensors("t.safetensors", Valid, 8);
        using var file = SafeTensorsFile.Open(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.SetLength(stream.Length - 4);
        }
        var error = Assert.Throws<CheckpointException>(() => file.ReadTensor("a"));
        Assert.Contains("ended early", error.Message);
    }
}
