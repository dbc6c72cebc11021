using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SharpVL.Configuration;
using SharpVL.Models.AltCLIP;
using SharpVL.Models.Tvlt;
using SharpVL.Models.VideoMAE;
using SharpVL.Models.XCLIP;
using SharpVL.Processing.Audio;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;

namespace SharpVL.Fuzz.Targets;

/// <summary>config.json of the four families: every family's loader (validation) and its parameter estimate.</summary>
internal sealed class ConfigTarget : FuzzTarget
{
    private const string FileName = "config.json";

    private static readonly string[] Models = ["xclip-tiny", "videomae-tiny", "videomae-tiny-kinetics", "altclip-tiny", "tvlt-tiny", "tvlt-tiny-avclassification"];

    public override string Name => "config";

    public override string Description => "config.json through the X-CLIP, VideoMAE, AltCLIP and TVLT loaders (+ sub-configs, parameter estimates)";

    public override IReadOnlyList<FuzzCase> Seeds(string repositoryRoot) =>
        [.. Models.Select(m => new FuzzCase(new Dictionary<string, byte[]> { [FileName] = Fixture(repositoryRoot, $"tests/fixtures/models/{m}/config.json") }))];

    public override IEnumerable<(string Reader, Action Read)> Reads(string directory)
    {
        var path = Path.Combine(directory, FileName);
        yield return ("XCLIPConfig", () => XCLIPConfig.FromPretrained(path).EstimateParameterCount());
        yield return ("XCLIPVisionConfig", () => XCLIPVisionConfig.FromPretrained(path).EstimateParameterCount());
        yield return ("VideoMAEConfig", () => VideoMAEConfig.FromPretrained(directory).EstimateParameterCount());
        yield return ("AltCLIPConfig", () => AltCLIPConfig.FromPretrained(directory).EstimateParameterCount());
        yield return ("AltCLIPTextConfig", () => AltCLIPTextConfig.FromPretrained(directory).EstimateParameterCount());
        yield return ("TvltConfig", () => TvltConfig.FromPretrained(directory).EstimateParameterCount());
        yield return ("ConfigJson.Peek", () => ConfigJson.Peek(path));
    }
}

/// <summary>preprocessor_config.json: the image processors and TVLT's feature extractor.</summary>
internal sealed class PreprocessorConfigTarget : FuzzTarget
{
    private const string FileName = "preprocessor_config.json";

    private static readonly string[] Models = ["xclip-tiny", "videomae-tiny", "altclip-tiny", "tvlt-tiny"];

    public override string Name => "preprocessor-config";

    public override string Description => "preprocessor_config.json through the image processor loader, VideoMAE/CLIP/TVLT processors and TVLT's feature extractor";

    public override IReadOnlyList<FuzzCase> Seeds(string repositoryRoot) =>
        [.. Models.Select(m => new FuzzCase(new Dictionary<string, byte[]> { [FileName] = Fixture(repositoryRoot, $"tests/fixtures/models/{m}/preprocessor_config.json") }))];

    public override IEnumerable<(string Reader, Action Read)> Reads(string directory)
    {
        var path = Path.Combine(directory, FileName);
        yield return ("ImageProcessorLoader", () => ImageProcessorLoader.FromPretrained(directory));
        yield return ("VideoMAEImageProcessor", () => VideoMAEImageProcessor.FromPretrained(directory));
        yield return ("CLIPImageProcessor", () => CLIPImageProcessor.FromPretrained(directory));
        yield return ("TvltImageProcessor", () => TvltImageProcessor.FromPretrained(path));
        yield return ("TvltFeatureExtractor", () => TvltFeatureExtractor.FromPretrained(path));
    }
}

/// <summary>Tokenizer files: CLIP's vocab.json + merges.txt, XLM-R's SentencePiece model, tokenizer_config.json, special_tokens_map.json.</summary>
internal sealed class TokenizerTarget : FuzzTarget
{
    private static readonly string[] Texts = ["a photo of a cat", "Ünïcödé 日本語 🙂 <|endoftext|> </s>", "", "  spaces\tand\nlines  "];

    public override string Name => "tokenizer";

    public override string Description => "TextTokenizers.FromPretrained (CLIP BPE and XLM-R SentencePiece) + encode/decode";

    public override IReadOnlyList<FuzzCase> Seeds(string repositoryRoot)
    {
        string xclip = Path.Combine(repositoryRoot, "tests", "fixtures", "models", "xclip-tiny");
        string altclip = Path.Combine(repositoryRoot, "tests", "fixtures", "models", "altclip-tiny");
        var (vocab, merges) = SmallClipVocabulary(xclip, 400);
        return
        [
            new FuzzCase(new Dictionary<string, byte[]>
            {
                ["vocab.json"] = vocab,
                ["merges.txt"] = merges,
                ["tokenizer_config.json"] = File.ReadAllBytes(Path.Combine(xclip, "tokenizer_config.json")),
                ["special_tokens_map.json"] = File.ReadAllBytes(Path.Combine(xclip, "special_tokens_map.json")),
            }),
            new FuzzCase(new Dictionary<string, byte[]>
            {
                ["sentencepiece.bpe.model"] = File.ReadAllBytes(Path.Combine(altclip, "sentencepiece.bpe.model")),
                ["tokenizer_config.json"] = File.ReadAllBytes(Path.Combine(altclip, "tokenizer_config.json")),
                ["special_tokens_map.json"] = File.ReadAllBytes(Path.Combine(altclip, "special_tokens_map.json")),
            }),
        ];
    }

