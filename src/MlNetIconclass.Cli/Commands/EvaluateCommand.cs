using System.CommandLine;
using System.Globalization;
using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Persistence;
using MlNetIconclass.Thesaurus;
using MlNetIconclass.Training;
using Spectre.Console;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// <c>iconclass evaluate</c>: the evaluation protocol (docs/evaluation-protocol.md) on a collection's test split.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var baselines = new Option<bool>("--baselines") { Description = "Evaluate the prior, BM25 and kNN baselines" };
        var model = CommonOptions.Model("The model file to evaluate");
        var noModel = new Option<bool>("--no-model") { Description = "Evaluate the baselines alone" };
        var ks = new Option<string>("--k")
        {
            Description = "Cut-offs for R@k, P@k, F1@k, Hit@k, NDCG@k, comma-separated",
            DefaultValueFactory = _ => "1,5,10",
        };
        var report = new Option<string?>("--report") { Description = "Write the JSON report here" };
        var perRecord = new Option<string?>("--per-record")
        {
            Description = "Write each record's ranking and metrics here (Parquet)",
        };
        var perCode = new Option<string?>("--per-code")
        {
            Description = "Write each code's support, recall@10 and precision@10 here (Parquet)",
        };
        var fields = CommonOptions.Fields();
        var imageRoot = CommonOptions.ImageRoot();

        var command = new Command(
            "evaluate",
            "Fit on the train split, rank the test split, and report the protocol's metrics"
        )
        {
            data,
            baselines,
            model,
            noModel,
            ks,
            report,
            perRecord,
            perCode,
            fields,
            imageRoot,
        };
        command.SetAction(
            (result, cancellation) =>
                CommandRunner.RunAsync(async () =>
                {
                    bool withBaselines = result.GetValue(baselines);
                    string? modelPath = result.GetValue(noModel) ? null : BundledModels.Resolve(result.GetValue(model));
                    if (modelPath is null && !withBaselines)
                        throw new UsageException("nothing to evaluate: --no-model without --baselines.");
                    var cutoffs = ParseCutoffs(result.GetRequiredValue(ks));
                    // Checked before the ranking, which would otherwise be lost to a mistyped path.
                    foreach (
                        var (name, path) in new[]
                        {
                            ("--report", result.GetValue(report)),
                            ("--per-record", result.GetValue(perRecord)),
                            ("--per-code", result.GetValue(perCode)),
                        }
                    )
                        if (path is not null)
                            OutputPaths.CheckFile(path, name);
                    string dataPath = result.GetRequiredValue(data);
                    var records = await ArtworkParquet.ReadCollectionsAsync([dataPath], cancellation);
                    var thesaurus = IconclassThesaurus.LoadBundled();
                    using var trained = modelPath is null
                        ? null
                        : IconclassModel.Load(
                            modelPath,
                            thesaurus,
                            new ModelLoadOptions { Log = message => AnsiConsole.WriteLine(message) }
                        );
                    var images = new ImageAccess(Root: result.GetValue(imageRoot));
                    // --fields sets the baselines' query text; a model reads what it was trained on.
                    var options = new EvaluationOptions
                    {
                        QueryFields = result.GetValue(fields),
                        Ks = cutoffs,
                        DataName = dataPath,
                        Baselines = withBaselines,
                    };
                    Func<IReadOnlyList<ArtworkRecord>, ModelUnderTest>? underTest = trained is null
                        ? null
                        : _ =>
                            trained.UnderTest(
                                ablations: true,
                                LearnedFusionTrainer.FeatureGroupAblations(trained, images),
                                images,
                                CommandRunner.Warn
                            );

                    EvaluationResult? evaluation = null;
                    await ProgressDisplay.RunAsync(async addStage =>
                    {
                        var task = addStage("ranking test records");
                        var progress = new Progress<(int Done, int Total)>(p =>
                        {
                            task.Report(p.Done, p.Total);
                        });
                        evaluation = await Task.Run(
                            () => new Evaluator(thesaurus).Evaluate(records, options, underTest, progress),
                            cancellation
                        );
                        task.Finish();
                    });

                    Print(evaluation!);
                    if (result.GetValue(report) is { } reportPath)
                    {
                        EvaluationReports.WriteJson(evaluation!, reportPath);
                        AnsiConsole.WriteLine($"wrote {reportPath}");
                        if (evaluation!.Calibration is { } calibration)
                        {
                            // Beside the report: report.json, report-reliability.png.
                            string diagram = Path.ChangeExtension(reportPath, null) + "-reliability.png";
                            await File.WriteAllBytesAsync(
                                diagram,
                                calibration.Diagram($"Reliability of {evaluation.Model}"),
                                cancellation
                            );
                            AnsiConsole.WriteLine($"wrote {diagram}");
                        }
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
                })
        );
        return command;
    }

    private static int[] ParseCutoffs(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part =>
                int.TryParse(part, out int k) && k > 0
                    ? k
                    : throw new UsageException($"--k: '{part}' is not a positive whole number.")
            )
            .ToArray();

    private static void Print(EvaluationResult evaluation)
    {
        var split = evaluation.Split;
        AnsiConsole.WriteLine($"data: {evaluation.Data}");
        AnsiConsole.WriteLine(
            $"split: {split.Train} train ({split.TrainWithoutGold} without resolvable gold), "
                + $"{split.Test} test ({split.TestWithoutGold} without resolvable gold); n = {evaluation.N}"
        );
        var unresolvable = evaluation.Unresolvable.Distinct;
        string examples = string.Join(", ", unresolvable.Take(10)) + (unresolvable.Count > 10 ? ", ..." : "");
        AnsiConsole.WriteLine($"unresolvable gold codes: {evaluation.Unresolvable.Codes} ({examples})");
        PrintMetrics(evaluation);
        if (evaluation.Calibration is { } calibration)
            // Plain Console: scripts grep this line.
            Console.WriteLine(
                $"calibration: expected calibration error {calibration.Ece:0.000} over the top "
                    + $"{Retrieval.ScoreCalibration.Depth} codes of each test record"
            );
    }

    /// <summary>The protocol's metrics tables, then the strict view's when it ran.</summary>
    internal static void PrintMetrics(EvaluationResult evaluation)
    {
        PrintMetrics(evaluation, evaluation.Metrics);
        if (evaluation.Strict is not { } strict)
            return;
        AnsiConsole.WriteLine(
            $"strict (names and keys kept, {strict.Labels} labels): n = {strict.N}, "
                + $"{strict.Unresolvable.Codes} gold codes the thesaurus cannot place"
        );
        PrintMetrics(evaluation, strict.Metrics);
    }

    /// <summary>The metrics table of a view: the model and the baselines side by side, then the ablation.</summary>
    private static void PrintMetrics(
        EvaluationResult evaluation,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> metrics
    )
    {
        var rankers = metrics.Keys.Except(evaluation.Ablations).ToArray();
        var table = new Table().AddColumn("metric");
        foreach (var ranker in rankers)
            table.AddColumn(new TableColumn(ranker).RightAligned());
        foreach (var name in evaluation.MetricNames)
            table.AddRow(rankers.Select(ranker => Format(metrics[ranker][name])).Prepend(name).ToArray());
        AnsiConsole.Write(table);
        if (evaluation.Ablations.Count == 0)
            return;

        var ablation = new Table()
            .AddColumns("ablation")
            .AddColumn(new TableColumn("R@10").RightAligned())
            .AddColumn(new TableColumn("MRR").RightAligned());
        foreach (var name in evaluation.Ablations.Prepend(evaluation.Model!))
            ablation.AddRow(name, Format(metrics[name]["R@10"]), Format(metrics[name]["MRR"]));
        AnsiConsole.Write(ablation);
    }

    private static string Format(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
