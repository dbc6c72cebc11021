using System.Runtime.InteropServices;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace SharpVL.Runtime.Kernels;

/// <summary>
/// <c>input·weightᵀ + bias</c> recorded for autograd with the forward and both backward products (<c>grad·weight</c>,
/// <c>gradᵀ·input</c>) on a fast float32 kernel (dnnl-sgemm or oneDNN); the bias gradient is libtorch's sum over the
/// rows, as in PyTorch. Only the gradients of the tensors that required one are computed, like PyTorch's <c>linear</c>.
/// </summary>
/// <remarks>
/// A backward that records a graph itself (<c>create_graph</c>, for second derivatives) computes the gradients with
/// libtorch's differentiable products instead, so higher-order gradients stay exact.
/// </remarks>
internal sealed class KernelLinearFunction : SingleTensorFunction<KernelLinearFunction>
{
    // Gradients returned by the previous backward call on this thread. The autograd engine takes its own reference to a
    // returned tensor only after backward() returns, so the handles are released on the next call (a few tensors
    // outstanding per thread instead of every layer's gradients until the caller's dispose scope ends).
    [ThreadStatic]
    private static List<Tensor>? _returned;

    [ThreadStatic]
    private static string? _failure;

    /// <inheritdoc />
    public override string Name => "SharpVLKernelLinear";

    /// <summary>The product on <paramref name="kernel"/>, with an autograd node when an operand requires a gradient.</summary>
    internal static Tensor Linear(Fp32Kernel kernel, Tensor input, Tensor weight, Tensor? bias)
    {
        // The node's own temporaries (the forward's handle, TorchSharp's per-output cache) end with this scope.
        using var scope = NewDisposeScope();
        // The node sees rows [rows, in] and returns a fresh [rows, out] tensor: autograd forbids in-place changes of a
        // custom function's output that is a view, so the leading shape is restored outside, by a recorded view.
        var rows = input.dim() == 2 ? input : input.reshape(-1, input.shape[^1]);
        var output = apply(kernel, rows, weight, bias);
        return (input.dim() == 2 ? output : output.view([.. input.shape[..^1], weight.shape[0]])).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var kernel = (Fp32Kernel)vars[0];
        var input = (Tensor)vars[1];
        var weight = (Tensor)vars[2];
        var bias = vars[3] as Tensor;
        var needs = new Needs(input.requires_grad, weight.requires_grad, bias?.requires_grad == true);
        // A missing output gradient comes as an undefined tensor (backward returns none) instead of a zero-filled one.
        ctx.set_materialize_grads(false);
        // Like PyTorch's linear: the input only for the weight gradient, the weight only for the input gradient.
        ctx.save_for_backward([needs.Weight ? input : null!, needs.Input ? weight : null!]);
        ctx.save_data("kernel", kernel);
        ctx.save_data("needs", needs);
        Fp32Kernels.Count(kernel);
        return kernel switch
        {
            Fp32Kernel.DnnlSgemm => DnnlSgemm.Linear(input, weight, bias),
            Fp32Kernel.OneDnn => OneDnnLinear.Linear(input, weight, bias),
            _ => throw new ArgumentOutOfRangeException(nameof(vars), kernel, "libtorch products are recorded by libtorch itself."),
        };
    }

    /// <summary>
    /// Why the last backward of a node failed on this thread (e.g. a saved input modified in place), or null; cleared by
    /// reading it. The autograd engine reports such a failure only as an invalid gradient of <c>CSharpNode</c>.
    /// </summary>
    internal static string? TakeFailure()
    {
        var failure = _failure;
        _failure = null;
        return failure;
    }

    /// <inheritdoc />
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        ReleaseReturned();
        if (grad_output.IsInvalid)
        {
            return [null!, null!, null!, null!];
        }
        try
        {
            return Gradients(ctx, grad_output);
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException)
        {
            // An exception must not leave this callback (the native engine cannot unwind it: the process would end).
            // A gradient of the wrong shape makes the engine abort the backward with an error the caller can catch.
            _failure = e.Message.Split('\n')[0];
            var invalid = tensor(0f).DetachFromDisposeScope();
            (_returned ??= []).Add(invalid);
            var needs = (Needs)ctx.get_data("needs");
            return [null!, needs.Input ? invalid : null!, !needs.Input && needs.Weight ? invalid : null!, !needs.Input && !needs.Weight ? invalid : null!];
        }
        finally
        {
            grad_output.Dispose();
        }
    }

    private static List<Tensor> Gradients(AutogradContext ctx, Tensor grad_output)
    {
        var kernel = (Fp32Kernel)ctx.get_data("kernel");
        var needs = (Needs)ctx.get_data("needs");
        Tensor? inputGradient = null;
        Tensor? weightGradient = null;
        Tensor? biasGradient = null;
        using (var scope = NewDisposeScope())
        {
            var saved = ctx.get_saved_variables();
            var grad = grad_output;
            if (is_grad_enabled())
            {
                // create_graph: differentiable libtorch products, so the gradients have a graph of their own.
                inputGradient = needs.Input ? grad.mm(saved[1]) : null;
                weightGradient = needs.Weight ? grad.t().mm(saved[0]) : null;
            }
            else
            {
                grad = grad.contiguous();
                inputGradient = needs.Input ? InputGradient(kernel, grad, saved[1]) : null;
                weightGradient = needs.Weight ? WeightGradient(kernel, grad, saved[0].contiguous()) : null;
            }
            biasGradient = needs.Bias ? grad.sum(dim: 0) : null;
            foreach (var result in new[] { inputGradient, weightGradient, biasGradient })
            {
                if (result is not null)
                {
                    (_returned ??= []).Add(result.DetachFromDisposeScope());
                }
            }
        }
        return [null!, inputGradient!, weightGradient!, biasGradient!];
    }

    private static Tensor InputGradient(Fp32Kernel kernel, Tensor grad, Tensor weight)
    {
        Fp32Kernels.Count(kernel);
        return kernel == Fp32Kernel.DnnlSgemm ? DnnlSgemm.InputGradient(grad, weight.contiguous()) : OneDnnLinear.InputGradient(grad, weight);
    }

    private static Tensor WeightGradient(Fp32Kernel kernel, Tensor grad, Tensor input)
    {
        Fp32Kernels.Count(kernel);
        return kernel == Fp32Kernel.DnnlSgemm ? DnnlSgemm.WeightGradient(grad, input) : OneDnnLinear.WeightGradient(grad, input);
    }

    private static void ReleaseReturned()
    {
        if (_returned is null)
        {
            return;
        }
        foreach (var tensor in _returned)
        {
            tensor.Dispose();
        }
        _returned.Clear();
    }

    /// <summary>Which operands required a gradient when the forward ran (the inputs the node has edges to).</summary>
    private sealed record Needs(bool Input, bool Weight, bool Bias);
}
