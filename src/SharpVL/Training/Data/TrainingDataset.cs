using SharpVL.Search;

namespace SharpVL.Training.Data;

/// <summary>
/// A list of training videos with their labels or captions, read from one of the layouts <c>sharpvl train</c> takes:
/// a folder with one subfolder per label (<c>data/&lt;label&gt;/*.mp4</c>, the UCF101 layout), or a CSV / JSONL file
/// of <c>path,label</c> or <c>path,text</c> rows (relative paths are relative to the file).
/// </summary>
public sealed class TrainingDataset
{
    /// <summary>Creates a dataset over <paramref name="examples"/>.</summary>
    /// <param name="source">Where the examples came from (named in errors).</param>
    /// <param name="examples">The examples, in file order.</param>
    public TrainingDataset(string source, IReadOnlyList<TrainingExample> examples)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Examples = examples ?? throw new ArgumentNullException(nameof(examples));
    }

    /// <summary>The folder or file the examples were read from.</summary>
    public string Source { get; }

    /// <summary>The examples.</summary>
    public IReadOnlyList<TrainingExample> Examples { get; }

    /// <summary>Number of examples.</summary>
    public int Count => Examples.Count;

    /// <summary>Whether every example has a class label.</summary>
    public bool HasLabels => Examples.Count > 0 && Examples.All(e => e.Label is not null);

    /// <summary>Whether every example has a caption.</summary>
    public bool HasTexts => Examples.Count > 0 && Examples.All(e => e.Text is not null);

    /// <summary>The distinct labels, sorted ordinally: class i of a new head is <c>Labels[i]</c>.</summary>
    public IReadOnlyList<string> Labels => [.. Examples.Select(e => e.Label).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Reads a dataset folder (one subfolder per label) or a <c>.csv</c> / <c>.jsonl</c> file.</summary>
    /// <exception cref="TrainingDataException">The path does not exist, a row is malformed, a column is missing, or no video was found.</exception>
    public static TrainingDataset Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var examples = Directory.Exists(full) ? FromFolder(full)
            : File.Exists(full) ? Path.GetExtension(full).ToLowerInvariant() switch
            {
                ".csv" => DatasetFiles.ReadCsv(full),
                ".jsonl" or ".json" => DatasetFiles.ReadJsonLines(full),
                _ => throw new TrainingDataException($"{path}: not a dataset; give a folder with one subfolder per label, or a .csv / .jsonl file.", path),
            }
            : throw new TrainingDataException($"{path}: no such file or folder.", path);
        if (examples.Count == 0)
        {
            throw new TrainingDataException($"{path}: the dataset is empty (no videos found).", path);
        }
        return new TrainingDataset(full, examples);
    }

    private static List<TrainingExample> FromFolder(string folder)
    {
        var examples = new List<TrainingExample>();
        foreach (var labelFolder in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var label = Path.GetFileName(labelFolder);
            examples.AddRange(Directory.EnumerateFiles(labelFolder, "*", SearchOption.AllDirectories)
                .Where(VideoFiles.IsVideo).Order(StringComparer.Ordinal).Select(f => new TrainingExample(f, Label: label)));
        }
        if (examples.Count == 0 && Directory.EnumerateFiles(folder).Any(VideoFiles.IsVideo))
        {
            throw new TrainingDataException(
                $"{folder}: videos lie directly in the folder; put them in one subfolder per label (<data>/<label>/*.mp4).", folder);
        }
        return examples;
    }

    /// <summary>
    /// Checks the data can train the <paramref name="task"/>: classification needs labels and at least two classes,
    /// contrastive training needs captions and at least two pairs.
    /// </summary>
    /// <exception cref="TrainingDataException">What is missing, naming the data.</exception>
    public void Validate(TrainingTaskKind task)
    {
        switch (task)
        {
            case TrainingTaskKind.Classification when !HasLabels:
                throw new TrainingDataException($"{Source}: a label is missing (classification needs a 'label' column or one subfolder per label).", Source);
            case TrainingTaskKind.Classification when Labels.Count < 2:
                throw new TrainingDataException($"{Source}: only one class ('{Labels[0]}'); classification needs at least two labels.", Source);
            case TrainingTaskKind.Contrastive when !HasTexts:
                throw new TrainingDataException($"{Source}: a text is missing (contrastive training of X-CLIP/AltCLIP needs 'path,text' rows).", Source);
            case TrainingTaskKind.Contrastive when Count < 2:
                throw new TrainingDataException($"{Source}: contrastive training needs at least two (video, text) pairs.", Source);
            default:
                break;
        }
    }

    /// <summary>This dataset without the examples whose paths are in <paramref name="paths"/>.</summary>
    public TrainingDataset Without(IReadOnlyCollection<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var skip = paths.ToHashSet(StringComparer.Ordinal);
        return new TrainingDataset(Source, [.. Examples.Where(e => !skip.Contains(e.Path))]);
    }
}
