using System.Text.RegularExpressions;
using SharpVL.Checkpoints;
using SharpVL.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpVL.Modeling;

/// <summary>A <see cref="PreTrainedModel"/> with its typed configuration.</summary>
/// <typeparam name="TConfig">The family's config class.</typeparam>
public abstract class PreTrainedModel<TConfig> : PreTrainedModel
    where TConfig : PretrainedConfig
{
    /// <summary>Creates the model shell.</summary>
    protected PreTrainedModel(string name, TConfig config) : base(name, config)
    {
    }

    /// <summary>The model's configuration.</summary>
    public TConfig Config => (TConfig)GenericConfig;
}

/// <summary>
/// Base of every SharpVL model (Transformers' <c>PreTrainedModel</c>): owns the config, loads checkpoints by
/// state-dict name with base-model-prefix handling in both directions, and saves in Hub format.
/// </summary>
/// <remarks>
/// Submodule and parameter fields are named exactly like the Transformers state-dict keys, so weights load by name
/// with no mapping table.
/// </remarks>
public abstract class PreTrainedModel : nn.Module
{
    /// <summary>
    /// Creates the model shell; derived classes build their modules, then call <c>RegisterComponents()</c>. The config is
    /// validated first, and refused when its parameters cannot fit in the memory left, before any module is built.
    /// </summary>
    /// <exception cref="ConfigException">A field no model can be built with, or a model larger than the memory available.</exception>
    protected PreTrainedModel(string name, PretrainedConfig config) : base(name)
    {
        Runtime.TorchRuntime.EnsureInitialized();
        GenericConfig = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        ModelSizeCheck.EnsureFits(config, GetType().Name);
    }

    /// <summary>The model's configuration as its base type (typed as <c>Config</c> on each family's models).</summary>
    // Named apart from the typed Config: TorchSharp's Module.to() indexes members by name, so hiding would collide.
    public PretrainedConfig GenericConfig { get; }

    /// <summary>Name of the base model attribute (e.g. <c>videomae</c>) in head models' state dicts; empty if none.</summary>
    public abstract string BaseModelPrefix { get; }

    /// <summary>
    /// The attribute under which a composite model stores this tower in its checkpoints (<c>text_model</c>,
    /// <c>vision_model</c>), or empty: the one mechanism by which a tower loads from its composite model's directory.
    /// When a checkpoint has keys under it, only those are loaded (without the prefix when this model's own keys do not
    /// carry it), and the other components' keys are skipped without a warning (<see cref="LoadReport.SkippedKeys"/>).
    /// </summary>
    protected virtual string CompositeTowerKey => "";

    /// <summary>Standard deviation used to initialize weights a checkpoint lacks.</summary>
    protected virtual double InitializerRange => 0.02;

