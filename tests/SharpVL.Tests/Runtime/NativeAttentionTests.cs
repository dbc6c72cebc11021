using System.Runtime.Intrinsics.X86;
using SharpVL.Modeling;
using SharpVL.Parity;
using SharpVL.Runtime.Kernels;
using SharpVL.Tests.Parity;
using static TorchSharp.torch;

namespace SharpVL.Tests.Runtime;

/// <summary>
/// The native attention kernel against a float64 reference and against libtorch: shapes (one token, tails of 16 keys
/// and features, head dims that are not multiples of 16), strided views, broadcast and full masks, fully masked rows,
/// bfloat16; every model and pipeline case of the manifest on both backends; training keeps libtorch's autograd.
/// </summary>
public class NativeAttentionTests
{
    /// <summary>The kernel is built with the library (scripts/setup.sh installs the compiler) and runs on AVX-512 CPUs.</summary>
    [Fact]
    public void KernelIsAvailableWhereTheCpuHasAvx512()
    {
        Assert.Equal(CpuRuns(ScalarType.Float32), AttentionBackends.IsAvailable(AttentionBackend.Native, ScalarType.Float32));
        Assert.Equal(CpuRuns(ScalarType.BFloat16), AttentionBackends.IsAvailable(AttentionBackend.Native, ScalarType.BFloat16));
        if (!CpuRuns(ScalarType.Float32))
        {
            Assert.Throws<NotSupportedException>(() => AttentionBackends.Force(AttentionBackend.Native));
        }
        Assert.True(AttentionBackends.IsAvailable(AttentionBackend.Libtorch, ScalarType.Float16));
        Assert.False(AttentionBackends.IsAvailable(AttentionBackend.Native, ScalarType.Float16));
        Assert.Equal(AttentionBackend.Native, AttentionBackends.Parse(" Native "));
        Assert.Throws<ArgumentException>(() => AttentionBackends.Parse("flash"));
    }

