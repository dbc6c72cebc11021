// The README's library example, compiled with the solution so it cannot drift from the API.
// Usage: dotnet run --project samples/QuickStart -- <video> <model directory or Hub id>
using SharpVL.Modeling;
using SharpVL.Models.VideoMAE;
using SharpVL.Pipelines;
using SharpVL.Processing.Images;
using SharpVL.Processing.Video;
using TorchSharp;

var video = args.Length > 0 ? args[0] : "tests/fixtures/media/clip.mp4";
var modelId = args.Length > 1 ? args[1] : "tests/fixtures/models/videomae-tiny-kinetics";

// Whole pipeline: decode only the needed frames, preprocess exactly as Transformers, classify.
using (var classifier = Pipeline.Create(PipelineTasks.VideoClassification, modelId))
{
    var result = classifier.Classify(video, new ClassificationOptions { TopK = 3 });
    foreach (var label in result.Labels)
    {
        Console.WriteLine($"{label.Label}: {label.Score:P1}");
    }
}

// The pieces, as in Python: processor + model with every forward argument and output field.
var modelDir = PretrainedFiles.Resolve(modelId);
var processor = VideoMAEImageProcessor.FromPretrained(modelDir);
using var model = VideoMAEForVideoClassification.FromPretrained(modelDir, new ModelLoadOptions { DType = torch.ScalarType.BFloat16 });
var info = VideoReader.Default.Probe(video);
var frames = VideoReader.Default.ReadFrames(video, FrameSampling.Uniform(info.FrameCount, model.Config.NumFrames));
using var pixels = processor.Preprocess([frames]).ToTensor();
using var inference = torch.inference_mode(); // as torch.no_grad() in Python: models track gradients unless told not to
using var output = model.Forward(pixels, outputHiddenStates: true);
Console.WriteLine($"logits {string.Join(", ", output.Logits.data<float>().ToArray().Select(v => v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))}; " +
    $"{output.HiddenStates!.Count} hidden states");
