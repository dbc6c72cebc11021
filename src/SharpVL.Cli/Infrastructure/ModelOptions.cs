using System.CommandLine;
using SharpVL.Cli.Commands;
using SharpVL.Modeling;

namespace SharpVL.Cli.Infrastructure;

/// <summary><c>--model</c>, <c>--device</c> and <c>--dtype</c>, and loading a pipeline from them.</summary>
internal sealed class ModelOptions(string modelDescription)
{
    public Option<string> Model { get; } = CliOptions.Model(modelDescription);

    public Option<string?> Device { get; } = CliOptions.Device();

    public Option<string?> DType { get; } = CliOptions.DType();

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Device);
        command.Options.Add(DType);
    }

    /// <summary>Loads with <paramref name="load"/>(model id, options); failures name the model.</summary>
    public T Load<T>(ParseResult parse, CommandRun? run, Func<string, ModelLoadOptions, T> load)
    {
        var model = parse.GetValue(Model)!;
        var options = CliSupport.LoadOptions(parse.GetValue(Device), parse.GetValue(DType), run?.Progress);
        return CliSupport.LoadModel(run, model, () => load(model, options));
    }
}
