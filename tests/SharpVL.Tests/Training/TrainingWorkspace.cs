using SharpVL.Modeling;
using SharpVL.Training;
using SharpVL.Training.Data;

namespace SharpVL.Tests.Training;

/// <summary>
/// A small labelled video folder built from the fixture media (UCF101 layout: one subfolder per label), deleted on
/// dispose, and helpers to load the tiny VideoMAE classifier for it.
/// </summary>
internal sealed class TrainingWorkspace : IDisposable
{
    public TrainingWorkspace()
    {
        Root = TestScratch.CreateDirectory("sharpvl-train-").FullName;
        Data = Path.Combine(Root, "data");
        // Two classes, two clips each; the clips differ in content and length (48 and 88 frames).
        foreach (var (label, source) in new[] { ("cooking", "clip.mp4"), ("music", "clip_with_audio.mp4") })
        {
            Directory.CreateDirectory(Path.Combine(Data, label));
            File.Copy(TestPaths.Fixture($"media/{source}"), Path.Combine(Data, label, "a.mp4"));
            File.Copy(TestPaths.Fixture($"media/{source}"), Path.Combine(Data, label, "b.mp4"));
        }
    }

    public string Root { get; }

    public string Data { get; }

    public static string VideoMAE => TestPaths.Fixture("models/videomae-tiny-kinetics");

    /// <summary>The quiet load options (<see cref="ModelLoadOptions.Quiet"/>), under the name training tests use.</summary>
    public static ModelLoadOptions Quiet => ModelLoadOptions.Quiet;

    public string Output(string name) => Path.Combine(Root, name);

    /// <summary>Two labels of two clips each, all with a soundtrack (for TVLT).</summary>
    public string AudioVisualData()
    {
        var folder = Path.Combine(Root, "av");
        foreach (var label in new[] { "cooking", "music" })
        {
            Directory.CreateDirectory(Path.Combine(folder, label));
            File.Copy(TestPaths.Fixture("media/clip_with_audio.mp4"), Path.Combine(folder, label, "a.mp4"));
            File.Copy(TestPaths.Fixture("media/clip_with_audio.mp4"), Path.Combine(folder, label, "b.mp4"));
        }
        return folder;
    }

    public static TrainingTask LoadTask(TrainingDataset data, TrainingTaskOptions? options = null, string? model = null)
        => TrainingTasks.Load(model ?? VideoMAE, data, (options ?? new TrainingTaskOptions()) with { Load = Quiet, Seed = 7 });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
