using SharpVL.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpVL.Tests.Training;

/// <summary>The optimization pieces against the formulas of Transformers 4.27.1 and PyTorch 1.13.</summary>
public class OptimizationTests
{
    [Theory]
    // linear, 2 warm-up of 10: 0, 1/2, then (10 − t) / 8 down to 0 (and 0 past the end)
    [InlineData(SchedulerType.Linear, new[] { 0.0, 0.5, 1.0, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125, 0.0, 0.0 })]
    // cosine: half a wave over the 8 decay steps: 0.5·(1 + cos(π·(t − 2)/8))
    [InlineData(SchedulerType.Cosine, new[] { 0.0, 0.5, 1.0, 0.9619397662556434, 0.8535533905932737, 0.6913417161825449, 0.5, 0.3086582838174551, 0.14644660940672627, 0.038060233744356645, 0.0, 0.038060233744356645 })]
    [InlineData(SchedulerType.ConstantWithWarmup, new[] { 0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0 })]
    [InlineData(SchedulerType.Constant, new[] { 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0 })]
    public void ScheduleMultipliersFollowTransformers(SchedulerType type, double[] expected)
    {
        for (var step = 0; step < expected.Length; step++)
        {
            Assert.Equal(expected[step], LearningRateSchedules.Multiplier(type, step, warmupSteps: 2, trainingSteps: 10), 12);
        }
    }

    [Fact]
    public void WarmupStepsRoundUpTheRatioAsTheTrainerDoes()
    {
        Assert.Equal(3, LearningRateSchedules.WarmupSteps(25, 0.1));
        Assert.Equal(1, LearningRateSchedules.WarmupSteps(7, 0.1));
        Assert.Equal(0, LearningRateSchedules.WarmupSteps(7, 0.0));
        Assert.Equal(4, LearningRateSchedules.WarmupSteps(7, 0.5, warmupSteps: 4));
        Assert.Equal(SchedulerType.ConstantWithWarmup, LearningRateSchedules.Parse("constant_with_warmup"));
        Assert.Throws<ArgumentException>(() => LearningRateSchedules.Parse("exponential"));
    }

    [Fact]
    public void SchedulerSetsTheLearningRateOfEveryGroupAndResumes()
    {
        using var weight = new Parameter(ones(3));
        using var bias = new Parameter(zeros(3));
        using var optimizer = new WeightDecayGroups([("weight", weight)], [("bias", bias)]).CreateAdamW(lr: 0.1, weightDecay: 0.01);
        var scheduler = LearningRateSchedules.Create(optimizer, SchedulerType.Linear, warmupSteps: 2, trainingSteps: 10);
        Assert.All(optimizer.ParamGroups, g => Assert.Equal(0.0, g.LearningRate, 12));
        scheduler.step();
        Assert.All(optimizer.ParamGroups, g => Assert.Equal(0.05, g.LearningRate, 12));
        using var resumedOptimizer = new WeightDecayGroups([("weight", weight)], [("bias", bias)]).CreateAdamW(lr: 0.1, weightDecay: 0.01);
        var resumed = LearningRateSchedules.Create(resumedOptimizer, SchedulerType.Linear, 2, 10, completedSteps: 6);
        Assert.All(resumedOptimizer.ParamGroups, g => Assert.Equal(0.05, g.LearningRate, 12));
        resumed.step();
        Assert.All(resumedOptimizer.ParamGroups, g => Assert.Equal(0.0375, g.LearningRate, 12));
    }

    [Fact]
    public void ClippingScalesByMaxOverNormPlusEpsilonAndReportsTheNormBefore()
    {
        using var a = new Parameter(zeros(2));
        using var b = new Parameter(zeros(1));
        using var untouched = new Parameter(zeros(1));
        a.grad = tensor(new[] { 3f, 0f });
        b.grad = tensor(new[] { 4f });
        Assert.Equal(5.0, GradientClipping.ClipGradNorm([a, b, untouched], maxNorm: 1.0), 6);
        var coefficient = 1.0f / (5.0f + 1e-6f);
        Assert.Equal(3f * coefficient, a.grad!.data<float>()[0], 6);
        Assert.Equal(4f * coefficient, b.grad!.data<float>()[0], 6);
        Assert.Null(untouched.grad);
        // Below the limit nothing changes.
        Assert.Equal(1.0, GradientClipping.ClipGradNorm([a, b], maxNorm: 10.0), 5);
        Assert.Equal(3f * coefficient, a.grad!.data<float>()[0], 6);
        Assert.Equal(0.0, GradientClipping.ClipGradNorm([untouched], 1.0));
    }

