using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using SharpVL.Checkpoints;
using TorchSharp;

namespace SharpVL.Fuzz.Targets;

/// <summary>Reads every tensor of a checkpoint (metadata, then data), disposing each.</summary>
internal static class CheckpointReads
{
    public static void ReadAll(ITensorSource source)
    {
        using (source)
        {
            foreach (var key in source.Keys)
            {
                source.GetMetadata(key);
                using var tensor = source.ReadTensor(key);
            }
        }
    }

    /// <summary>Small safetensors files made from the fixture checkpoints: each one's first tensors, written by SharpVL.</summary>
    public static List<byte[]> SmallSafeTensors(string root)
    {
        var seeds = new List<byte[]>();
        var scratch = Directory.CreateTempSubdirectory("sharpvl-fuzz-seed-");
        try
        {
            foreach (var model in new[] { "xclip-tiny", "videomae-tiny", "altclip-tiny", "tvlt-tiny" })
            {
                using var source = SafeTensorsFile.Open(Path.Combine(root, "tests", "fixtures", "models", model, "model.safetensors"));
                var keys = source.Keys.Where(k => source.GetMetadata(k).Shape.Aggregate(1L, (a, b) => a * b) <= 512).Take(6).ToList();
                var tensors = keys.Select(k => new KeyValuePair<string, torch.Tensor>(k, source.ReadTensor(k))).ToList();
                var path = Path.Combine(scratch.FullName, model + ".safetensors");
                SafeTensorsWriter.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
                tensors.ForEach(t => t.Value.Dispose());
                seeds.Add(File.ReadAllBytes(path));
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
        return seeds;
    }
}

/// <summary>safetensors: the length-prefixed JSON header (mutated as JSON or bytes) and the data after it.</summary>
internal sealed class SafeTensorsTarget : FuzzTarget
{
    private const string FileName = "model.safetensors";

    public override string Name => "safetensors";

    public override string Description => "SafeTensorsFile.Open + every tensor's metadata and data";

    public override IReadOnlyList<FuzzCase> Seeds(string repositoryRoot) =>
        [.. CheckpointReads.SmallSafeTensors(repositoryRoot).Select(bytes => new FuzzCase(new Dictionary<string, byte[]> { [FileName] = bytes }))];

    public override IEnumerable<(string Reader, Action Read)> Reads(string directory)
    {
        yield return ("SafeTensorsFile", () => CheckpointReads.ReadAll(SafeTensorsFile.Open(Path.Combine(directory, FileName))));
    }

    public override FuzzCase Mutate(FuzzCase input, Mutator mutator, IReadOnlyList<FuzzCase> corpus)
    {
        var bytes = input.Files[FileName];
        if (mutator.Random.Next(3) == 0 || bytes.Length < 8)
        {
            return base.Mutate(input, mutator, corpus);
        }
        return input.With(FileName, MutateHeader(bytes, mutator));
    }

    /// <summary>Mutates the JSON header and writes a consistent length prefix (mostly), so the parser sees the change.</summary>
    public static byte[] MutateHeader(byte[] file, Mutator mutator)
    {
        if (file.Length < 8)
        {
            return mutator.MutateBytes(file, []);
        }
        long length = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(file), (ulong)(file.Length - 8));
        var header = file.AsSpan(8, (int)length).ToArray();
        var data = file.AsSpan(8 + (int)length).ToArray();
        header = mutator.Mutate(header, json: true, []);
        if (mutator.Random.Next(8) == 0)
        {
            data = data[..mutator.Random.Next(data.Length + 1)];
        }
        var result = new byte[8 + header.Length + data.Length];
        ulong prefix = mutator.Random.Next(10) == 0 ? (ulong)mutator.Random.NextInt64() : (ulong)header.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(result, prefix);
        header.CopyTo(result, 8);
        data.CopyTo(result, 8 + header.Length);
        return result;
    }
}

/// <summary>pytorch_model.bin: the zip container and, inside it, the pickle, the storages and the version records.</summary>
internal sealed class TorchZipTarget : FuzzTarget
{
    private const string FileName = "pytorch_model.bin";

    // Opcodes of protocol 2 pickles as torch.save writes them, and a few it never writes.
    private static readonly byte[] Opcodes = "}]()tq\u0085\u0086\u0087KMJ\u008aX\u0080cRbsuhrpe.NV\u0088\u0089F0120\u0093\u0094\u0095\u008c"u8.ToArray();

    public override string Name => "torch-zip";

    public override string Description => "PyTorchCheckpointFile.Open (zip + restricted unpickler) + every tensor";

    public override IReadOnlyList<FuzzCase> Seeds(string repositoryRoot) =>
        [new FuzzCase(new Dictionary<string, byte[]> { [FileName] = Fixture(repositoryRoot, "tests/SharpVL.Fuzz/Seeds/torch_small.bin") })];

    public override IEnumerable<(string Reader, Action Read)> Reads(string directory)
    {
        yield return ("PyTorchCheckpointFile", () => CheckpointReads.ReadAll(PyTorchCheckpointFile.Open(Path.Combine(directory, FileName))));
    }

