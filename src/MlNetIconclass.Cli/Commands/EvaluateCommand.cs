using System.CommandLine;
using System.Globalization;
using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Thesaurus;
using Spectre.Console;

namespace MlNetIconclass.Cli.Commands;

/// <summary><c>iconclass evaluate</c>: the evaluation protocol of DESIGN.md on a collection's test split.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var baselines = new Option<bool>("--baselines") { Description = "Evaluate the prior, BM25 and kNN baselines" };
        var ks = new Option<string>("--k") { Description = "Cut-offs for R@k, P@k, F1@k, Hit@k, NDCG@k, comma-separated", DefaultValueFactory = _ => "1,5,10" };
        var report = new Option<string?>("--report") { Description = "Write the JSON report here" };
        var perRecord = new Option<string?>("--per-record") { Description = "Write each record's ranking and metrics here (Parquet)" };
        var perCode = new Option<string?>("--per-code") { Description = "Write each code's support, recall@10 and precision@10 here (Parquet)" };
        var fields = CommonOptions.Fields();

        var command = new Command("evaluate", "Fit on the train split, rank the test split, and report the protocol's metrics")
        {
            data, baselines, ks, report, perRecord, perCode, fields,
        };
        command.SetAction((result, cancellation) => CommandRunner.RunAsync(async () =>
        {
            if (!result.GetValue(baselines))
                throw new UsageException("nothing to evaluate: no trained model exists yet, so pass --baselines.");
            var cutoffs = ParseCutoffs(result.GetRequiredValue(ks));
            string dataPath = result.GetRequiredValue(data);
            var records = await ArtworkParquet.ReadAllAsync(dataPath, cancellation);
            var thesaurus = IconclassThesaurus.LoadBundled();
            var options = new EvaluationOptions { QueryFields = result.GetValue(fields), Ks = cutoffs, DataName = dataPath };

            EvaluationResult? evaluation = null;
            await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("ranking test records");
                    var progress = new Progress<(int Done, int Total)>(p => { task.MaxValue = p.Total; task.Value = p.Done; });
                    evaluation = await Task.Run(() => new Evaluator(thesaurus).Evaluate(records, options, baselines: true, progress: progress), cancellation);
                    task.Value = task.MaxValue;
                });

            Print(evaluation!);
            if (result.GetValue(report) is { } reportPath)
            {
                EvaluationReports.WriteJson(evaluation!, reportPath);
                AnsiConsole.WriteLine($"wrote {reportPath}");
            }
            if (result.GetValue(perRecord) is { } perRecordPath)
            {
                await EvaluationReports.WritePerRecordAsync(evaluation!, perRecordPath);
                AnsiConsole.WriteLine($"wrote {perRecordPath}");
            }
            if (result.GetValue(perCode) is { } perCodePath)
            {
                await EvaluationReports.WritePerCodeAsync(evaluation!, perCodePath);
                AnsiConsole.WriteLine($"wrote {perCodePath}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static int[] ParseCutoffs(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => int.TryParse(part, out int k) && k > 0 ? k : throw new UsageException($"--k: '{part}' is not a positive whole number."))
            .ToArray();

    private static void Print(EvaluationResult evaluation)
    {
        var split = evaluation.Split;
        AnsiConsole.WriteLine($"data: {evaluation.Data}");
        AnsiConsole.WriteLine($"split: {split.Train} train ({split.TrainWithoutGold} without resolvable gold), " +
                              $"{split.Test} test ({split.TestWithoutGold} without resolvable gold); n = {evaluation.N}");
        AnsiConsole.WriteLine($"unresolvable gold codes: {evaluation.Unresolvable.Codes} " +
                              $"({string.Join(", ", evaluation.Unresolvable.Distinct.Take(10))}{(evaluation.Unresolvable.Distinct.Count > 10 ? ", ..." : "")})");
        var table = new Table().AddColumn("metric");
        foreach (var ranker in evaluation.Metrics.Keys) table.AddColumn(new TableColumn(ranker).RightAligned());
        foreach (var name in evaluation.MetricNames)
            table.AddRow(evaluation.Metrics.Values.Select(metrics => metrics[name].ToString("0.000", CultureInfo.InvariantCulture)).Prepend(name).ToArray());
        AnsiConsole.Write(table);
    }
}
