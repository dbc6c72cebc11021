using System.Text.Json;

namespace SharpVL.Processing.Images;

/// <content>Reading and writing <c>preprocessor_config.json</c>.</content>
public sealed partial record ImageProcessingOptions
{
    /// <summary>
    /// Reads a <c>preprocessor_config.json</c> text: every known key overrides <paramref name="defaults"/>,
    /// every other key lands in <see cref="ExtraKeys"/>.
    /// </summary>
    /// <param name="json">The file's text.</param>
    /// <param name="defaults">The processor class's constructor defaults.</param>
    /// <param name="source">File name for error messages.</param>
    public static ImageProcessingOptions FromJson(string json, ImageProcessingOptions defaults, string source = "preprocessor_config.json")
    {
        ArgumentNullException.ThrowIfNull(defaults);
        using (var doc = PreprocessorJson.ParseObject(json, source))
        {
            var extras = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            var options = defaults;
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                try
                {
                    if (!TryApply(ref options, property.Name, property.Value))
                    {
                        extras[property.Name] = property.Value.Clone();
                    }
                }
                catch (ArgumentException e)
                {
                    throw PreprocessorJson.Invalid(source, property.Name, e);
                }
                catch (InvalidOperationException e)
                {
                    // JsonElement.GetString on a lone surrogate escape ("\ud800"): valid JSON, but no text.
                    throw PreprocessorJson.Fail(source, property.Name, "holds a string that is not valid Unicode (an unpaired surrogate escape).", e);
                }
            }
            options = options with { ExtraKeys = extras };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw PreprocessorJson.Fail(source, e.ParamName, e.Message.Split(" (Parameter", 2)[0], e);
            }
            return options;
        }
    }

    /// <summary>Reads <c>preprocessor_config.json</c> from a model directory (or the given file).</summary>
    /// <param name="directoryOrFile">The model directory, or the file.</param>
    /// <param name="defaults">The processor class's constructor defaults.</param>
    /// <param name="processor">The processor class, named in the error when the file is missing.</param>
    /// <exception cref="ProcessorFileNotFoundException">There is no <c>preprocessor_config.json</c>.</exception>
    public static ImageProcessingOptions FromPretrained(string directoryOrFile, ImageProcessingOptions defaults, string processor = "the image processor")
    {
        var path = ProcessorFileNotFoundException.PreprocessorConfig(directoryOrFile, processor);
        return FromJson(File.ReadAllText(path), defaults, path);
    }

    /// <summary>Serialises the options as Transformers writes <c>preprocessor_config.json</c> (keys sorted).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            var entries = new SortedDictionary<string, Action>(StringComparer.Ordinal)
            {
                ["do_resize"] = () => w.WriteBooleanValue(DoResize),
                ["size"] = () => Size.WriteTo(w),
                ["resample"] = () => w.WriteNumberValue((int)Resample),
                ["do_center_crop"] = () => w.WriteBooleanValue(DoCenterCrop),
                ["crop_size"] = () => CropSize.WriteTo(w),
                ["do_rescale"] = () => w.WriteBooleanValue(DoRescale),
                ["rescale_factor"] = () => w.WriteNumberValue(RescaleFactor),
                ["do_normalize"] = () => w.WriteBooleanValue(DoNormalize),
                ["image_mean"] = () => WriteList(w, ImageMean),
                ["image_std"] = () => WriteList(w, ImageStd),
            };
            if (DoConvertRgb is bool convert)
            {
                entries["do_convert_rgb"] = () => w.WriteBooleanValue(convert);
            }
            foreach (var (key, value) in ExtraKeys)
            {
                entries.TryAdd(key, () => value.WriteTo(w));
            }
            w.WriteStartObject();
            foreach (var (key, write) in entries)
            {
                w.WritePropertyName(key);
                write();
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteList(Utf8JsonWriter w, IReadOnlyList<double> values)
    {
        w.WriteStartArray();
        foreach (double v in values)
        {
            w.WriteNumberValue(v);
        }
        w.WriteEndArray();
    }
}
