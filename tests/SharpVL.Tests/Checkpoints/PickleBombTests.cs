using System.Buffers.Binary;
using System.IO.Compression;
using SharpVL.Checkpoints;
using SharpVL.Runtime;
using Xunit.Abstractions;

namespace SharpVL.Tests.Checkpoints;

/// <summary>
/// Pickles that ask the restricted unpickler for unbounded work or memory are refused early, with memory in
/// proportion to the pickle, whatever shape the bomb takes.
/// </summary>
public class PickleBombTests
{
    private readonly ITestOutputHelper _output;

    public PickleBombTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    private const int Repeats = 3_000_000;

    private static byte[] Repeat(byte[] head, byte[] unit, int count, byte[]? tail = null)
    {
        var bytes = new byte[head.Length + (unit.Length * count) + (tail?.Length ?? 0)];
        head.CopyTo(bytes, 0);
        for (var i = 0; i < count; i++)
        {
            unit.CopyTo(bytes, head.Length + (i * unit.Length));
        }
        tail?.CopyTo(bytes, bytes.Length - tail.Length);
        return bytes;
    }

    private static readonly byte[] Proto = [0x80, 2];

    public static TheoryData<string> Bombs => ["empty dicts on the stack", "dicts appended to one list", "memoized dicts", "nested marks", "duplicated references", "long strings", "dict entries"];

    private static byte[] Bomb(string kind) => kind switch
    {
        "empty dicts on the stack" => Repeat(Proto, "}"u8.ToArray(), Repeats),
        "dicts appended to one list" => Repeat([.. Proto, (byte)']'], "}a"u8.ToArray(), Repeats / 2),
        "memoized dicts" => MemoBomb(Repeats / 6),
        "nested marks" => Repeat(Proto, "("u8.ToArray(), Repeats),
        "duplicated references" => Repeat([.. Proto, (byte)'}'], "2"u8.ToArray(), Repeats),
        "long strings" => Repeat([.. Proto, (byte)']'], [(byte)'X', 0, 0, 0x20, 0, .. new byte[0x200000], (byte)'a'], 2),
        "dict entries" => DictEntryBomb(Repeats / 8),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static byte[] MemoBomb(int count)
    {
        // } r <index> 0 : a new dict memoized under a new index, then popped; only the memo holds it.
        var bytes = new List<byte>(Proto);
        var index = new byte[4];
        for (var i = 0; i < count; i++)
        {
            bytes.Add((byte)'}');
            bytes.Add((byte)'r');
            BinaryPrimitives.WriteUInt32LittleEndian(index, (uint)i);
            bytes.AddRange(index);
            bytes.Add((byte)'0');
        }
        return [.. bytes];
    }

    private static byte[] DictEntryBomb(int count)
    {
        // } then (J <i> } s) repeated: every key distinct, every value a fresh dict.
        var bytes = new List<byte>([.. Proto, (byte)'}']);
        var key = new byte[4];
        for (var i = 0; i < count; i++)
        {
            bytes.Add((byte)'J');
            BinaryPrimitives.WriteInt32LittleEndian(key, i);
            bytes.AddRange(key);
            bytes.Add((byte)'}');
            bytes.Add((byte)'s');
        }
        return [.. bytes];
    }

    [Theory]
    [MemberData(nameof(Bombs))]
    public void BombsAreRefusedWithMemoryInProportionToThePickle(string kind)
    {
        using var dir = new TempDirectory();
        var path = dir.File("bomb.bin");
        var pickle = Bomb(kind);
        TorchZipBuilder.Write(path, pickle, new Dictionary<string, byte[]>());

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        _output.WriteLine($"{kind}: {allocated >> 20} MiB allocated for a {pickle.Length >> 20} MiB pickle: {error.Message}");
        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FilePath);
        Assert.DoesNotContain('\n', error.Message);
        // The old reader spent ~170 bytes per pickle byte on empty dicts; the budget allows 24, plus the bytes themselves.
        Assert.True(allocated < (28L * pickle.Length) + (24L << 20), $"{kind}: {allocated >> 20} MiB allocated for a {pickle.Length >> 20} MiB pickle");
    }

    [Fact]
    public void EmptyDictBombIsRefusedEarly()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bomb.bin");
        TorchZipBuilder.Write(path, Bomb("empty dicts on the stack"), new Dictionary<string, byte[]>());
        var error = Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(path));
        Assert.Contains("refusing the pickle at byte 100002", error.Message);
    }

    [Fact]
    public void CompressedEmptyDictBombIsRefusedBeforeUnpickling()
    {
        // The measured case: 30 million EMPTY_DICT opcodes deflate into a ~30 KB pytorch_model.bin.
        using var dir = new TempDirectory();
        var path = dir.File("pytorch_model.bin");
        TorchZipBuilder.Write(path, Repeat(Proto, "}"u8.ToArray(), 30_000_000, "."u8.ToArray()), new Dictionary<string, byte[]>(),
            pickleCompression: CompressionLevel.SmallestSize);
        Assert.True(new FileInfo(path).Length < 100_000);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<CheckpointException>(() => PyTorchCheckpointFile.Open(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("data.pkl expands", error.Message);
        Assert.Contains(path, error.Message);
        Assert.True(allocated < 16L << 20, $"{allocated >> 20} MiB allocated");
    }

    [Fact]
    public void RealStateDictPicklesUseAFractionOfTheBudget()
    {
        using var zip = ZipFile.OpenRead(TestPaths.Fixture("models/xclip-tiny/pytorch_model.bin"));
        var entry = zip.Entries.Single(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
        using var stream = entry.Open();
        var pickle = new byte[entry.Length];
        stream.ReadExactly(pickle);

        var charged = RestrictedUnpickler.MeasureCharge(pickle, "data.pkl");

        // torch.save's own output costs a few estimated bytes per pickle byte: well inside the 16 the limits allow.
        _output.WriteLine($"{charged} bytes charged for a {pickle.Length}-byte pickle ({charged / (double)pickle.Length:F1} per byte)");
        Assert.InRange(charged / (double)pickle.Length, 2, 12);
    }
}
