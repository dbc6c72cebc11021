using SharpVL.Models.XCLIP;
using SharpVL.Processing.Video;
using SharpVL.Search;
using static TorchSharp.torch;

namespace SharpVL.Tests.Search;

/// <summary>The tiny X-CLIP model and a scratch copy of the search media, shared by one test class.</summary>
public sealed class SearchFixture : IDisposable
{
    public SearchFixture()
    {
        Embedder = SegmentEmbedders.Load(ModelDirectory);
    }

    public static string ModelDirectory => TestPaths.Fixture("models/xclip-tiny");

    public ISegmentEmbedder Embedder { get; }

    /// <summary>A fresh copy of tests/fixtures/search (5 videos, 9 segments at the default 4 s / 2 s) in a temp folder.</summary>
    public static string CopyMedia()
    {
        var target = TestScratch.CreateDirectory("sharpvl-search-").FullName;
        var source = TestPaths.Fixture("search");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }

    /// <summary>The video files under <paramref name="folder"/>, full paths, sorted (as the CLI's folder expansion finds them).</summary>
    public static IReadOnlyList<string> Videos(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(VideoFiles.IsVideo).Select(Path.GetFullPath).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The reference: cosine similarity of X-CLIP's own <c>get_text_features</c> and <c>get_video_features</c> of the
    /// given frames, computed with the model directly (not through the search code).
    /// </summary>
    public static double[] DirectCosines(string query, IReadOnlyList<(string Path, IReadOnlyList<int> Frames)> segments)
    {
        var directory = ModelDirectory;
        var processor = XCLIPProcessor.FromPretrained(directory);
        using var model = XCLIPModel.FromPretrained(directory);
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var encoding = processor.Tokenizer.Encode((IReadOnlyList<string>)[query], new SharpVL.Processing.Text.TokenizeOptions());
        var (ids, mask) = encoding.ToTensors();
        var text = model.GetTextFeatures(ids, mask);
        text = text / text.norm(-1, true, 2);
        var result = new double[segments.Count];
        for (int i = 0; i < segments.Count; i++)
        {
            var frames = VideoReader.Default.ReadFrames(segments[i].Path, segments[i].Frames);
            var video = model.GetVideoFeatures(processor.ImageProcessor.Preprocess([frames]).ToTensor());
            video = video / video.norm(-1, true, 2);
            result[i] = (video * text).sum().item<float>();
        }
        return result;
    }

    public void Dispose() => Embedder.Dispose();
}
