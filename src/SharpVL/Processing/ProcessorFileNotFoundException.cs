namespace SharpVL.Processing;

/// <summary>
/// A model directory lacks a processor file (<c>preprocessor_config.json</c>, tokenizer files). Transformers raises
/// here too: silently using class defaults would change the scores with no warning. Callers that want the defaults
/// build the processor from explicit options instead.
/// </summary>
public sealed class ProcessorFileNotFoundException : SharpVLException
{
    /// <summary>Creates the exception for <paramref name="path"/>, needed by <paramref name="processor"/>.</summary>
    public ProcessorFileNotFoundException(string path, string processor)
        : base($"{path}: not found; {processor} needs it (build the processor from explicit options to use its defaults).", path)
    {
        Processor = processor;
    }

    /// <summary>The processor class that needed the file.</summary>
    public string Processor { get; }

    /// <summary>
    /// The <c>preprocessor_config.json</c> of a model directory, or <paramref name="directoryOrFile"/> itself when it is
    /// a file; one rule for every processor.
    /// </summary>
    /// <exception cref="ProcessorFileNotFoundException">There is no such file.</exception>
    public static string PreprocessorConfig(string directoryOrFile, string processor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directoryOrFile);
        var path = File.Exists(directoryOrFile) && !Directory.Exists(directoryOrFile)
            ? directoryOrFile
            : Path.Combine(directoryOrFile, "preprocessor_config.json");
        return File.Exists(path) ? path : throw new ProcessorFileNotFoundException(path, processor);
    }
}
