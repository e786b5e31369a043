using System.CommandLine;
using MlNetIconclass.Collections;
using MlNetIconclass.Persistence;
using MlNetIconclass.Thesaurus;
using MlNetIconclass.Training;
using Spectre.Console;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// <c>iconclass train</c>: a training run (<see cref="TrainingRun"/>) from flags or a training config, or the transfer
/// curve (<see cref="TransferCurve"/>); and <c>iconclass pretrain</c>, the same run with the pretraining recipe's
/// defaults (<see cref="DualEncoderOptions.ForPretraining"/>).
/// </summary>
internal static class TrainCommand
{
    public static Command Create() =>
        Create("train", "Train the dual encoder on a collection and save the model", pretraining: false);

    public static Command CreatePretrain() =>
        Create(
            "pretrain",
            "Pretrain the encoder: distil MiniLM through the thesaurus in all its languages, on no collection (the "
                + "records' validation share only chooses the hybrid weights), and save the model that training starts "
                + "from and that ranks zero-shot",
            pretraining: true
        );

    private static Command Create(string name, string description, bool pretraining)
    {
        var data = new Option<string[]>("--data")
        {
            Description =
                "Collections in the project's Parquet schema; repeat to train on several (default: the bundled "
                + "Rijksmuseum Suriname sample)",
            DefaultValueFactory = _ => [BundledSamples.RijksmuseumSuriname],
        };
        var config = new Option<string?>("--config")
        {
            Description =
                "A training config (JSON; 'iconclass init' writes a commented one): replaces the other options",
        };
        var output = new Option<string?>("--output")
        {
            Description = "The model file to write (required without --config)",
        };
        var report = new Option<string?>("--report")
        {
            Description = "Folder for the training report (default: beside the model, MODEL-report)",
        };
        var split = new Option<TrainingSplit>("--split")
        {
            Description =
                "Train: the protocol's train split, evaluated on the test split against the baselines; All: every "
                + "record",
            DefaultValueFactory = _ => TrainingSplit.Train,
        };
        // Shorthands for settings the generated flags also reach.
        var images = new Option<bool>("--images")
        {
            Description = "Fuse image features into the query tower (--modalities text,image)",
        };
        var zeroShot = new Option<bool>("--zero-shot")
        {
            Description = "Train on the thesaurus alone (--use-collection false)",
        };
        var noEpochValidation = new Option<bool>("--no-epoch-validation")
        {
            Description = "Skip ranking the validation records after each epoch (--validate-each-epoch false)",
        };
        var learningCurve = new Option<bool>("--learning-curve")
        {
            Description =
                "Instead of one model, train on 0, 100, 300, 1,000 and all training records, from the pretrained model "
                + "and from scratch, and write the test figures against kNN and BM25 to --report (a table and a chart)",
        };
        var settings = new SettingFlags();

        var command = new Command(name, description) { data, output, split, images, noEpochValidation, report };
        if (!pretraining)
        {
            command.Options.Add(zeroShot);
            command.Options.Add(config);
            command.Options.Add(learningCurve);
        }
        foreach (var flag in settings.All)
            command.Options.Add(flag);
        command.SetAction(
            (result, cancellation) =>
                CommandRunner.RunAsync(async () =>
                {
                    var thesaurus = IconclassThesaurus.LoadBundled();
                    List<ArtworkRecord> records;
                    TrainingPlan plan;
                    if (result.GetValue(config) is { } configPath)
                    {
                        var explicitOptions = command
                            .Options.Where(o => o != config && result.GetResult(o) is { Implicit: false })
                            .Select(o => o.Name)
                            .ToArray();
                        if (explicitOptions.Length > 0)
                            throw new UsageException(
                                $"--config replaces the other options; remove {string.Join(", ", explicitOptions)} "
                                    + $"or put them in the config."
                            );
                        var trainingConfig = TrainingConfig.Load(configPath, thesaurus);
                        (records, var problems) = await trainingConfig.ReadRecordsAsync(thesaurus, cancellation);
                        foreach (var problem in problems)
                            CommandRunner.Warn(problem);
                        plan = trainingConfig.Plan();
                    }
                    else
                    {
                        var options = pretraining
                            ? DualEncoderOptions.ForPretraining(thesaurus)
                            : new DualEncoderOptions { Seed = 1 };
                        if (result.GetValue(images))
                            options.Modalities = [QueryModality.Text, QueryModality.Image];
                        if (result.GetValue(zeroShot))
                            options.UseCollection = false;
                        if (result.GetValue(noEpochValidation))
                            options.ValidateEachEpoch = false;
                        settings.Apply(result, options);
                        var problems = options.Problems(thesaurus).Select(SettingFlags.AsFlagProblem).ToArray();
                        if (problems.Length > 0)
                            throw new UsageException(string.Join("; ", problems));
                        records = await ArtworkParquet.ReadCollectionsAsync(
                            result.GetRequiredValue(data),
                            cancellation
                        );
                        if (result.GetValue(learningCurve))
                            return RunLearningCurve(
                                thesaurus,
                                records,
                                options,
                                result.GetValue(report) ?? "transfer-curve",
                                cancellation
                            );
                        plan = new TrainingPlan(
                            options,
                            result.GetValue(output)
                                ?? throw new UsageException("--output is required (or give --config).")
                        )
                        {
                            Split = result.GetValue(split),
                        };
                        if (result.GetValue(report) is { } reportFolder)
                            plan = plan with { ReportFolder = reportFolder };
                    }

                    using var run = Train(thesaurus, records, plan, cancellation);
                    if (run.Evaluation is { } evaluation)
                        EvaluateCommand.PrintMetrics(evaluation);
                    AnsiConsole.WriteLine($"wrote the report to {run.ReportFolder} (report.json, learning-curve.png)");
                    return ExitCodes.Success;
                })
        );
        return command;
    }

