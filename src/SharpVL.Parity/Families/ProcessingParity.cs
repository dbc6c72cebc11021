using SharpVL.Processing.Images;
using SharpVL.Processing.Video;
using static TorchSharp.torch;

namespace SharpVL.Parity.Families;

/// <summary>Runs the image/video processor cases and the video decoding cases.</summary>
public static class ProcessingParity
{
    /// <summary>Adds the handlers to <paramref name="registry"/>.</summary>
    public static void Register(ParityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var className in new[] { nameof(VideoMAEImageProcessor), nameof(CLIPImageProcessor) })
        {
            registry.Register("processor", className, (c, m, inputs) =>
            {
                var directory = m.Resolve(c.GetString("processor")!);
                var call = c.GetString("call") ?? "images";
                var pixels = inputs.TryGetValue(call, out var array)
                    ? FixtureProcessorCalls.PreprocessArray(ImageProcessorLoader.FromPretrained(directory, className), array.data<byte>().ToArray(), array.shape, c.Args)
                    : PreprocessRagged(directory, className, call, RaggedInputs(inputs, call), c.Args);
                return new HandlerResult().With([new("pixel_values", pixels.ToTensor())]);
            });
        }
        registry.Register("video_decode", ParityRegistry.MediaTypes.Container, (c, m, _) =>
        {
            var frames = VideoReader.Default.ReadAllFrames(m.Resolve(c.GetString("file")!));
            return new HandlerResult().With([new("frames", StackFrames(frames))]);
        });
    }

    /// <summary>The manifest's list form of an input: <c>videos.0</c>, <c>videos.1</c>, ... (inputs of different sizes).</summary>
    private static List<Tensor> RaggedInputs(IReadOnlyDictionary<string, Tensor> inputs, string call)
    {
        var list = new List<Tensor>();
        for (var i = 0; inputs.TryGetValue($"{call}.{i}", out var item); i++)
        {
            list.Add(item);
        }
        if (list.Count == 0)
        {
            throw new NotSupportedException($"Processor call '{call}' with inputs [{string.Join(", ", inputs.Keys)}] is not supported here.");
        }
        return list;
    }

    private static PixelValues PreprocessRagged(
        string directory, string className, string call, List<Tensor> items, IReadOnlyDictionary<string, System.Text.Json.JsonElement> args)
    {
        // Each item is one video [frames, H, W, C] or one image [H, W, C] / [H, W]: split it as a batch of one.
        List<long> AsBatch(Tensor t) => [1, .. t.shape];
        PixelValues Videos(VideoMAEImageProcessor p) => p.Preprocess(
            items.Select(t => ImageArrays.ToVideos(t.data<byte>().ToArray(), AsBatch(t))[0]).ToList(), p.Options.WithCallArguments(args));
        PixelValues Images(CLIPImageProcessor p) => p.Preprocess(
            items.Select(t => ImageArrays.ToImages(t.data<byte>().ToArray(), AsBatch(t))[0]).ToList(), p.Options.WithCallArguments(args));
        return (call, className) switch
        {
            ("videos", nameof(VideoMAEImageProcessor)) => Videos(VideoMAEImageProcessor.FromPretrained(directory)),
            ("images", nameof(CLIPImageProcessor)) => Images(CLIPImageProcessor.FromPretrained(directory)),
            _ => throw new NotSupportedException($"{className} with a '{call}' list input is not supported here."),
        };
    }

    /// <summary>Stacks decoded frames into a uint8 [T, H, W, 3] tensor.</summary>
    public static Tensor StackFrames(IReadOnlyList<RgbImage> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            return zeros(new long[] { 0, 0, 0, 3 }, ScalarType.Byte);
        }
        var (height, width, channels) = (frames[0].Height, frames[0].Width, frames[0].Channels);
        var bytes = new byte[(long)frames.Count * height * width * channels];
        var frameBytes = height * width * channels;
        for (var i = 0; i < frames.Count; i++)
        {
            Buffer.BlockCopy(frames[i].Pixels, 0, bytes, i * frameBytes, frameBytes);
        }
        return tensor(bytes, new long[] { frames.Count, height, width, channels });
    }
}