    public override FuzzCase Mutate(FuzzCase input, Mutator mutator, IReadOnlyList<FuzzCase> corpus)
    {
        if (mutator.Random.Next(3) == 0 || Entries(input.Files[FileName]) is not { } entries)
        {
            return base.Mutate(input, mutator, corpus);
        }
        // Mostly the pickle, which decides everything else; sometimes a storage or record, or the entry list itself.
        var names = entries.Keys.ToList();
        var pickle = names.FirstOrDefault(n => n.EndsWith("/data.pkl", StringComparison.Ordinal));
        var name = pickle is not null && mutator.Random.Next(3) > 0 ? pickle : names[mutator.Random.Next(names.Count)];
        switch (mutator.Random.Next(10))
        {
            case 0:
                entries.Remove(name);
                break;
            case 1:
                entries[name.Replace("archive", "other", StringComparison.Ordinal) + "x"] = entries[name];
                entries.Remove(name);
                break;
            case 2 when name == pickle:
            {
                var bytes = entries[name].ToList();
                int at = mutator.Random.Next(bytes.Count + 1);
                for (int i = mutator.Random.Next(1, 4); i > 0; i--)
                {
                    bytes.Insert(at, Opcodes[mutator.Random.Next(Opcodes.Length)]);
                }
                entries[name] = [.. bytes];
                break;
            }
            default:
                entries[name] = mutator.MutateBytes(entries[name], []);
                break;
        }
        return input.With(FileName, Zip(entries));
    }

    private static Dictionary<string, byte[]>? Entries(byte[] file)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(file), ZipArchiveMode.Read);
            var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries.Take(64))
            {
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                entries[entry.FullName] = copy.ToArray();
            }
            return entries;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static byte[] Zip(Dictionary<string, byte[]> entries)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8))
        {
            foreach (var (name, bytes) in entries)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                stream.Write(bytes);
            }
        }
        return output.ToArray();
    }
}

/// <summary>Sharded checkpoints: <c>*.index.json</c> (weight map, metadata) over safetensors or torch shards.</summary>
internal sealed class ShardedIndexTarget : FuzzTarget
{
    public override string Name => "sharded-index";

    public override string Description => "ShardedCheckpoint.Open(*.index.json) + every tensor of every shard";

    public override IReadOnlyList<FuzzCase> Seeds(string repositoryRoot)
    {
        var seeds = new List<FuzzCase>();
        var scratch = Directory.CreateTempSubdirectory("sharpvl-fuzz-seed-");
        try
        {
            foreach (var (bytes, n) in CheckpointReads.SmallSafeTensors(repositoryRoot).Select((b, n) => (b, n)))
            {
                var whole = Path.Combine(scratch.FullName, $"{n}.safetensors");
                File.WriteAllBytes(whole, bytes);
                using var source = SafeTensorsFile.Open(whole);
                var files = new Dictionary<string, byte[]>();
                var map = new JsonObject();
                var shards = source.Keys.Chunk((source.Keys.Count + 1) / 2).ToList();
                for (int s = 0; s < shards.Count; s++)
                {
                    var name = $"model-{s + 1:D5}-of-{shards.Count:D5}.safetensors";
                    var path = Path.Combine(scratch.FullName, name);
                    var tensors = shards[s].Select(k => new KeyValuePair<string, torch.Tensor>(k, source.ReadTensor(k))).ToList();
                    SafeTensorsWriter.Save(path, tensors);
                    tensors.ForEach(t => t.Value.Dispose());
                    files[name] = File.ReadAllBytes(path);
                    foreach (var key in shards[s])
                    {
                        map[key] = name;
                    }
                }
                var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = bytes.Length }, ["weight_map"] = map };
                files["model.safetensors.index.json"] = Encoding.UTF8.GetBytes(index.ToJsonString());
                seeds.Add(new FuzzCase(files));
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
        // A torch shard: the pickle checkpoint under an index of its own.
        var torchSeed = Fixture(repositoryRoot, "tests/SharpVL.Fuzz/Seeds/torch_small.bin");
        var torchKeys = new JsonObject();
        using (var probe = new TempFile(torchSeed))
        using (var torchSource = PyTorchCheckpointFile.Open(probe.Path))
        {
            foreach (var key in torchSource.Keys)
            {
                torchKeys[key] = "pytorch_model-00001-of-00001.bin";
            }
        }
        seeds.Add(new FuzzCase(new Dictionary<string, byte[]>
        {
            ["pytorch_model.bin.index.json"] = Encoding.UTF8.GetBytes(new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = torchKeys }.ToJsonString()),
            ["pytorch_model-00001-of-00001.bin"] = torchSeed,
        }));
        return seeds;
    }

    public override IEnumerable<(string Reader, Action Read)> Reads(string directory)
    {
        foreach (var index in new[] { "model.safetensors.index.json", "pytorch_model.bin.index.json" })
        {
            var path = Path.Combine(directory, index);
            if (File.Exists(path))
            {
                yield return ("ShardedCheckpoint", () => CheckpointReads.ReadAll(ShardedCheckpoint.Open(path)));
            }
        }
    }

    public override FuzzCase Mutate(FuzzCase input, Mutator mutator, IReadOnlyList<FuzzCase> corpus)
    {
        var index = input.Files.Keys.First(k => k.EndsWith(".index.json", StringComparison.Ordinal));
        var shards = input.Files.Keys.Where(k => k != index).Order(StringComparer.Ordinal).ToList();
        switch (mutator.Random.Next(10))
        {
            case < 6:
                return input.With(index, mutator.Mutate(input.Files[index], json: true, []));
            case 6 when shards.Count > 0:
                return input.With(shards[mutator.Random.Next(shards.Count)], null);
            case 7 when shards.Count > 0 && shards[0].EndsWith(".safetensors", StringComparison.Ordinal):
                return input.With(shards[0], SafeTensorsTarget.MutateHeader(input.Files[shards[0]], mutator));
            default:
                return base.Mutate(input, mutator, corpus);
        }
    }

    private sealed class TempFile : IDisposable
    {
        public TempFile(byte[] bytes)
        {
            Path = System.IO.Path.GetTempFileName();
            File.WriteAllBytes(Path, bytes);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