    /// <summary>The transfer curve, its table printed and its files written to <paramref name="folder"/>.</summary>
    private static int RunLearningCurve(
        IconclassThesaurus thesaurus,
        IReadOnlyList<ArtworkRecord> records,
        DualEncoderOptions options,
        string folder,
        CancellationToken cancellation
    )
    {
        OutputPaths.CheckFolder(folder, "report folder");
        IReadOnlyList<TransferPoint> points = [];
        WithProgress(
            (log, progress) =>
                points = TransferCurve.Run(
                    thesaurus,
                    records,
                    options,
                    TransferCurve.DefaultSizes,
                    log,
                    progress,
                    cancellation
                )
        );
        TransferCurve.Write(folder, points);
        AnsiConsole.Write(TransferCurve.Table(points));
        AnsiConsole.WriteLine(
            TransferCurve.PassesKnnAt(points) is { } size
                ? $"from the pretrained model, the model beats kNN on R@10 and MRR from {size:N0} training records on"
                : "from the pretrained model, the model does not beat kNN at every point from some size on"
        );
        AnsiConsole.WriteLine(
            $"wrote the transfer curve to {folder} (transfer-curve.md, transfer-curve.json, transfer-curve.png)"
        );
        return ExitCodes.Success;
    }

    /// <summary>
    /// The run with a progress bar per epoch; the epoch figures and other news are printed as they come.
    /// </summary>
    private static TrainingResult Train(
        IconclassThesaurus thesaurus,
        IReadOnlyList<ArtworkRecord> records,
        TrainingPlan plan,
        CancellationToken cancellation
    )
    {
        TrainingResult? run = null;
        WithProgress((log, progress) => run = TrainingRun.Run(thesaurus, records, plan, log, progress, cancellation));
        return run!;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar per epoch, its log lines printed as they come.
    /// </summary>
    private static void WithProgress(Action<Action<string>, IProgress<TrainingProgress>> work) =>
        ProgressDisplay.Run(addStage =>
        {
            IProgressStage? stage = null;
            var progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                string description = p.ToString();
                if (stage is null || stage.IsFinished || stage.Value > p.Step)
                    stage = addStage(description);
                stage.Report(p.Step, p.Steps, description);
            });
            work(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]"), progress);
        });
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread, in order.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
