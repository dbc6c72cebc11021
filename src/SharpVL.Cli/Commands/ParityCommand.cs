using System.CommandLine;
using System.Text.Json;
using SharpVL.Parity;
using Spectre.Console;

namespace SharpVL.Cli.Commands;

/// <summary><c>sharpvl parity manifest.json [--filter glob] [--json]</c>: compares SharpVL with the reference fixtures.</summary>
internal static class ParityCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var manifestArgument = new Argument<FileInfo>("manifest") { Description = "Path to a fixtures manifest.json." };
        var filterOption = new Option<string?>("--filter") { Description = "Only cases whose name matches this glob (* and ?)." };
        var jsonOption = new Option<bool>("--json") { Description = "Print a JSON report instead of a table." };
        var command = new Command("parity", "Run reference fixtures through SharpVL and report max abs/rel error and PASS/FAIL per case.")
        {
            manifestArgument, filterOption, jsonOption,
        };
        command.SetAction(parse => Run(parse.GetValue(manifestArgument)!, parse.GetValue(filterOption), parse.GetValue(jsonOption)));
        return command;
    }

    private static int Run(FileInfo manifestFile, string? filter, bool json)
    {
        FixtureManifest manifest;
        try
        {
            manifest = FixtureManifest.Load(manifestFile.FullName);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or JsonException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
        var runner = new ParityRunner(manifest, ParityRegistry.CreateDefault());
        var results = runner.RunAll(filter, json ? null : PrintLine);
        var passed = results.Count(r => r.Status == CaseStatus.Passed);
        var failed = results.Count - passed;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                passed,
                failed,
                cases = results.Select(r => new
                {
                    name = r.Name,
                    kind = r.Kind,
                    target = r.Target,
                    status = StatusText(r.Status),
                    max_abs_error = Finite(r.MaxAbsError),
                    max_rel_error = Finite(r.MaxRelError),
                    message = r.Message,
                    groups = r.Groups.Select(g => new
                    {
                        name = g.Name,
                        passed = g.Passed,
                        count = g.Count,
                        failed = g.Count - g.PassedCount,
                        max_abs_error = Finite(g.MaxAbsError),
                        max_rel_error = Finite(g.MaxRelError),
                    }),
                    outputs = r.Comparisons.Select(c => new
                    {
                        key = c.Key,
                        passed = c.Passed,
                        max_abs_error = Finite(c.MaxAbsError),
                        max_rel_error = Finite(c.MaxRelError),
                        problem = c.Problem,
                        group = c.Group,
                    }),
                }),
            }, Indented));
        }
        Console.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string StatusText(CaseStatus status) => status switch
    {
        CaseStatus.Passed => "PASS",
        CaseStatus.Failed => "FAIL",
        CaseStatus.NotImplemented => "NOT IMPLEMENTED",
        _ => "ERROR",
    };

    private static void PrintLine(CaseResult result)
    {
        var color = result.Status == CaseStatus.Passed ? "green" : result.Status == CaseStatus.NotImplemented ? "yellow" : "red";
        var errors = result.Comparisons.Count > 0 ? $"max_abs={result.MaxAbsError:0.###e+0} max_rel={result.MaxRelError:0.###e+0}" : "";
        AnsiConsole.MarkupLine($"[{color}]{Markup.Escape(StatusText(result.Status)),-15}[/] {Markup.Escape(result.Name),-48} {errors}");
        foreach (var group in result.Groups)
        {
            var verdict = group.Passed ? "[green]pass[/]" : $"[red]{group.Count - group.PassedCount} of {group.Count} fail[/]";
            AnsiConsole.MarkupLine(
                $"    {Markup.Escape(group.Name),-20} {group.Count,5} keys  {verdict}  max_abs={group.MaxAbsError:0.###e+0} max_rel={group.MaxRelError:0.###e+0}");
        }
        foreach (var comparison in result.Comparisons.Where(c => !c.Passed))
        {
            AnsiConsole.MarkupLine($"    [red]{Markup.Escape(comparison.Key)}[/]: max_abs={comparison.MaxAbsError:g4} {Markup.Escape(comparison.Problem ?? "")}");
        }
        if (result.Message is not null && result.Status != CaseStatus.Passed)
        {
            AnsiConsole.MarkupLine($"    {Markup.Escape(result.Message)}");
        }
    }
}