    private sealed class Block : nn.Module
    {
        private readonly Linear dense;
        private readonly LayerNorm LayerNorm;
        private readonly Parameter scale;
        private readonly Parameter relative_position_bias_table;

        public Block() : base(nameof(Block))
        {
            dense = nn.Linear(2, 2);
            LayerNorm = nn.LayerNorm(2);
            scale = nn.Parameter(ones(1));
            relative_position_bias_table = nn.Parameter(zeros(3));
            RegisterComponents();
        }
    }

    private sealed class Net : nn.Module
    {
        private readonly Block block;
        private readonly Sequential head;
        private readonly Parameter logit_scale;

        public Net() : base(nameof(Net))
        {
            block = new Block();
            head = nn.Sequential(("0", nn.Linear(2, 4)), ("1", nn.LayerNorm(4)), ("2", nn.Linear(4, 1, hasBias: false)));
            logit_scale = nn.Parameter(ones(1));
            RegisterComponents();
        }
    }

    [Fact]
    public void TrainerGroupsDecayEverythingButBiasesAndLayerNorms()
    {
        using var net = new Net();
        var groups = WeightDecayGroups.Of(net);
        Assert.Equal(["block.dense.weight", "block.scale", "head.0.weight", "head.2.weight", "logit_scale"], groups.Decay.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["block.LayerNorm.bias", "block.LayerNorm.weight", "block.dense.bias", "block.relative_position_bias_table", "head.0.bias", "head.1.bias", "head.1.weight"],
            groups.NoDecay.Select(p => p.Name).Order(StringComparer.Ordinal));
        // Frozen parameters stay out of the optimizer, as the Trainer filters on requires_grad.
        net.named_parameters().Single(p => p.name == "head.0.weight").parameter.requires_grad = false;
        Assert.DoesNotContain("head.0.weight", WeightDecayGroups.Of(net).Decay.Select(p => p.Name));
        Assert.Contains("head.0.weight", WeightDecayGroups.DecayParameterNames(net));
    }

    [Fact]
    public void AdamWStepMatchesTorchsFormulaAndSkipsParametersWithoutGradient()
    {
        using var p = new Parameter(tensor(new[] { 1.0f, -2.0f }));
        using var idle = new Parameter(tensor(new[] { 5.0f }));
        using var optimizer = new WeightDecayGroups([("p", p), ("idle", idle)], []).CreateAdamW(lr: 0.1, weightDecay: 0.5, eps: 1e-6);
        double[] value = [1.0, -2.0];
        double[] m = [0, 0], v = [0, 0];
        float[][] grads = [[0.5f, -1.0f], [0.25f, 2.0f]];
        for (var step = 1; step <= 2; step++)
        {
            p.grad = tensor(grads[step - 1]);
            optimizer.step();
            for (var i = 0; i < 2; i++)
            {
                // torch.optim.AdamW: decoupled decay, then bias-corrected moments with eps added after sqrt(v̂).
                value[i] *= 1 - (0.1 * 0.5);
                m[i] = (0.9 * m[i]) + (0.1 * grads[step - 1][i]);
                v[i] = (0.999 * v[i]) + (0.001 * grads[step - 1][i] * grads[step - 1][i]);
                var denominator = (Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(0.999, step))) + 1e-6;
                value[i] -= 0.1 / (1 - Math.Pow(0.9, step)) * m[i] / denominator;
            }
            Assert.Equal(value[0], p.data<float>()[0], 5);
            Assert.Equal(value[1], p.data<float>()[1], 5);
        }
        Assert.Equal(5.0f, idle.data<float>()[0]);
    }
}
