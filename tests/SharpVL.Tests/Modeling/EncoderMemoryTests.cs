using System.Runtime.InteropServices;
using SharpVL.Modeling;
using SharpVL.Modeling.Clip;
using SharpVL.Modeling.Roberta;
using SharpVL.Modeling.ViT;
using SharpVL.Models.XCLIP;
using static TorchSharp.torch;

namespace SharpVL.Tests.Modeling;

/// <summary>Native heap measurements need the process to themselves: this collection runs after the parallel ones, alone.</summary>
[CollectionDefinition(nameof(NativeMemoryCollection), DisableParallelization = true)]
public sealed class NativeMemoryCollection;

/// <summary>
/// Every tower's encoder frees each layer's output once the next layer has read it (unless hidden states are requested):
/// the native bytes in use after each layer stay below a bound set by a few layers' activations, whatever the depth.
/// </summary>
[Collection(nameof(NativeMemoryCollection))]
public class EncoderMemoryTests
{
    private const int Layers = 12;
    private const int Width = 128;
    private const int Tokens = 256;
    private const int Batch = 32;

    /// <summary>
    /// One layer's output: [Batch, Tokens, Width] float32 (4 MiB), larger than a layer's weights and than the few MiB
    /// libtorch keeps in its own caches.
    /// </summary>
    private const long LayerBytes = (long)Batch * Tokens * Width * sizeof(float);

    public static TheoryData<string> Towers() => ["vit", "clip", "roberta", "xclip-vision"];

    [Theory]
    [MemberData(nameof(Towers))]
    public void LiveBytesStayFlatAlongTheDepth(string tower)
    {
        using var _ = inference_mode();
        using var encoder = CreateTower(tower);
        using var input = randn(Batch, Tokens, Width);
        var growth = GrowthPerLayer(encoder, input, outputHiddenStates: false);
        Assert.Equal(Layers, growth.Count);
        // The output of the last layer, the one being read and the native allocator's slack: three layers at most, at
        // any depth (keeping every output would reach twelve).
        Assert.All(growth, bytes => Assert.True(bytes < 3 * LayerBytes, $"{tower}: {bytes} bytes live above the weights after a layer"));
    }

    [Theory]
    [MemberData(nameof(Towers))]
    public void RequestedHiddenStatesAreKeptAndMeasured(string tower)
    {
        using var _ = inference_mode();
        using var encoder = CreateTower(tower);
        using var input = randn(Batch, Tokens, Width);
        var growth = GrowthPerLayer(encoder, input, outputHiddenStates: true);
        // The measurement sees what the loop keeps: every layer's output when hidden states are requested (less the few
        // MiB libtorch's caches may give back meanwhile), far above the flat bound.
        Assert.True(growth[^1] >= (Layers - 4) * LayerBytes, $"{tower}: only {growth[^1]} bytes seen for {Layers} kept layers");
    }

    private static List<long> GrowthPerLayer(nn.Module encoder, Tensor input, bool outputHiddenStates)
    {
        // Steady state: a first forward makes what layers keep for good (oneDNN copies of the weights, kernel caches).
        using (NewDisposeScope())
        {
            _ = Run(encoder, input, outputHiddenStates: false);
        }
        var growth = new List<long>();
        // Tensors other tests left to the finalizer would otherwise be freed during the measurement (negative growth).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = NativeBytesInUse();
        EncoderLoop.LayerFinished = _ => growth.Add(NativeBytesInUse() - baseline);
        try
        {
            using var scope = NewDisposeScope();
            _ = Run(encoder, input, outputHiddenStates);
        }
        finally
        {
            EncoderLoop.LayerFinished = null;
        }
        return growth;
    }

    private static nn.Module CreateTower(string tower) => tower switch
    {
        "vit" => new ViTEncoder(new ViTLayerSettings(Width, 4, 4 * Width, "gelu", 1e-12, QkvBiasStyle.LinearBias), Layers),
        "clip" => new CLIPEncoder(new CLIPLayerSettings(Width, 4, 4 * Width, "quick_gelu", 1e-5), Layers),
        "roberta" => new RobertaEncoder(new RobertaSettings(10, Width, Layers, 4, 4 * Width, "gelu", 16, 1, 1e-5, 1)),
        "xclip-vision" => new XCLIPVisionEncoder(new XCLIPVisionConfig
        {
            HiddenSize = Width, IntermediateSize = 4 * Width, NumAttentionHeads = 4, NumHiddenLayers = Layers, NumFrames = 2,
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(tower)),
    };

    private static BaseModelOutput Run(nn.Module encoder, Tensor input, bool outputHiddenStates) => encoder switch
    {
        ViTEncoder vit => vit.Forward(input, outputHiddenStates: outputHiddenStates),
        CLIPEncoder clip => clip.Forward(input, outputHiddenStates: outputHiddenStates),
        RobertaEncoder roberta => roberta.Forward(input, outputHiddenStates: outputHiddenStates),
        XCLIPVisionEncoder xclip => xclip.Forward(input, outputAttentions: false, outputHiddenStates),
        _ => throw new ArgumentOutOfRangeException(nameof(encoder)),
    };

    /// <summary>Bytes glibc's allocator has handed out and not taken back (heap blocks plus mmapped chunks), all arenas.</summary>
    private static long NativeBytesInUse()
    {
        var info = MallInfo2();
        return (long)(info.Uordblks + info.Hblkhd);
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallocInfo MallInfo2();

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallocInfo
    {
        public readonly nuint Arena;
        public readonly nuint Ordblks;
        public readonly nuint Smblks;
        public readonly nuint Hblks;
        public readonly nuint Hblkhd;
        public readonly nuint Usmblks;
        public readonly nuint Fsmblks;
        public readonly nuint Uordblks;
        public readonly nuint Fordblks;
        public readonly nuint Keepcost;
    }
}
