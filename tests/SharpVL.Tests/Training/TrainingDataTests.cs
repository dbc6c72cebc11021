using SharpVL.Processing.Images;
using SharpVL.Training;
using SharpVL.Training.Data;

namespace SharpVL.Tests.Training;

/// <summary>Dataset layouts, their errors, and the seeded augmentation.</summary>
public class TrainingDataTests
{
    [Fact]
    public void ReadsTheFolderLayoutAndCsvAndJsonLinesFiles()
    {
        using var workspace = new TrainingWorkspace();
        var folder = TrainingDataset.Load(workspace.Data);
        Assert.Equal(4, folder.Count);
        Assert.Equal(["cooking", "music"], folder.Labels);

        var csv = Path.Combine(workspace.Root, "pairs.csv");
        File.WriteAllLines(csv, ["path,text", "data/cooking/a.mp4,\"a person cooks, slowly\"", "data/music/a.mp4,someone plays music"]);
        var pairs = TrainingDataset.Load(csv);
        Assert.True(pairs.HasTexts);
        Assert.Equal("a person cooks, slowly", pairs.Examples[0].Text);
        Assert.Equal(Path.Combine(workspace.Data, "cooking", "a.mp4"), pairs.Examples[0].Path);

        var headerless = Path.Combine(workspace.Root, "labels.csv");
        File.WriteAllLines(headerless, ["data/cooking/a.mp4,cooking", "data/music/b.mp4,music"]);
        Assert.Equal(["cooking", "music"], TrainingDataset.Load(headerless).Labels);

        var jsonl = Path.Combine(workspace.Root, "labels.jsonl");
        File.WriteAllLines(jsonl, ["{\"path\": \"data/cooking/a.mp4\", \"label\": \"cooking\"}", "", "{\"path\": \"data/music/a.mp4\", \"label\": 3}"]);
        Assert.Equal(["3", "cooking"], TrainingDataset.Load(jsonl).Labels);
    }

    [Fact]
    public void BadDataIsRefusedWithTheFileAndTheProblem()
    {
        using var workspace = new TrainingWorkspace();
        var missing = Path.Combine(workspace.Root, "missing.csv");
        File.WriteAllLines(missing, ["path,label", "data/cooking/a.mp4,"]);
        var e = Assert.Throws<TrainingDataException>(() => TrainingDataset.Load(missing));
        Assert.Contains("missing.csv:2: the label is missing", e.Message);

        var noColumn = Path.Combine(workspace.Root, "nocolumn.csv");
        File.WriteAllLines(noColumn, ["path,caption", "data/cooking/a.mp4,x"]);
        Assert.Contains("no 'label' or 'text' column", Assert.Throws<TrainingDataException>(() => TrainingDataset.Load(noColumn)).Message);

        var empty = Directory.CreateDirectory(Path.Combine(workspace.Root, "empty")).FullName;
        Assert.Contains("empty", Assert.Throws<TrainingDataException>(() => TrainingDataset.Load(empty)).Message);

        var oneClass = Path.Combine(workspace.Root, "one.csv");
        File.WriteAllLines(oneClass, ["path,label", "data/cooking/a.mp4,cooking", "data/cooking/b.mp4,cooking"]);
        var data = TrainingDataset.Load(oneClass);
        Assert.Contains("only one class ('cooking')", Assert.Throws<TrainingDataException>(() => data.Validate(TrainingTaskKind.Classification)).Message);
        Assert.Contains("a text is missing", Assert.Throws<TrainingDataException>(() => data.Validate(TrainingTaskKind.Contrastive)).Message);
        Assert.Throws<NotSupportedException>(() => TrainingTasks.KindFor("bert", null));
        Assert.Equal(TrainingTaskKind.Classification, TrainingTasks.KindFor("tvlt", null));
        Assert.Throws<NotSupportedException>(() => TrainingTasks.KindFor("tvlt", 0.5));
        Assert.Throws<NotSupportedException>(() => TrainingTasks.KindFor("xclip", 0.9));
    }

    [Fact]
    public void AugmentationIsSeededSharedByAllFramesAndCropsFlipsAsDrawn()
    {
        // A 6x4 frame whose red channel is the column index: crops and flips show in the first row.
        var pixels = new byte[6 * 4 * 3];
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 6; x++)
            {
                pixels[((y * 6) + x) * 3] = (byte)(x * 40);
            }
        }
        var frame = new RgbImage(6, 4, pixels);
        var augmentation = new ClipAugmentation { MinScale = 1, MaxScale = 1 };
        var seen = new HashSet<string>();
        for (var seed = 0; seed < 20; seed++)
        {
            var clip = augmentation.Apply([frame, frame], 4, 4, 4, PilResample.Nearest, new Random(seed));
            var again = augmentation.Apply([frame, frame], 4, 4, 4, PilResample.Nearest, new Random(seed));
            Assert.Equal(clip[0].Pixels, again[0].Pixels);
            Assert.Equal(clip[0].Pixels, clip[1].Pixels);
            Assert.Equal((4, 4), (clip[0].Width, clip[0].Height));
            var row = Enumerable.Range(0, 4).Select(x => clip[0].Pixels[x * 3] / 40).ToArray();
            // A window of 4 consecutive columns out of 6, left to right or flipped.
            var ascending = row.Zip(row.Skip(1)).All(p => p.Second == p.First + 1);
            var descending = row.Zip(row.Skip(1)).All(p => p.Second == p.First - 1);
            Assert.True(ascending || descending, string.Join(",", row));
            seen.Add(string.Join(",", row));
        }
        // Offsets 0..2 and both directions all occur.
        Assert.Equal(6, seen.Count);
    }

    [Fact]
    public void TubeMasksHideTheSameSpatialPatchesInEveryTubelet()
    {
        using var workspace = new TrainingWorkspace();
        var data = TrainingDataset.Load(workspace.Data);
        using var task = (PreTrainingTask)TrainingWorkspace.LoadTask(data, new TrainingTaskOptions { MaskRatio = 0.75 }, TestPaths.Fixture("models/videomae-tiny"));
        // videomae-tiny: 32² images, 8² patches (16 per frame), 4 frames in tubelets of 2: 2 × 16 tokens.
        using var mask = task.TubeMask(3, new Random(5));
        Assert.Equal([3L, 32L], mask.shape);
        var values = mask.data<bool>().ToArray();
        for (var b = 0; b < 3; b++)
        {
            var first = values.Skip(b * 32).Take(16).ToArray();
            Assert.Equal(12, first.Count(m => m));
            Assert.Equal(first, values.Skip((b * 32) + 16).Take(16).ToArray());
        }
        using var again = task.TubeMask(3, new Random(5));
        Assert.Equal(values, again.data<bool>().ToArray());
    }
}
