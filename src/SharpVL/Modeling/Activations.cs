using static TorchSharp.torch;

namespace SharpVL.Modeling;

/// <summary>The activation functions Transformers' configs name in <c>hidden_act</c> (<c>ACT2FN</c>).</summary>
public static class Activations
{
    /// <summary>Every <c>hidden_act</c> name <see cref="Get"/> knows; configs are validated against it.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["gelu", "gelu_python", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "quick_gelu", "relu", "silu", "swish", "tanh", "sigmoid"];

    /// <summary>Returns the function for <paramref name="name"/>; unknown names are an error naming the choices.</summary>
    public static Func<Tensor, Tensor> Get(string name) => name switch
    {
        "gelu" or "gelu_python" => x => nn.functional.gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => GeluTanh,
        "quick_gelu" => QuickGelu,
        "relu" => x => nn.functional.relu(x),
        "silu" or "swish" => x => nn.functional.silu(x),
        "tanh" => x => x.tanh(),
        "sigmoid" => x => x.sigmoid(),
        _ => throw new NotSupportedException(
            $"Unknown activation '{name}'. Supported: gelu, gelu_new, gelu_pytorch_tanh, quick_gelu, relu, silu, tanh, sigmoid."),
    };

    /// <summary>CLIP's <c>x * sigmoid(1.702 x)</c>.</summary>
    public static Tensor QuickGelu(Tensor x)
    {
        using var scaled = x * 1.702;
        using var gate = scaled.sigmoid_();
        return x * gate;
    }

    private static Tensor GeluTanh(Tensor x) => nn.functional.gelu(x, approximate: TorchSharp.Modules.GELU.Approximate.tanh);
}
