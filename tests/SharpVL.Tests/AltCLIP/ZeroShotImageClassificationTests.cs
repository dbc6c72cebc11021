using SharpVL.Modeling;
using SharpVL.Models.AltCLIP;
using SharpVL.Pipelines;
using SharpVL.Processing.Images;
using static TorchSharp.torch;

namespace SharpVL.Tests.AltCLIP;

/// <summary>
/// Pipeline tests on real files: there is no fixture image file, so the uint8 images of the
/// <c>clip_image_processor_downscale</c> case are written as PNGs first.
/// </summary>
public sealed class ZeroShotImageClassificationTests : IDisposable
{
    private static readonly string[] Labels = ["一张猫的照片", "一张狗的照片", "a photo of a car", "Ein Hund spielt im Garten."];

    private readonly string _directory = TestScratch.CreateDirectory("sharpvl-altclip-").FullName;

    public ZeroShotImageClassificationTests()
    {
        Directory.CreateDirectory(_directory);
        var images = FixtureTensors.Read("processors/clip_image_processor_downscale.inputs.safetensors")["images"];
        var (count, height, width) = ((int)images.shape[0], (int)images.shape[1], (int)images.shape[2]);
        var bytes = images.data<byte>().ToArray();
        ImagePaths = [.. Enumerable.Range(0, count).Select(i =>
        {
            var path = Path.Combine(_directory, $"image{i}.png");
            ImageFile.SavePng(new RgbImage(width, height, bytes.AsSpan(i * height * width * 3, height * width * 3).ToArray()), path);
            return path;
        })];
    }

    private string[] ImagePaths { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The reference computation: processor on the files, one AltCLIPModel.forward, softmax over logits_per_image.</summary>
    private static float[] DirectProbabilities(AltCLIPModel model, AltCLIPProcessor processor, IReadOnlyList<string> paths, IReadOnlyList<string> labels)
    {
        using var encoded = processor.Process(labels, [.. paths.Select(ImageFile.LoadRgb)]);
        using (var output = model.Forward(encoded.InputIds!, encoded.PixelValues!, encoded.AttentionMask))
        using (var probabilities = output.LogitsPerImage.softmax(-1).contiguous())
        {
            return probabilities.data<float>().ToArray();
        }
    }

    [Fact]
    public void PngFilesProcessToTheFixturePixelValues()
    {
        var processor = AltCLIPProcessor.FromPretrained(AltCLIPFixtures.ModelDir);
        using var processed = processor.Process(images: [.. ImagePaths.Select(ImageFile.LoadRgb)]);
        Assert.Equal(["pixel_values"], processed.Keys);
        var got = processed.PixelValues!;
        var expected = FixtureTensors.Read("processors/clip_image_processor_downscale.expected.safetensors")["pixel_values"];
        AltCLIPFixtures.AssertClose(expected, got, atol: 1e-5, rtol: 0);
    }

    [Fact]
    public void ProbabilitiesMatchTheDirectModelComputation()
    {
        using var pipeline = ZeroShotImageClassificationPipeline.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);
        var results = pipeline.ClassifyFiles(ImagePaths, new ClassificationOptions { CandidateLabels = Labels });
        var direct = DirectProbabilities(pipeline.Model, pipeline.Processor, ImagePaths, Labels);

        Assert.Equal(ImagePaths.Length, results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            Assert.Equal(ImagePaths[i], results[i].Source);
            Assert.Equal(Labels.Length, results[i].Labels.Count);
            Assert.Equal(1.0, results[i].Labels.Sum(l => (double)l.Score), 5);
            Assert.True(results[i].Labels.Zip(results[i].Labels.Skip(1)).All(p => p.First.Score >= p.Second.Score), "sorted by score");
            foreach (var label in results[i].Labels)
            {
                Assert.Equal(Labels[label.Index], label.Label);
                Assert.Equal(direct[(i * Labels.Length) + label.Index], label.Score, 1e-5f);
            }
        }
        // Not a degenerate model: the labels do not all get the same probability.
        Assert.True(results[0].Labels[0].Score - results[0].Labels[^1].Score > 1e-3);
    }