    /// <summary>Checkpoint keys skipped without a report: the <c>position_ids</c> buffers older Transformers saved.</summary>
    private static readonly Regex IgnoredBuffers = new(@"(^|\.)position_ids$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Submodules (state-dict paths) that stay in float32 when the model is placed in a half-precision dtype, because
    /// accuracy needs them there (Transformers' <c>_keep_in_fp32_modules</c>); typically the final head, so logits are
    /// float32.
    /// </summary>
    protected virtual IReadOnlyList<string> KeepInFloat32Modules => [];

    /// <summary>What the last checkpoint load found.</summary>
    public LoadReport? LoadReport { get; private set; }

    /// <summary>The device the parameters live on.</summary>
    public Device Device => parameters().FirstOrDefault()?.device ?? CPU;

    /// <summary>The dtype of the (floating) parameters.</summary>
    public ScalarType DType => parameters().FirstOrDefault(p => p.is_floating_point())?.dtype ?? ScalarType.Float32;

    /// <summary>Called with every input <see cref="PlaceInput"/> receives (lets tests see that entry points route inputs through it).</summary>
    [ThreadStatic]
    internal static Action<Tensor>? InputPlaced;

    /// <summary>
    /// The one placement rule for every tensor a model's public entry points receive: it moves to the model's
    /// <see cref="Device"/>; floating-point inputs (pixels, audio, features) also take the model's <see cref="DType"/>,
    /// while integer and boolean inputs (ids, masks, labels) keep theirs. Callers may use it to prepare inputs the way
    /// the forward will; the result is created in the caller's dispose scope.
    /// </summary>
    public Tensor PlaceInput(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        InputPlaced?.Invoke(input);
        return input.is_floating_point() ? input.to(DType, Device) : input.to(Device);
    }

    /// <summary>As <see cref="PlaceInput(Tensor)"/> for an optional input: null stays null.</summary>
    protected Tensor? PlaceOptionalInput(Tensor? input) => input is null ? null : PlaceInput(input);

    /// <summary>
    /// Whether the layer stacks recompute activations in backward instead of keeping them (Transformers'
    /// <c>gradient_checkpointing_enable()</c>): bounds activation memory on long sequences for about one extra forward per
    /// training step. Takes effect in training mode only; setting it reaches every encoder and decoder of the model.
    /// </summary>
    public bool GradientCheckpointing
    {
        get => modules().OfType<IGradientCheckpointable>().Any(m => m.GradientCheckpointing);
        set
        {
            foreach (var stack in modules().OfType<IGradientCheckpointable>())
            {
                stack.GradientCheckpointing = value;
            }
        }
    }

    /// <summary>
    /// Copies the checkpoint's tensors into this model's parameters and buffers by name, one tensor at a time.
    /// Shape mismatches are errors naming the key (unless <see cref="ModelLoadOptions.IgnoreMismatchedSizes"/>);
    /// missing weights are initialized the Transformers way and reported, unexpected ones reported and ignored.
    /// </summary>
    public LoadReport LoadWeights(ITensorSource source, string sourceName, ModelLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= ModelLoadOptions.Default;
        var expected = state_dict();
        var prefix = BaseModelPrefix;
        var loadedKeys = source.Keys;
        var checkpointHasPrefix = prefix.Length > 0 && loadedKeys.Any(k => k.StartsWith(prefix + ".", StringComparison.Ordinal));
        var modelHasPrefix = prefix.Length > 0 && expected.Keys.Any(k => k.StartsWith(prefix + ".", StringComparison.Ordinal));

        var tower = CompositeTowerKey;
        var fromComposite = tower.Length > 0 && loadedKeys.Any(k => k.StartsWith(tower + ".", StringComparison.Ordinal));
        // Towers whose modules sit under the tower key (X-CLIP's, AltCLIP's vision tower) keep it; the others drop it.
        var stripTower = fromComposite && !expected.Keys.Any(k => k.StartsWith(tower + ".", StringComparison.Ordinal));
        if (stripTower)
        {
            checkpointHasPrefix = prefix.Length > 0 && loadedKeys.Any(k => k.StartsWith($"{tower}.{prefix}.", StringComparison.Ordinal));
        }

        var unexpected = new List<string>();
        var skipped = new List<string>();
        var mismatched = new List<string>();
        var loaded = new HashSet<string>(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var checkpointKey in loadedKeys)
            {
                if (fromComposite && !checkpointKey.StartsWith(tower + ".", StringComparison.Ordinal))
                {
                    skipped.Add(checkpointKey);
                    continue;
                }
                var modelKey = MapKey(stripTower ? checkpointKey[(tower.Length + 1)..] : checkpointKey, prefix, checkpointHasPrefix, modelHasPrefix);
                if (modelKey is null || !expected.TryGetValue(modelKey, out var target))
                {
                    if (!IgnoredBuffers.IsMatch(checkpointKey))
                    {
                        unexpected.Add(checkpointKey);
                    }
                    continue;
                }
                var metadata = source.GetMetadata(checkpointKey);
                if (!metadata.Shape.SequenceEqual(target.shape))
                {
                    if (options.IgnoreMismatchedSizes)
                    {
                        mismatched.Add(modelKey);
                        continue;
                    }
                    throw new CheckpointException(
                        $"{sourceName}: '{checkpointKey}' has shape [{string.Join(", ", metadata.Shape)}] in the checkpoint but " +
                        $"[{string.Join(", ", target.shape)}] in {GetType().Name}. Check that config.json matches the weights " +
                        "(or load with IgnoreMismatchedSizes to re-initialize it).", sourceName);
                }
                using var value = source.ReadTensor(checkpointKey);
                target.copy_(value);
                loaded.Add(modelKey);
            }
        }
        foreach (var linear in modules().OfType<KernelLinear>())
        {
            linear.ReleasePackedWeight();
        }
        var missing = expected.Keys.Where(k => !loaded.Contains(k)).ToList();
        InitializeMissing(missing);
        LoadReport = new LoadReport(missing, unexpected, mismatched, skipped);
        WarnAbout(LoadReport, sourceName, options);
        return LoadReport;
    }

    private static string? MapKey(string checkpointKey, string prefix, bool checkpointHasPrefix, bool modelHasPrefix)
    {
        if (checkpointHasPrefix && !modelHasPrefix)
        {
            // A base model loaded from a head checkpoint: take the base weights, leave the head's as unexpected.
            return checkpointKey.StartsWith(prefix + ".", StringComparison.Ordinal) ? checkpointKey[(prefix.Length + 1)..] : null;
        }
        if (!checkpointHasPrefix && modelHasPrefix)
        {
            // A head model loaded from a base checkpoint: its weights live under the prefix.
            return prefix + "." + checkpointKey;
        }
        return checkpointKey;
    }

