using System.Runtime.CompilerServices;
using SharpVL.Runtime;

namespace SharpVL.Tests;

internal static class TestAssemblySetup
{
    // Tests touch TorchSharp directly; its native bridge must be made loadable before the first tensor.
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.EnsureInitialized();
}