    [Fact]
    public void BatchSizeDoesNotChangeTheResult()
    {
        using var pipeline = ZeroShotImageClassificationPipeline.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);
        var images = ImagePaths.Select(ImageFile.LoadRgb).ToList();
        var together = pipeline.Probabilities(images, new ClassificationOptions { CandidateLabels = Labels });
        pipeline.BatchSize = 1;
        var oneByOne = pipeline.Probabilities(images, new ClassificationOptions { CandidateLabels = Labels });
        for (var i = 0; i < together.Length; i++)
        {
            for (var j = 0; j < Labels.Length; j++)
            {
                Assert.Equal(together[i][j], oneByOne[i][j], 1e-5f);
            }
        }
    }

    [Fact]
    public void HypothesisTemplateIsAppliedToEveryLabel()
    {
        using var pipeline = ZeroShotImageClassificationPipeline.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);
        var images = ImagePaths.Select(ImageFile.LoadRgb).ToList();
        var templated = pipeline.Probabilities(images, new ClassificationOptions { CandidateLabels = ["a cat", "a dog"], HypothesisTemplate = "This is {}" });
        var direct = DirectProbabilities(pipeline.Model, pipeline.Processor, ImagePaths, ["This is a cat", "This is a dog"]);
        Assert.Equal(direct[0], templated[0][0], 1e-5f);
        Assert.Equal(direct[3], templated[1][1], 1e-5f);
        var noPlaceholder = new ClassificationOptions { CandidateLabels = ["a cat"], HypothesisTemplate = "no placeholder" };
        Assert.Throws<ArgumentException>(() => pipeline.Probabilities(images, noPlaceholder));
    }

    [Fact]
    public void SimilarityMatrixIsCosineAndScaledLogits()
    {
        using var pipeline = ZeroShotImageClassificationPipeline.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);
        pipeline.BatchSize = 1;
        var result = pipeline.SimilarityFiles(ImagePaths, Labels);
        Assert.Equal(ImagePaths, result.ImageSources);
        Assert.Equal(ImagePaths.Length, result.Cosine.Length);
        Assert.All(result.Cosine, row => Assert.Equal(Labels.Length, row.Length));

        using var encoded = pipeline.Processor.Process(Labels, [.. ImagePaths.Select(ImageFile.LoadRgb)]);
        using var output = pipeline.Model.Forward(encoded.InputIds!, encoded.PixelValues!, encoded.AttentionMask);
        using var cosine = matmul(output.ImageEmbeds, output.TextEmbeds.t()).contiguous();
        using var logits = output.LogitsPerImage.contiguous();
        var expectedCosine = cosine.data<float>().ToArray();
        var expectedLogits = logits.data<float>().ToArray();
        for (var i = 0; i < ImagePaths.Length; i++)
        {
            for (var t = 0; t < Labels.Length; t++)
            {
                Assert.Equal(expectedCosine[(i * Labels.Length) + t], result.Cosine[i][t], 1e-5f);
                Assert.Equal(expectedLogits[(i * Labels.Length) + t], result.Logits[i][t], 1e-4f);
            }
        }
        Assert.Equal(
            Enumerable.Range(0, Labels.Length).Select(t => expectedCosine[t] >= expectedCosine[Labels.Length + t] ? 0 : 1),
            result.BestImagePerText());
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        using var pipeline = ZeroShotImageClassificationPipeline.FromPretrained(AltCLIPFixtures.ModelDir, ModelLoadOptions.Quiet);
        static ClassificationOptions With(params string[] labels) => new() { CandidateLabels = labels };
        Assert.Contains("candidate label", Assert.Throws<ArgumentException>(() => pipeline.ClassifyFiles(ImagePaths, With())).Message, StringComparison.Ordinal);
        Assert.Contains("candidate label", Assert.Throws<ArgumentException>(() => pipeline.ClassifyFiles(ImagePaths)).Message, StringComparison.Ordinal);
        Assert.Contains("position 1", Assert.Throws<ArgumentException>(() => pipeline.ClassifyFiles(ImagePaths, With("cat", " "))).Message, StringComparison.Ordinal);
        Assert.Contains("Frames", Assert.Throws<ArgumentException>(() => pipeline.ClassifyFiles(ImagePaths, With("cat") with { Frames = FrameSelection.Uniform })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => pipeline.ClassifyFiles(ImagePaths, With("cat") with { TopK = 0 }));
        Assert.Empty(pipeline.ClassifyFiles([], With("cat")));
        var missing = Path.Combine(_directory, "missing.png");
        Assert.Contains("missing.png", Assert.Throws<FileNotFoundException>(() => pipeline.ClassifyFiles([missing], With("cat"))).Message, StringComparison.Ordinal);
        var notImage = Path.Combine(_directory, "not-an-image.png");
        File.WriteAllText(notImage, "hello");
        Assert.Throws<InvalidDataException>(() => pipeline.ClassifyFiles([notImage], With("cat")));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.BatchSize = 0);
    }
}
