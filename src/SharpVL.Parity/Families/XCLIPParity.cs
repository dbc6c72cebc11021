using SharpVL.Checkpoints;
using SharpVL.Modeling;
using SharpVL.Models.XCLIP;
using SharpVL.Processing.Images;
using SharpVL.Processing.Text;
using SharpVL.Processing.Video;
using static TorchSharp.torch;

namespace SharpVL.Parity.Families;

/// <summary>Runs the X-CLIP model cases and the <c>xclip_from_mp4</c> pipeline.</summary>
public static class XCLIPParity
{

    /// <summary>Adds the X-CLIP handlers to <paramref name="registry"/>.</summary>
    public static void Register(ParityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register("model", nameof(XCLIPModel), RunXCLIPModel);
        registry.Register("model", nameof(XCLIPTextModel), (c, m, inputs) =>
        {
            using var model = XCLIPTextModel.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
            return new HandlerResult().With(model.Forward(
                inputs["input_ids"], VideoMAEParity.Optional(inputs, "attention_mask"), VideoMAEParity.Optional(inputs, "position_ids"),
                c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states")).Flatten());
        });
        registry.Register("model", nameof(XCLIPVisionModel), (c, m, inputs) =>
        {
            using var model = XCLIPVisionModel.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
            return new HandlerResult().With(model.Forward(
                inputs["pixel_values"], c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states"),
                c.BoolArg("interpolate_pos_encoding") ?? false).Flatten());
        });
        registry.Register("pipeline", "xclip_from_mp4", RunFromMp4);
    }

    private static HandlerResult RunXCLIPModel(FixtureCase c, FixtureManifest m, IReadOnlyDictionary<string, Tensor> inputs)
    {
        using var model = XCLIPModel.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
        var attentionMask = VideoMAEParity.Optional(inputs, "attention_mask");
        var positionIds = VideoMAEParity.Optional(inputs, "position_ids");
        var result = new HandlerResult();
        switch (c.GetString("method") ?? "forward")
        {
            case "forward":
                result.With(model.Forward(
                    inputs["input_ids"], inputs["pixel_values"], attentionMask, positionIds, c.BoolArg("return_loss"),
                    c.BoolArg("output_attentions"), c.BoolArg("output_hidden_states"), c.BoolArg("interpolate_pos_encoding") ?? false).Flatten());
                break;
            case "get_text_features":
                result.Outputs["output"] = model.GetTextFeatures(inputs["input_ids"], attentionMask, positionIds);
                break;
            case "get_video_features":
                result.Outputs["output"] = model.GetVideoFeatures(inputs["pixel_values"], c.BoolArg("interpolate_pos_encoding") ?? false);
                break;
            case var other:
                throw new NotSupportedException($"XCLIPModel.{other} is not a method SharpVL implements.");
        }
        return result;
    }

    private static HandlerResult RunFromMp4(FixtureCase c, FixtureManifest m, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var indices = c.Get("frame_indices")!.Value.EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var texts = c.Get("texts")!.Value.EnumerateArray().Select(e => e.GetString()!).ToArray();
        var frames = DecodeFrames(c, m, indices);
        var processor = XCLIPProcessor.FromPretrained(m.Resolve(c.GetString("processor")!));
        var tensors = processor.Process(texts, [frames], new TokenizeOptions { Padding = PaddingStrategy.Longest });
        using var model = XCLIPModel.FromPretrained(m.Resolve(c.GetString("model")!), ModelLoadOptions.Quiet);
        using var output = model.Forward(tensors.InputIds!, tensors.PixelValues!, tensors.AttentionMask);
        var result = new HandlerResult();
        result.Outputs["input_ids"] = tensors.InputIds!;
        result.Outputs["attention_mask"] = tensors.AttentionMask!;
        result.Outputs["pixel_values"] = tensors.PixelValues!;
        result.Outputs["logits_per_video"] = output.LogitsPerVideo.alias();
        result.Outputs["logits_per_text"] = output.LogitsPerText.alias();
        return result;
    }

    /// <summary>Decodes the case's frames with ffmpeg, or takes them from its <c>frames_file</c> when ffmpeg is missing.</summary>
    private static IReadOnlyList<RgbImage> DecodeFrames(FixtureCase c, FixtureManifest m, int[] indices)
    {
        try
        {
            return VideoReader.Default.ReadFrames(m.Resolve(c.GetString("file")!), indices);
        }
        catch (FfmpegNotFoundException) when (c.GetString("frames_file") is not null)
        {
            using var file = SafeTensorsFile.Open(m.Resolve(c.GetString("frames_file")!));
            using var all = file.ReadTensor("frames");
            using var picked = all.index_select(0, tensor(indices.Select(i => (long)i).ToArray())).contiguous();
            return ImageArrays.ToImages(picked.data<byte>().ToArray(), picked.shape);
        }
    }
}