    public static TheoryData<int, int, int, int, int, string> Shapes() => new()
    {
        { 1, 12, 197, 197, 64, "none" },
        { 2, 3, 17, 33, 8, "padding" },
        { 1, 1, 1, 1, 8, "none" },
        { 3, 2, 50, 50, 24, "full" },
        { 1, 2, 5, 300, 72, "padding" },
        { 2, 4, 77, 77, 16, "causal" },
        { 1, 2, 130, 70, 32, "full" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float32MatchesAFloat64Reference(int batch, int heads, int queries, int keys, int headDim, string maskKind)
    {
        if (!NativeRuns(ScalarType.Float32))
        {
            return;
        }
        var (q, k, v, mask) = Inputs(batch, heads, queries, keys, headDim, maskKind, seed: 11);
        using var reference = Reference(q, k, v, mask, 0.3);
        using var context = Native(q, k, v, mask, 0.3);
        Assert.Equal(ScalarType.Float32, context.dtype);
        Assert.Equal([batch, heads, queries, headDim], context.shape);
        // as exact as libtorch's own float32 attention (same products and sums, another summation order)
        using var libtorch = matmul((matmul(q, k.transpose(-1, -2)) * 0.3 + (mask ?? zeros(1))).softmax(-1), v);
        var nativeError = (context.to(ScalarType.Float64) - reference).abs().max().item<double>();
        var libtorchError = (libtorch.to(ScalarType.Float64) - reference).abs().max().item<double>();
        Assert.True(nativeError <= Math.Max(2 * libtorchError, 1e-6),
            $"max |native - float64| = {nativeError:g3}, libtorch's {libtorchError:g3}");
        // the heads merge without a copy: [B, H, Tq, D] is a view of [B, Tq, H, D] memory
        Assert.True(context.transpose(1, 2).is_contiguous());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BFloat16MatchesAFloat64ReferenceOfTheRoundedInputs(int batch, int heads, int queries, int keys, int headDim, string maskKind)
    {
        if (!NativeRuns(ScalarType.BFloat16))
        {
            return;
        }
        var (q, k, v, mask) = Inputs(batch, heads, queries, keys, headDim, maskKind, seed: 5);
        using var q16 = q.to(ScalarType.BFloat16);
        using var k16 = k.to(ScalarType.BFloat16);
        using var v16 = v.to(ScalarType.BFloat16);
        using var reference = Reference(q16, k16, v16, mask, null);
        using var context = Native(q16, k16, v16, mask, null);
        Assert.Equal(ScalarType.BFloat16, context.dtype);
        var error = (context.to(ScalarType.Float64) - reference).abs().max().item<double>();
        // bf16 probabilities (8 bits) and a bf16 result: a few units of 2⁻⁸ of the values' scale (|v| ≲ 4)
        Assert.InRange(error, 0, 0.03);
    }

    [Fact]
    public void FullyMaskedRowsAverageTheValuesAsLibtorchDoes()
    {
        if (!NativeRuns(ScalarType.Float32))
        {
            return;
        }
        manual_seed(3);
        using var q = randn(1, 2, 4, 16);
        using var k = randn(1, 2, 6, 16);
        using var v = randn(1, 2, 6, 16);
        using var mask = zeros(1, 1, 4, 6);
        mask[0, 0, 1].fill_(finfo(ScalarType.Float32).min);   // row 1 sees no key at all
        mask[0, 0, 2, TensorIndex.Slice(3)].fill_(float.NegativeInfinity);
        using var expected = nn.functional.scaled_dot_product_attention(q, k, v, mask);
        using var context = Native(q, k, v, mask, null);
        Assert.True(context.allclose(expected, rtol: 1e-5, atol: 1e-6));
        using var mean = v.mean([2]);
        Assert.True(context[0, TensorIndex.Colon, 1].allclose(mean[0], rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void ShapesTheKernelDoesNotTakeFallBackToLibtorch()
    {
        if (!NativeRuns(ScalarType.BFloat16))
        {
            return;
        }
        manual_seed(4);
        using var q = randn(1, 2, 9, 7).to(ScalarType.BFloat16);  // odd head dim: bf16 pairs do not fit
        using var k = randn(1, 2, 9, 7).to(ScalarType.BFloat16);
        using var v = randn(1, 2, 9, 7).to(ScalarType.BFloat16);
        Assert.Null(NativeAttention.TryAttend(q, k, v, 0.5, null));
        using var broadcastKeys = randn(1, 1, 9, 8);                 // heads broadcast: libtorch's business
        using var q8 = randn(1, 2, 9, 8);
        Assert.Null(NativeAttention.TryAttend(q8, broadcastKeys, broadcastKeys, 0.5, null));
        using var boolMask = ones(1, 1, 9, 9, dtype: ScalarType.Bool);
        using var k8 = randn(1, 2, 9, 8);
        Assert.Null(NativeAttention.TryAttend(q8, k8, k8, 0.5, boolMask));
        var before = NativeAttention.CallsOnThisThread;
        using (AttentionBackends.ForceOnThisThread(AttentionBackend.Native))
        using (inference_mode())
        {
            var (context, _) = AttentionKernels.Attend(q, k, v);
            using (context)
            using (var expected = nn.functional.scaled_dot_product_attention(q, k, v))
            {
                Assert.True(context.equal(expected).all().item<bool>());
            }
        }
        Assert.Equal(before, NativeAttention.CallsOnThisThread);
    }

    [Fact]
    public void WithGradientsLibtorchRunsAndGradientsFlow()
    {
        if (!NativeRuns(ScalarType.Float32))
        {
            return;
        }
        manual_seed(6);
        using var q = randn(1, 2, 5, 16).requires_grad_();
        using var k = randn(1, 2, 5, 16);
        using var v = randn(1, 2, 5, 16);
        var before = NativeAttention.CallsOnThisThread;
        using (AttentionBackends.ForceOnThisThread(AttentionBackend.Native))
        {
            var (context, _) = AttentionKernels.Attend(q, k, v);
            using (context)
            {
                Assert.True(context.requires_grad);
                context.sum().backward();
            }
        }
        Assert.Equal(before, NativeAttention.CallsOnThisThread);
        Assert.NotNull(q.grad);
        Assert.True(q.grad!.abs().sum().item<float>() > 0);
    }

    public static TheoryData<string, string> ModelCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var fixtureCase in FixtureManifest.Load(TestPaths.Fixture("manifest.json")).Cases.Where(c => c.Kind is "model" or "pipeline"))
        {
            foreach (var backend in Enum.GetValues<AttentionBackend>())
            {
                data.Add(fixtureCase.Name, AttentionBackends.Name(backend));
            }
        }
        return data;
    }

    /// <summary>Every model and pipeline case of the manifest passes with attention on either backend.</summary>
    [Theory]
    [MemberData(nameof(ModelCases))]
    public void ManifestCasePassesOnTheBackend(string caseName, string backendName)
    {
        var backend = AttentionBackends.Parse(backendName);
        if (backend == AttentionBackend.Native && !NativeRuns(ScalarType.Float32))
        {
            return;
        }
        var before = NativeAttention.CallsOnThisThread;
        FixtureHarness.AssertInferenceCasePasses(caseName, () => AttentionBackends.ForceOnThisThread(backend), $"with {backendName} attention");
        var nativeCalls = NativeAttention.CallsOnThisThread - before;
        if (backend == AttentionBackend.Libtorch)
        {
            Assert.Equal(0, nativeCalls);
        }
        else if (!RequestsProbabilitiesOrHeadMask(FixtureHarness.Inference.Manifest.Cases.Single(c => c.Name == caseName)))
        {
            // attention probabilities and head masks need libtorch's explicit products; everything else runs natively
            Assert.True(nativeCalls > 0, $"{caseName}: no attention ran on the native kernel");
        }
    }

    private static bool RequestsProbabilitiesOrHeadMask(FixtureCase fixtureCase)
    {
        var raw = fixtureCase.Raw;
        var attentions = raw.TryGetProperty("args", out var args) && args.TryGetProperty("output_attentions", out var flag) &&
            flag.ValueKind == System.Text.Json.JsonValueKind.True;
        var headMask = raw.TryGetProperty("input_keys", out var keys) && keys.TryGetProperty("head_mask", out _);
        return attentions || headMask;
    }

    /// <summary>Whether the CPU has the instructions the kernel needs for <paramref name="dtype"/> (then it must be available).</summary>
    private static bool CpuRuns(ScalarType dtype) =>
        Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported &&
        (dtype != ScalarType.BFloat16 || (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0);

    private static bool NativeRuns(ScalarType dtype)
    {
        Assert.Equal(CpuRuns(dtype), AttentionBackends.IsAvailable(AttentionBackend.Native, dtype));
        return CpuRuns(dtype);
    }

    private static (Tensor Q, Tensor K, Tensor V, Tensor? Mask) Inputs(int batch, int heads, int queries, int keys, int headDim, string maskKind, int seed)
    {
        var generator = new Generator((ulong)seed);
        // q, k, v as the models make them: [B, T, H, D] projections seen as [B, H, T, D]
        var q = randn([batch, queries, heads, headDim], generator: generator).transpose(1, 2);
        var k = (randn([batch, keys, heads, headDim], generator: generator) * 2).transpose(1, 2);
        var v = randn([batch, keys, heads, headDim], generator: generator).transpose(1, 2);
        Tensor? mask = maskKind switch
        {
            "padding" => zeros(batch, 1, 1, keys).index_fill_(3, arange(keys / 2, keys), finfo(ScalarType.Float32).min),
            "causal" => triu(full(queries, keys, float.NegativeInfinity), 1).view(1, 1, queries, keys),
            "full" => randn([batch, heads, queries, keys], generator: generator),
            _ => null,
        };
        return (q, k, v, mask);
    }

    private static Tensor Reference(Tensor q, Tensor k, Tensor v, Tensor? mask, double? scale)
    {
        using var scope = NewDisposeScope();
        var q64 = q.to(ScalarType.Float64);
        var scores = matmul(q64, k.to(ScalarType.Float64).transpose(-1, -2)) * (scale ?? 1.0 / Math.Sqrt(q.shape[^1]));
        if (mask is not null)
        {
            scores = scores + mask.to(ScalarType.Float64);
        }
        return matmul(scores.softmax(-1), v.to(ScalarType.Float64)).MoveToOuterDisposeScope();
    }

    private static Tensor Native(Tensor q, Tensor k, Tensor v, Tensor? mask, double? scale)
    {
        var before = NativeAttention.CallsOnThisThread;
        using var backend = AttentionBackends.ForceOnThisThread(AttentionBackend.Native);
        using var inference = inference_mode();
        var (context, _) = AttentionKernels.Attend(q, k, v, scale, mask);
        Assert.Equal(before + 1, NativeAttention.CallsOnThisThread);
        return context;
    }
}
