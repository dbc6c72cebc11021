using SharpVL.Models.AltCLIP;
using SharpVL.Processing.Text;
using SharpVL.Processing.Video;
using SharpVL.Search;
using static TorchSharp.torch;

namespace SharpVL.Tests.Search;

public class AltClipSearchTests
{
    [Fact]
    public void AnAltClipIndexEmbedsMiddleFramesAndScoresQueriesInAnyLanguageByCosine()
    {
        var directory = TestPaths.Fixture("models/altclip-tiny");
        var media = SearchFixture.CopyMedia();
        using var embedder = SegmentEmbedders.Load(directory);
        Assert.Equal(IndexModel.AltClipKeyframe, embedder.Model.Kind);
        using var store = VideoIndexStores.Open(Path.Combine(media, "index.db"));
        var result = new VideoIndexer(embedder, store).Run(SearchFixture.Videos(media));
        Assert.Equal(9, result.SegmentsEmbedded);

        const string query = "一个彩色的测试图案";
        using var searcher = new VideoSearcher(store, embedder);
        var hits = searcher.Search(query, 9);
        Assert.Equal(9, hits.Count);

        // The reference: AltCLIP's get_text_features and get_image_features of each segment's one frame, computed directly.
        var processor = AltCLIPProcessor.FromPretrained(directory);
        using var model = AltCLIPModel.FromPretrained(directory);
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var (ids, mask) = processor.Tokenizer.Encode([query], new TokenizeOptions()).ToTensors();
        var text = model.GetTextFeatures(ids, mask);
        text = text / text.norm(-1, true, 2);
        var bars = hits.Select(h => store.GetSegment(h.SegmentId)!).ToList();
        for (int i = 0; i < hits.Count; i++)
        {
            var segment = bars[i];
            Assert.Single(segment.FrameIndices);
            // The keyframe is the middle of the span: frame round(fps * (start + end) / 2) at 8 fps, give or take the rounding of the window.
            Assert.InRange(segment.FrameIndices[0], (int)(8 * (segment.StartSeconds + segment.EndSeconds) / 2) - 1, (int)(8 * (segment.StartSeconds + segment.EndSeconds) / 2));
            var frame = VideoReader.Default.ReadFrames(segment.Path, segment.FrameIndices);
            var image = model.GetImageFeatures(processor.ImageProcessor.Preprocess(frame).ToTensor());
            image = image / image.norm(-1, true, 2);
            Assert.Equal((image * text).sum().item<float>(), hits[i].Score, 4);
        }
        Assert.Equal(hits.Select(h => h.Score).OrderByDescending(s => s), hits.Select(h => h.Score));

        // An X-CLIP index refuses AltCLIP embeddings and the reverse.
        using var xclip = SegmentEmbedders.Load(SearchFixture.ModelDirectory);
        Assert.Throws<SearchIndexException>(() => new VideoIndexer(xclip, store).Run(SearchFixture.Videos(media)));
    }
}
