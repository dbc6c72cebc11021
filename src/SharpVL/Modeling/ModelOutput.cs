using System.Reflection;
using System.Text.Json;
using static TorchSharp.torch;

namespace SharpVL.Modeling;

/// <summary>
/// Base of every model output (Transformers' <c>ModelOutput</c>): optional tensors, tuples of tensors and nested
/// outputs, named like their Python fields. Disposing an output disposes every tensor in it.
/// </summary>
public abstract record ModelOutput : IDisposable
{
    /// <summary>
    /// Every tensor the output holds, under the flattened names Transformers' fields have
    /// (<c>hidden_states.0</c>, <c>text_model_output.pooler_output</c>); fields that are null are absent.
    /// </summary>
    public IEnumerable<KeyValuePair<string, Tensor>> Flatten(string prefix = "")
    {
        foreach (var property in GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == nameof(EqualityContract))
            {
                continue;
            }
            var name = prefix + JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            switch (property.GetValue(this))
            {
                case Tensor tensor:
                    yield return new(name, tensor);
                    break;
                case ModelOutput nested:
                    foreach (var entry in nested.Flatten(name + "."))
                    {
                        yield return entry;
                    }
                    break;
                case IEnumerable<Tensor> tensors:
                    var index = 0;
                    foreach (var tensor in tensors)
                    {
                        yield return new($"{name}.{index++}", tensor);
                    }
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Moves every tensor of this output out of the current dispose scope (forward methods call this).</summary>
    public void MoveToOuterScope()
    {
        // A tensor can appear under two names (last_hidden_state is often the last hidden_states entry); moving it
        // twice would lift it past the caller's scope.
        foreach (var tensor in DistinctTensors())
        {
            tensor.MoveToOuterDisposeScope();
        }
    }

    private IEnumerable<Tensor> DistinctTensors()
        => Flatten().Select(p => p.Value).Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>();

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in DistinctTensors())
        {
            tensor.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>Output of an encoder: <c>last_hidden_state</c>, optional <c>hidden_states</c> and <c>attentions</c>.</summary>
/// <param name="LastHiddenState">Output of the last layer (after the final norm where the model has one).</param>
/// <param name="HiddenStates">Embeddings plus each layer's output, when requested.</param>
/// <param name="Attentions">Each layer's attention probabilities, when requested.</param>
public record BaseModelOutput(Tensor LastHiddenState, IReadOnlyList<Tensor>? HiddenStates = null, IReadOnlyList<Tensor>? Attentions = null)
    : ModelOutput;

/// <summary>Output of a classifier: <c>loss</c> (with labels), <c>logits</c>, optional hidden states and attentions.</summary>
/// <param name="Loss">Classification/regression loss when labels were given.</param>
/// <param name="Logits">Scores per class, before softmax.</param>
/// <param name="HiddenStates">Embeddings plus each layer's output, when requested.</param>
/// <param name="Attentions">Each layer's attention probabilities, when requested.</param>
public record ClassifierOutput(Tensor? Loss, Tensor Logits, IReadOnlyList<Tensor>? HiddenStates = null, IReadOnlyList<Tensor>? Attentions = null)
    : ModelOutput;
