using System.Globalization;
using System.Text.Json;
using SharpVL.Fuzz;

// sharpvl fuzzing campaign: dotnet run --project tests/SharpVL.Fuzz -c Release -- [--target name|all] [--seconds N]
//     [--inputs N] [--seed S] [--save dir] [--json]
// Exit code 0 when every read loaded or failed with a clear SharpVL error, 1 when anything unexpected happened.
var target = "all";
double seconds = 60;
long inputs = long.MaxValue;
int seed = 1;
string? save = null;
bool json = false;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--target": target = Next(); break;
        case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--inputs": inputs = long.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--save": save = Next(); break;
        case "--json": json = true; break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}; usage: [--target {string.Join("|", FuzzTargets.All.Select(t => t.Name))}|all] [--seconds N] [--inputs N] [--seed S] [--save dir] [--json]");
            return 2;
    }
}
var root = FindRoot();
var targets = target == "all" ? FuzzTargets.All : [FuzzTargets.Named(target)];
var reports = new List<FuzzReport>();
foreach (var t in targets)
{
    var settings = new FuzzSettings(seed, inputs, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(30), FailureDirectory: save);
    var report = FuzzCampaign.Run(t, settings, root, new Progress<FuzzReport>(r => Console.Error.WriteLine("  " + r)));
    reports.Add(report);
    Console.Error.WriteLine(report);
    foreach (var finding in report.Unexpected)
    {
        Console.Error.WriteLine($"  UNEXPECTED {finding.Reader}: {finding.Problem}{(finding.SavedTo is null ? "" : " (saved to " + finding.SavedTo + ")")}");
    }
}
if (json)
{
    Console.WriteLine(JsonSerializer.Serialize(reports, new JsonSerializerOptions { WriteIndented = true }));
}
return reports.All(r => r.UnexpectedCount == 0) ? 0 : 1;

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "SharpVL.sln")))
        {
            return dir.FullName;
        }
    }
    return Directory.GetCurrentDirectory();
}