    public override IEnumerable<(string Reader, Action Read)> Reads(string directory)
    {
        yield return ("TextTokenizers", () =>
        {
            var tokenizer = TextTokenizers.FromPretrained(directory);
            var encoding = tokenizer.Encode(Texts, new TokenizeOptions { Padding = PaddingStrategy.Longest, Truncation = true });
            tokenizer.BatchDecode(encoding.InputIds);
        });
    }

    /// <summary>The fixture's CLIP vocabulary cut to its first <paramref name="mergeCount"/> merges (byte alphabet, merged tokens, specials).</summary>
    private static (byte[] Vocab, byte[] Merges) SmallClipVocabulary(string directory, int mergeCount)
    {
        var merges = File.ReadAllLines(Path.Combine(directory, "merges.txt")).Take(mergeCount + 1).ToList();
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "vocab.json")));
        var keep = new HashSet<string>(StringComparer.Ordinal) { "<|startoftext|>", "<|endoftext|>" };
        foreach (var line in merges.Skip(1))
        {
            keep.Add(line.Replace(" ", "", StringComparison.Ordinal));
        }
        var vocab = new JsonObject();
        foreach (var entry in document.RootElement.EnumerateObject().OrderBy(e => e.Value.GetInt64()))
        {
            var token = entry.Name;
            if (keep.Contains(token) || token.Length == 1 || (token.Length == 5 && token.EndsWith("</w>", StringComparison.Ordinal)))
            {
                vocab[token] = vocab.Count;
            }
        }
        return (Encoding.UTF8.GetBytes(vocab.ToJsonString()), Encoding.UTF8.GetBytes(string.Join("\n", merges) + "\n"));
    }
}

/// <summary>WAV files: RIFF chunks, fmt (PCM, float, extensible), data.</summary>
internal sealed class WavTarget : FuzzTarget
{
    private const string FileName = "audio.wav";

    public override string Name => "wav";

    public override string Description => "WavReader.Read (RIFF chunks, PCM 8/16/24/32, float 32/64, WAVE_FORMAT_EXTENSIBLE)";

    public override IReadOnlyList<FuzzCase> Seeds(string repositoryRoot)
    {
        var tone = Fixture(repositoryRoot, "tests/fixtures/media/tone.wav");
        var samples = DataOf(tone)[..4000];
        var seeds = new List<byte[]>
        {
            Wav(1, 1, 16000, 16, samples),
            Wav(1, 2, 44100, 24, samples[..3000]),
            Wav(1, 1, 8000, 8, samples[..500]),
            Wav(3, 1, 16000, 32, samples),
            Wav(3, 2, 16000, 64, samples),
            Wav(0xFFFE, 2, 48000, 16, samples, extensibleFormat: 1),
            Wav(1, 1, 16000, 16, samples, listChunk: true),
        };
        return [.. seeds.Select(bytes => new FuzzCase(new Dictionary<string, byte[]> { [FileName] = bytes }))];
    }

    public override IEnumerable<(string Reader, Action Read)> Reads(string directory)
    {
        yield return ("WavReader", () => WavReader.Read(Path.Combine(directory, FileName)));
    }

    private static byte[] DataOf(byte[] wav)
    {
        for (int offset = 12; offset + 8 <= wav.Length;)
        {
            int size = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(offset + 4));
            if (wav.AsSpan(offset, 4).SequenceEqual("data"u8))
            {
                return wav.AsSpan(offset + 8, Math.Min(size, wav.Length - offset - 8)).ToArray();
            }
            offset += 8 + size + (size & 1);
        }
        throw new InvalidDataException("tone.wav has no data chunk");
    }

    private static byte[] Wav(ushort format, ushort channels, int rate, ushort bits, byte[] data, ushort extensibleFormat = 0, bool listChunk = false)
    {
        var fmt = new List<byte>();
        void U16(List<byte> to, ushort v) => to.AddRange(BitConverter.GetBytes(v));
        void U32(List<byte> to, int v) => to.AddRange(BitConverter.GetBytes(v));
        U16(fmt, format);
        U16(fmt, channels);
        U32(fmt, rate);
        U32(fmt, rate * channels * bits / 8);
        U16(fmt, (ushort)(channels * bits / 8));
        U16(fmt, bits);
        if (format == 0xFFFE)
        {
            U16(fmt, 22);
            U16(fmt, bits);
            U32(fmt, 3);
            U16(fmt, extensibleFormat);
            fmt.AddRange(new byte[] { 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71 });
        }
        int frame = channels * bits / 8;
        data = data[..(data.Length / frame * frame)];
        var body = new List<byte>();
        body.AddRange("WAVE"u8.ToArray());
        body.AddRange("fmt "u8.ToArray());
        U32(body, fmt.Count);
        body.AddRange(fmt);
        if (listChunk)
        {
            body.AddRange("LIST"u8.ToArray());
            U32(body, 5);
            body.AddRange("INFOx"u8.ToArray());
            body.Add(0); // pad byte of an odd-sized chunk
        }
        body.AddRange("data"u8.ToArray());
        U32(body, data.Length);
        body.AddRange(data);
        var file = new List<byte>();
        file.AddRange("RIFF"u8.ToArray());
        U32(file, body.Count);
        file.AddRange(body);
        return [.. file];
    }
}
