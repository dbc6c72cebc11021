using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SharpVL.Runtime.Kernels;

/// <summary>The address of a CPU tensor's first element (TorchSharp 0.107 exposes no public data pointer).</summary>
internal static partial class NativeTensorMemory
{
    // LibTorchSharp is loaded by TorchSharp before any tensor exists; the loader finds it by its soname.
    [LibraryImport("LibTorchSharp")]
    private static partial IntPtr THSTensor_data(IntPtr tensor);

    /// <summary>Address of element 0 (storage offset included) of a CPU tensor.</summary>
    internal static IntPtr DataPointer(Tensor tensor) => THSTensor_data(tensor.Handle);
}
