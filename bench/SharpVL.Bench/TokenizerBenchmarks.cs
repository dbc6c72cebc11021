using BenchmarkDotNet.Attributes;
using SharpVL.Processing.Text;

namespace SharpVL.Bench;

/// <summary>
/// Tokenizes 10,000 synthetic captions (5-20 words, fixed seed) with the X-CLIP fixture's CLIP tokenizer, padded
/// and truncated to 77 like XCLIPProcessor; plus one 100k-character word to show the BPE merge is not quadratic.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class TokenizerBenchmarks
{
    private static readonly string[] Words =
    [
        "a", "the", "man", "woman", "child", "dog", "cat", "is", "are", "playing", "running", "guitar", "on", "in",
        "beach", "street", "kitchen", "cooking", "spaghetti", "with", "friends", "at", "sunset", "riding", "bike",
        "dancing", "ballet", "walking", "red", "small", "old", "wooden", "stage", "crowd", "of", "people", "Hello,",
        "world!", "3.14", "e-mail", "(video)", "#tag", "😀", "café", "naïve", "Straße", "猫", "twenty-two",
    ];

    private CLIPTokenizer _clip = null!;
    private XLMRobertaTokenizer _xlmr = null!;
    private string[] _captions = [];
    private string _longWord = "";
    private readonly TokenizeOptions _options = new() { Padding = PaddingStrategy.Longest, Truncation = true };

    [GlobalSetup]
    public void Setup()
    {
        var models = Path.Combine(FindFixtures(), "models");
        _clip = CLIPTokenizer.FromPretrained(Path.Combine(models, "xclip-tiny"));
        _xlmr = XLMRobertaTokenizer.FromPretrained(Path.Combine(models, "altclip-tiny"));
        var random = new Random(42);
        _captions = [.. Enumerable.Range(0, 10_000).Select(_ =>
            string.Join(' ', Enumerable.Range(0, random.Next(5, 21)).Select(_ => Words[random.Next(Words.Length)])))];
        _longWord = string.Concat(Enumerable.Repeat("abcdefghij", 10_000));
    }

    [Benchmark(Description = "CLIP: 10,000 captions (padding=longest, truncation=77)")]
    public BatchEncoding Clip10kCaptions() => _clip.Encode(_captions, _options);

    [Benchmark(Description = "XLM-R: 10,000 captions (padding=longest, truncation=62)")]
    public BatchEncoding XlmRoberta10kCaptions() => _xlmr.Encode(_captions, _options);

    [Benchmark(Description = "CLIP: one 100k-character word")]
    public BatchEncoding ClipLongWord() => _clip.Encode([_longWord], TokenizeOptions.Default);

    private static string FindFixtures()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures");
            if (File.Exists(Path.Combine(candidate, "manifest.json")))
            {
                return candidate;
            }
        }

        // BenchmarkDotNet runs from a generated folder under bin/; fall back to the working directory's tree.
        var fromCwd = Path.Combine(Directory.GetCurrentDirectory(), "tests", "fixtures");
        return File.Exists(Path.Combine(fromCwd, "manifest.json"))
            ? fromCwd
            : throw new DirectoryNotFoundException("tests/fixtures/manifest.json not found above the benchmark binaries.");
    }
}
