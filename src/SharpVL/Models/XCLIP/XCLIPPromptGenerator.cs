using SharpVL.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Models.XCLIP;

/// <summary>
/// Cross-attention of the prompt generator (Transformers' <c>XCLIPCrossAttention</c>): bias-free
/// <c>q_proj</c>/<c>k_proj</c>/<c>v_proj</c>, <c>proj</c> with bias, scale (projection_dim / heads)^-0.5.
/// </summary>
internal sealed class XCLIPCrossAttention : nn.Module
{
    private readonly KernelLinear q_proj;
    private readonly KernelLinear k_proj;
    private readonly KernelLinear v_proj;
    private readonly KernelLinear proj;
    private readonly Dropout proj_drop;
    private readonly int _heads;
    private readonly double _attentionDropout;

    public XCLIPCrossAttention(XCLIPConfig config) : base(nameof(XCLIPCrossAttention))
    {
        var dim = config.ProjectionDim;
        _heads = config.PromptNumAttentionHeads;
        _attentionDropout = config.PromptAttentionDropout;
        q_proj = new KernelLinear(dim, dim, hasBias: false);
        k_proj = new KernelLinear(dim, dim, hasBias: false);
        v_proj = new KernelLinear(dim, dim, hasBias: false);
        proj = new KernelLinear(dim, dim);
        proj_drop = nn.Dropout(config.PromptProjectionDropout);
        RegisterComponents();
    }

    /// <summary>Attends from <paramref name="queries"/> [B, Tq, D] to <paramref name="keysAndValues"/> [B, Tk, D].</summary>
    public Tensor Forward(Tensor queries, Tensor keysAndValues)
    {
        using var scope = NewDisposeScope();
        var (batch, queryLength, dim) = (queries.shape[0], queries.shape[1], queries.shape[2]);
        var keyLength = keysAndValues.shape[1];
        var headDim = dim / _heads;
        var q = q_proj.call(queries).reshape(batch, queryLength, _heads, headDim).permute(0, 2, 1, 3);
        var k = k_proj.call(keysAndValues).reshape(batch, keyLength, _heads, headDim).permute(0, 2, 1, 3);
        var v = v_proj.call(keysAndValues).reshape(batch, keyLength, _heads, headDim).permute(0, 2, 1, 3);
        // attn_drop of the reference: dropout on the attention probabilities.
        var (context, _) = AttentionKernels.Attend(q, k, v, dropout: training ? _attentionDropout : 0);
        return proj_drop.call(proj.call(context.transpose(1, 2).reshape(batch, queryLength, dim))).MoveToOuterDisposeScope();
    }
}

/// <summary>An activation function as a parameter-free module, so it can sit inside <c>nn.Sequential</c> like in Python.</summary>
internal sealed class ActivationModule : nn.Module<Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> _activation;

    public ActivationModule(string name) : base(name) => _activation = Activations.Get(name);

    public override Tensor forward(Tensor input) => _activation(input);
}

/// <summary>
/// One prompt generator layer (<c>PromptGeneratorLayer</c>): <c>x += cross_attn(norm1(x), visual)</c>, then
/// <c>x += mlp(norm3(x))</c> with <c>mlp</c> = Linear(d, 4d), activation, dropout, Linear(4d, d) (<c>mlp.0</c>, <c>mlp.3</c>).
/// </summary>
internal sealed class XCLIPPromptGeneratorLayer : nn.Module
{
    private readonly XCLIPCrossAttention cross_attn;
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm3;
    private readonly Sequential mlp;

    public XCLIPPromptGeneratorLayer(XCLIPConfig config) : base(nameof(XCLIPPromptGeneratorLayer))
    {
        var dim = config.ProjectionDim;
        cross_attn = new XCLIPCrossAttention(config);
        norm1 = nn.LayerNorm(dim, config.TextConfig.LayerNormEps);
        norm3 = nn.LayerNorm(dim, config.TextConfig.LayerNormEps);
        mlp = nn.Sequential(
            new KernelLinear(dim, dim * 4),
            new ActivationModule(config.PromptHiddenAct),
            nn.Dropout(config.PromptAttentionDropout),
            new KernelLinear(dim * 4, dim));
        RegisterComponents();
    }

    public Tensor Forward(Tensor text, Tensor visual)
    {
        using var scope = NewDisposeScope();
        var attended = text + cross_attn.Forward(norm1.call(text), visual);
        return (attended + mlp.call(norm3.call(attended))).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The video-specific prompt generator (<c>prompts_generator</c>, the original <c>VideoSpecificPrompt</c>): text
/// embeddings attend to a video's projected patch features; the result, scaled per channel by <c>alpha</c>, is the
/// prompt added to the text embeddings.
/// </summary>
internal sealed class XCLIPPromptGenerator : nn.Module
{
    private readonly LayerNorm layernorm;
    private readonly ModuleList<XCLIPPromptGeneratorLayer> decoder;
    private readonly Parameter alpha;

    public XCLIPPromptGenerator(XCLIPConfig config) : base(nameof(XCLIPPromptGenerator))
    {
        var dim = config.ProjectionDim;
        layernorm = nn.LayerNorm(dim, config.VisionConfig.LayerNormEps);
        decoder = nn.ModuleList(Enumerable.Range(0, config.PromptLayers).Select(_ => new XCLIPPromptGeneratorLayer(config)).ToArray());
        alpha = nn.Parameter(ones(dim) * config.PromptAlpha);
        RegisterComponents();
    }

    /// <summary>The prompt for <paramref name="text"/> [videos, texts, D] given <paramref name="visual"/> [videos, patches, D].</summary>
    public Tensor Forward(Tensor text, Tensor visual)
    {
        using var scope = NewDisposeScope();
        var normalized = layernorm.call(visual);
        var current = text;
        foreach (var layer in decoder)
        {
            current = layer.Forward(current, normalized);
        }
        return (alpha * current).MoveToOuterDisposeScope();
    }
}
