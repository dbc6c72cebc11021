using SharpVL.Modeling;
using SharpVL.Modeling.Clip;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.XCLIP;

/// <summary>
/// One cross-frame communication layer (Transformers' <c>XCLIPVisionEncoderLayer</c>, the original
/// <c>CrossFramelAttentionBlock</c>): each frame's CLS token becomes a message, the messages of one video attend to
/// each other, and each frame then self-attends over its tokens plus its message (N+2 positions); the message token
/// is dropped again before the MLP.
/// </summary>
internal sealed class XCLIPCrossFrameLayer : nn.Module, IEncoderLayer
{
    private readonly KernelLinear message_fc;
    private readonly LayerNorm message_ln;
    private readonly CLIPAttention message_attn;
    private readonly CLIPAttention self_attn;
    private readonly LayerNorm layer_norm1;
    private readonly CLIPMLP mlp;
    private readonly LayerNorm layer_norm2;
    private readonly int _numFrames;
    private readonly double _dropPathRate;

    public XCLIPCrossFrameLayer(XCLIPVisionConfig config) : base(nameof(XCLIPCrossFrameLayer))
    {
        var width = config.HiddenSize;
        _numFrames = config.NumFrames;
        _dropPathRate = config.DropPathRate;
        message_fc = new KernelLinear(width, width);
        message_ln = nn.LayerNorm(width, config.LayerNormEps);
        message_attn = new CLIPAttention(width, config.NumAttentionHeads, config.AttentionDropout);
        self_attn = new CLIPAttention(width, config.NumAttentionHeads, config.AttentionDropout);
        layer_norm1 = nn.LayerNorm(width, config.LayerNormEps);
        mlp = new CLIPMLP(width, config.IntermediateSize, config.HiddenAct);
        layer_norm2 = nn.LayerNorm(width, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Runs the layer on [videos·frames, tokens, width]; the probabilities cover tokens + 1 positions.</summary>
    public (Tensor Output, Tensor? Probabilities) Forward(Tensor hiddenStates, bool outputAttentions)
    {
        using var scope = NewDisposeScope();
        var (frames, length, width) = (hiddenStates.shape[0], hiddenStates.shape[1], hiddenStates.shape[2]);
        var videos = frames / _numFrames;
        var message = message_fc.call(hiddenStates[TensorIndex.Colon, 0, TensorIndex.Colon]).view(videos, _numFrames, width);
        var (exchanged, _) = message_attn.Forward(message_ln.call(message));
        message = message + DropPath(exchanged);
        var extended = cat([hiddenStates, message.view(-1, 1, width)], 1);
        var (attended, probabilities) = self_attn.Forward(layer_norm1.call(extended), null, outputAttentions);
        var residual = (extended + attended)[TensorIndex.Colon, TensorIndex.Slice(0, length), TensorIndex.Colon];
        var output = residual + mlp.call(layer_norm2.call(residual));
        output.MoveToOuterDisposeScope();
        probabilities?.MoveToOuterDisposeScope();
        return (output, probabilities);
    }

    // Stochastic depth on the message update, per video, in training only (as Transformers' drop_path).
    /// <inheritdoc />
    (Tensor Output, Tensor? Probabilities) IEncoderLayer.Forward(Tensor hiddenStates, Tensor? additiveMask, Tensor? headMask, bool outputAttentions)
    {
        if (additiveMask is not null || headMask is not null)
        {
            throw new ArgumentException("Cross-frame layers take no attention or head mask.");
        }
        return Forward(hiddenStates, outputAttentions);
    }

    private Tensor DropPath(Tensor update)
    {
        if (!training || _dropPathRate <= 0)
        {
            return update;
        }
        var keep = 1.0 - _dropPathRate;
        var mask = (rand(update.shape[0], 1, 1, dtype: update.dtype, device: update.device) + keep).floor_();
        return update.div(keep) * mask;
    }
}

/// <summary>The stack of cross-frame layers stored as <c>layers.{i}</c> (Transformers' <c>XCLIPVisionEncoder</c>).</summary>
internal sealed class XCLIPVisionEncoder : nn.Module, IGradientCheckpointable
{
    private readonly ModuleList<XCLIPCrossFrameLayer> layers;

    public XCLIPVisionEncoder(XCLIPVisionConfig config) : base(nameof(XCLIPVisionEncoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new XCLIPCrossFrameLayer(config)).ToArray());
        RegisterComponents();
    }

    /// <inheritdoc />
    public bool GradientCheckpointing { get; set; }

    /// <summary>Runs every layer; hidden states are each layer's input plus the final output.</summary>
    public BaseModelOutput Forward(Tensor inputsEmbeds, bool outputAttentions, bool outputHiddenStates)
        => EncoderLoop.Run(layers, inputsEmbeds, null, null, outputAttentions, outputHiddenStates, GradientCheckpointing);
}
