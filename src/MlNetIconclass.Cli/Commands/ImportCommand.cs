using System.CommandLine;
using MlNetIconclass.Collections;
using MlNetIconclass.Thesaurus;
using Spectre.Console;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// <c>iconclass import</c>: a CSV, TSV, JSON Lines or Rijksmuseum export into the project's Parquet schema.
/// </summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var format = new Option<SourceFormat>("--format")
        {
            Description = "csv, tsv, jsonl or rijksmuseum",
            Required = true,
        };
        var input = new Option<string>("--input") { Description = "The file to import", Required = true };
        var output = new Option<string>("--output") { Description = "The Parquet file to write", Required = true };
        var mapping = new MappingOptions();
        var showProblems = new Option<int>("--show-problems")
        {
            Description = "How many rejected records and dropped codes to list",
            DefaultValueFactory = _ => 20,
        };

        var command = new Command("import", "Import a collection into the project's Parquet schema")
        {
            format,
            input,
            output,
            showProblems,
        };
        foreach (var option in mapping.All)
            command.Options.Add(option);
        command.SetAction(
            (result, cancellation) =>
                CommandRunner.RunAsync(async () =>
                {
                    var sourceFormat = result.GetValue(format);
                    var thesaurus = IconclassThesaurus.LoadBundled();
                    var report = await new CollectionImporter(thesaurus).ImportAsync(
                        result.GetRequiredValue(input),
                        sourceFormat,
                        mapping.Build(result, sourceFormat),
                        result.GetRequiredValue(output),
                        cancellation
                    );
                    Print(report, result.GetRequiredValue(output), result.GetValue(showProblems));
                    return ExitCodes.Success;
                })
        );
        return command;
    }

    private static void Print(ImportReport report, string output, int show)
    {
        foreach (var warning in report.Warnings)
            CommandRunner.Warn(warning);
        var table = new Table().AddColumns("", "count").HideHeaders();
        table.AddRow("records read", report.RecordsRead.ToString());
        table.AddRow("records written", report.RecordsWritten.ToString());
        table.AddRow("records rejected", report.Rejected.Count.ToString());
        table.AddRow("codes written", report.CodesWritten.ToString());
        table.AddRow("distinct codes", report.DistinctCodes.Count.ToString());
        table.AddRow("malformed codes dropped", report.DroppedCodes.Count.ToString());
        table.AddRow("unresolvable codes (kept)", report.UnresolvableCodes.Count.ToString());
        table.AddRow("records with bytes not UTF-8 (kept)", report.TextWarnings.Count.ToString());
        if (report.DetectedLanguages.Count > 0)
            table.AddRow("languages detected", report.DetectedLanguagesLine());
        AnsiConsole.Write(table);
        foreach (
            var (title, problems) in new[]
            {
                ("rejected", report.Rejected),
                ("dropped code", report.DroppedCodes),
                ("unresolvable", report.UnresolvableCodes),
                ("not UTF-8", report.TextWarnings),
            }
        )
        {
            foreach (var problem in problems.Take(show))
                CommandRunner.Warn($"{title}: {problem}");
            if (problems.Count > show)
                CommandRunner.Warn($"... and {problems.Count - show} more {title}");
        }
        AnsiConsole.WriteLine($"wrote {output}");
    }
}
