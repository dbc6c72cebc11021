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
                var processor = ImageProcessorLoader.FromPretrained(m.Resolve(c.GetString("processor")!), className);
                var call = c.GetString("call") ?? "images";
                if (!inputs.TryGetValue(call, out var array))
                {
                    throw new NotSupportedException($"Processor call '{call}' with inputs [{string.Join(", ", inputs.Keys)}] is not supported here.");
                }
                var pixels = processor.PreprocessArray(array.data<byte>().ToArray(), array.shape, c.Args);
                return new HandlerResult().With([new("pixel_values", pixels.ToTensor())]);
            });
        }
        registry.Register("video_decode", "*", (c, m, _) =>
        {
            var frames = VideoReader.Default.ReadAllFrames(m.Resolve(c.GetString("file")!));
            return new HandlerResult().With([new("frames", StackFrames(frames))]);
        });
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
