using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpVL.Runtime.Kernels;

/// <summary>
/// The native attention kernel (<c>Native/sharpvl_attention.c</c>, built with the library into
/// <c>libsharpvl_attention.so</c>): <c>softmax(q·kᵀ·scale + mask)·v</c> straight on the tensors' memory, float32 or
/// bfloat16, for CPU tensors [batch, heads, tokens, head_dim] (head_dim up to 1024, even for bfloat16).
/// </summary>
internal static unsafe class NativeAttention
{
    private const string FileName = "libsharpvl_attention.so";
    private const int Float32 = 0;
    private const int BFloat16 = 1;

    private static readonly Lazy<Entry?> Loaded = new(Load);

    [ThreadStatic]
    private static int _calls;

    private sealed class Entry(
        delegate* unmanaged<int> capabilities,
        delegate* unmanaged<int, int, long, long, long, long, long, IntPtr, long*, IntPtr, long*, IntPtr, long*, IntPtr, long*, IntPtr, long*, float, int> attention)
    {
        public int Capabilities { get; } = capabilities();

        public delegate* unmanaged<int, int, long, long, long, long, long, IntPtr, long*, IntPtr, long*, IntPtr, long*, IntPtr, long*, IntPtr, long*, float, int> Attention { get; } = attention;
    }

    /// <summary>Whether the kernel runs <paramref name="dtype"/> on this machine (library present, CPU features).</summary>
    internal static bool Supports(ScalarType dtype) => Loaded.Value is Entry entry && dtype switch
    {
        ScalarType.Float32 => (entry.Capabilities & 1) != 0,
        ScalarType.BFloat16 => (entry.Capabilities & 2) != 0,
        _ => false,
    };

    /// <summary>Attention calls this thread has run on the native kernel (tests check the kernel really ran).</summary>
    internal static int CallsOnThisThread => _calls;

    private static Entry? Load()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return null;
        }
        var assembly = typeof(NativeAttention).Assembly;
        var besideAssembly = Path.Combine(Path.GetDirectoryName(assembly.Location) ?? AppContext.BaseDirectory, FileName);
        // Next to SharpVL.dll (project builds, the tool), else wherever the host's dependency manifest puts the package's
        // runtimes/linux-x64/native asset.
        if (!NativeLibrary.TryLoad(besideAssembly, out var handle) &&
            !NativeLibrary.TryLoad(FileName, assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.ApplicationDirectory, out handle))
        {
            return null;
        }
        if (!NativeLibrary.TryGetExport(handle, "sharpvl_attention_capabilities", out var capabilities) ||
            !NativeLibrary.TryGetExport(handle, "sharpvl_attention", out var attention))
        {
            return null;
        }
        return new Entry(
            (delegate* unmanaged<int>)capabilities,
            (delegate* unmanaged<int, int, long, long, long, long, long, IntPtr, long*, IntPtr, long*, IntPtr, long*, IntPtr, long*, IntPtr, long*, float, int>)attention);
    }

    /// <summary>
    /// The context <c>softmax(q·kᵀ·scale + mask)·v</c> as [B, H, Tq, D] (a view of [B, Tq, H, D] memory, so merging the
    /// heads afterwards is free), or null when these tensors are not for this kernel (then libtorch runs).
    /// </summary>
    internal static Tensor? TryAttend(Tensor query, Tensor key, Tensor value, double scale, Tensor? additiveMask)
    {
        var dtype = query.dtype;
        if (Loaded.Value is not Entry entry || !Supports(dtype) || query.device_type != DeviceType.CPU ||
            key.dtype != dtype || value.dtype != dtype || key.device_type != DeviceType.CPU || value.device_type != DeviceType.CPU ||
            query.dim() != 4 || key.dim() != 4 || value.dim() != 4)
        {
            return null;
        }
        long batch = query.shape[0], heads = query.shape[1], queries = query.shape[2], headDim = query.shape[3];
        var keys = key.shape[2];
        if ((dtype == ScalarType.BFloat16 && headDim % 2 != 0) || headDim > 1024 || batch == 0 || heads == 0 || queries == 0 || keys == 0 ||
            !key.shape.SequenceEqual([batch, heads, keys, headDim]) || !value.shape.SequenceEqual([batch, heads, keys, headDim]))
        {
            return null;
        }
        using var scope = NewDisposeScope();
        var q = FeaturesContiguous(query);
        var k = FeaturesContiguous(key);
        var v = FeaturesContiguous(value);
        Tensor? mask = null;
        if (additiveMask is not null)
        {
            if (additiveMask.device_type != DeviceType.CPU || additiveMask.dim() > 4 || additiveMask.dtype == ScalarType.Bool)
            {
                return null;
            }
            mask = additiveMask.to(ScalarType.Float32).expand(batch, heads, queries, keys);
            if (mask.stride(3) != 1 && keys > 1)
            {
                mask = mask.contiguous();
            }
        }
        // [B, Tq, H, D] memory seen as [B, H, Tq, D]: the callers' transpose(1, 2).reshape(B, Tq, H·D) is then a view.
        var output = empty([batch, queries, heads, headDim], dtype: dtype).permute(0, 2, 1, 3);
        var qStrides = q.stride();
        var kStrides = k.stride();
        var vStrides = v.stride();
        var oStrides = output.stride();
        var mStrides = mask?.stride() ?? [0, 0, 0, 0];
        int status;
        fixed (long* qs = qStrides, ks = kStrides, vs = vStrides, os = oStrides, ms = mStrides)
        {
            status = entry.Attention(
                dtype == ScalarType.Float32 ? Float32 : BFloat16, get_num_threads(), batch, heads, queries, keys, headDim,
                NativeTensorMemory.DataPointer(q), qs, NativeTensorMemory.DataPointer(k), ks, NativeTensorMemory.DataPointer(v), vs,
                NativeTensorMemory.DataPointer(output), os, mask is null ? IntPtr.Zero : NativeTensorMemory.DataPointer(mask), ms,
                (float)scale);
        }
        if (status == 1)
        {
            return null;
        }
        if (status != 0)
        {
            throw new InvalidOperationException($"The native attention kernel could not allocate its scratch memory ({queries}×{keys} tokens, {heads} heads).");
        }
        _calls++;
        return output.MoveToOuterDisposeScope();
    }

    private static Tensor FeaturesContiguous(Tensor tensor) => tensor.stride(3) == 1 || tensor.shape[3] == 1 ? tensor.alias() : tensor.contiguous();
}