    private void InitializeMissing(List<string> missing)
    {
        if (missing.Count == 0)
        {
            return;
        }
        var owners = new HashSet<string>(missing.Select(k => k.Contains('.', StringComparison.Ordinal) ? k[..k.LastIndexOf('.')] : ""));
        using var _ = no_grad();
        foreach (var (name, module) in named_modules())
        {
            if (owners.Contains(name))
            {
                InitWeights(module);
            }
        }
    }

    /// <summary>
    /// Initializes one module's weights as Transformers' <c>_init_weights</c> does for these families:
    /// Linear/Conv weights ~ N(0, initializer_range) with zero bias, LayerNorm weight 1 and bias 0.
    /// </summary>
    protected virtual void InitWeights(nn.Module module)
    {
        switch (module)
        {
            case KernelLinear or TorchSharp.Modules.Linear or TorchSharp.Modules.Conv2d or TorchSharp.Modules.Conv3d:
                foreach (var (name, parameter) in module.named_parameters(recurse: false))
                {
                    if (name == "weight")
                    {
                        parameter.normal_(0, InitializerRange);
                    }
                    else
                    {
                        parameter.zero_();
                    }
                }
                break;
            case TorchSharp.Modules.LayerNorm:
                foreach (var (name, parameter) in module.named_parameters(recurse: false))
                {
                    if (name == "weight")
                    {
                        parameter.fill_(1.0);
                    }
                    else
                    {
                        parameter.zero_();
                    }
                }
                break;
            default:
                break;
        }
    }

    private void WarnAbout(LoadReport report, string sourceName, ModelLoadOptions options)
    {
        var modelName = GetType().Name;
        if (report.UnexpectedKeys.Count > 0)
        {
            options.Warn($"Some weights of the model checkpoint at {sourceName} were not used when initializing {modelName}: " +
                $"[{string.Join(", ", report.UnexpectedKeys)}]");
        }
        if (report.MissingKeys.Count > 0)
        {
            options.Warn($"Some weights of {modelName} were not initialized from the model checkpoint at {sourceName} and are " +
                $"newly initialized: [{string.Join(", ", report.MissingKeys)}]. You should probably train this model on a " +
                "down-stream task to be able to use it for predictions and inference.");
        }
        if (report.MismatchedKeys.Count > 0)
        {
            options.Warn($"Some weights of {modelName} were re-initialized because their shapes differ from {sourceName}: " +
                $"[{string.Join(", ", report.MismatchedKeys)}].");
        }
    }

    /// <summary>
    /// Saves the model as Transformers does: <c>config.json</c> (with <c>architectures</c> and <c>torch_dtype</c>) and
    /// <c>model.safetensors</c> under the state-dict names, each written atomically.
    /// </summary>
    public void SavePretrained(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        GenericConfig.Architectures = [GetType().Name];
        GenericConfig.TorchDtype = Runtime.TorchRuntime.DTypeName(DType);
        Directory.CreateDirectory(directory);
        SafeTensorsWriter.Save(Path.Combine(directory, "model.safetensors"), state_dict(),
            new Dictionary<string, string> { ["format"] = "pt" });
        GenericConfig.SavePretrained(directory);
    }

    /// <summary>Moves the model to the options' device and dtype; integer buffers keep their dtype.</summary>
    public void Place(ModelLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.DType is ScalarType dtype)
        {
            if (!IsFloatingPoint(dtype))
            {
                throw new ArgumentException($"Model dtype must be floating point, got {dtype}.", nameof(options));
            }
            this.to(dtype);
            if (dtype is ScalarType.BFloat16 or ScalarType.Float16 && KeepInFloat32Modules.Count > 0)
            {
                var keep = KeepInFloat32Modules.ToHashSet(StringComparer.Ordinal);
                foreach (var (name, module) in named_modules().Where(m => keep.Contains(m.name)).ToList())
                {
                    module.to(ScalarType.Float32);
                }
            }
        }
        if (!string.IsNullOrWhiteSpace(options.Device))
        {
            this.to(Runtime.TorchRuntime.ParseDevice(options.Device));
        }
    }

    private static bool IsFloatingPoint(ScalarType dtype)
        => dtype is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;

    /// <summary>
    /// Builds a model from a local directory or Hub id: resolves the files, reads the config, creates the model
    /// with <paramref name="create"/>, places it on the requested device/dtype and loads the weights.
    /// </summary>
    protected static TModel LoadPretrained<TModel>(
        string modelIdOrPath, ModelLoadOptions? options, Func<string, TModel> create)
        where TModel : PreTrainedModel
    {
        ArgumentNullException.ThrowIfNull(create);
        options ??= ModelLoadOptions.Default;
        var directory = PretrainedFiles.Resolve(modelIdOrPath, options);
        var model = create(directory);
        try
        {
            model.Place(options);
            using (var source = CheckpointFiles.Open(directory))
            {
                model.LoadWeights(source, directory, options);
            }
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
