using System.Text.Json;
using TorchSharp;

namespace SharpVL.Checkpoints;

/// <summary>TEMPORARY interim reader (replaced by the checkpoints branch).</summary>
public static class CheckpointFiles
{
    /// <summary>Opens model.safetensors.</summary>
    public static ITensorSource Open(string directory) => new Interim(Path.Combine(directory, "model.safetensors"));

    /// <summary>x</summary>
    public static ITensorSource OpenFile(string path) => new Interim(path);

    private sealed class Interim : ITensorSource
    {
        private readonly byte[] _bytes;
        private readonly Dictionary<string, (TensorMetadata Meta, long Begin, long End)> _entries = [];

        public Interim(string path)
        {
            _bytes = File.ReadAllBytes(path);
            var n = (int)BitConverter.ToUInt64(_bytes, 0);
            using var doc = JsonDocument.Parse(_bytes.AsMemory(8, n));
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                {
                    continue;
                }
                var dtype = p.Value.GetProperty("dtype").GetString() switch
                {
                    "F32" => torch.ScalarType.Float32,
                    "I64" => torch.ScalarType.Int64,
                    "U8" => torch.ScalarType.Byte,
                    "BOOL" => torch.ScalarType.Bool,
                    var d => throw new NotSupportedException(d),
                };
                var shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var off = p.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                _entries[p.Name] = (new TensorMetadata(p.Name, dtype, shape), 8 + n + off[0], 8 + n + off[1]);
                Keys.Add(p.Name);
            }
        }

        public List<string> Keys { get; } = [];

        IReadOnlyList<string> ITensorSource.Keys => Keys;

        public TensorMetadata GetMetadata(string key) => _entries[key].Meta;

        public torch.Tensor ReadTensor(string key)
        {
            var (meta, begin, end) = _entries[key];
            var t = torch.empty(meta.Shape, meta.DType);
            t.bytes = _bytes.AsSpan((int)begin, (int)(end - begin));
            return t;
        }

        public void Dispose()
        {
        }
    }
}

/// <summary>TEMPORARY.</summary>
public static class SafeTensorsFile
{
    /// <summary>TEMPORARY.</summary>
    public static ITensorSource Open(string path) => CheckpointFiles.OpenFile(path);
}
