using System.CommandLine;
using MlNetIconclass.Collections;
using MlNetIconclass.Thesaurus;
using MlNetIconclass.Training;
using Spectre.Console;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// <c>iconclass train</c>: a training run (<see cref="TrainingRun"/>) from flags or a training config.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
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
        var settings = new SettingFlags();

        var command = new Command("train", "Train the dual encoder on a collection and save the model")
        {
            data,
            output,
            split,
            images,
            zeroShot,
            noEpochValidation,
            config,
            report,
        };
        foreach (var flag in settings.All)
            command.Options.Add(flag);
        command.SetAction(
            (result, cancellation) =>
                CommandRunner.RunAsync(async () =>
                {
                    var thesaurus = IconclassThesaurus.LoadBundled();
                    List<ArtworkRecord> records;
                    DualEncoderOptions options;
                    TrainingSplit trainingSplit;
                    string modelPath,
                        reportFolder;
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
                        (options, trainingSplit, modelPath, reportFolder) = (
                            trainingConfig.TrainingOptions(),
                            trainingConfig.Split,
                            trainingConfig.OutputPath,
                            trainingConfig.ReportFolder
                        );
                    }
                    else
                    {
                        options = new DualEncoderOptions { Seed = 1 };
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
                        modelPath =
                            result.GetValue(output)
                            ?? throw new UsageException("--output is required (or give --config).");
                        records = await ArtworkParquet.ReadCollectionsAsync(
                            result.GetRequiredValue(data),
                            cancellation
                        );
                        (trainingSplit, reportFolder) = (
                            result.GetValue(split),
                            result.GetValue(report) ?? TrainingRun.DefaultReportFolder(modelPath)
                        );
                    }

                    using var run = Train(
                        thesaurus,
                        records,
                        options,
                        trainingSplit,
                        modelPath,
                        reportFolder,
                        cancellation
                    );
                    if (run.Evaluation is { } evaluation)
                        EvaluateCommand.PrintMetrics(evaluation);
                    AnsiConsole.WriteLine($"wrote the report to {run.ReportFolder} (report.json, learning-curve.png)");
                    return ExitCodes.Success;
                })
        );
        return command;
    }

    /// <summary>
    /// The run with a progress bar per epoch; the epoch figures and other news are printed as they come.
    /// </summary>
    private static TrainingResult Train(
        IconclassThesaurus thesaurus,
        IReadOnlyList<ArtworkRecord> records,
        DualEncoderOptions options,
        TrainingSplit split,
        string modelPath,
        string reportFolder,
        CancellationToken cancellation
    )
    {
        TrainingResult? run = null;
        ProgressBars
            .Create()
            .Start(context =>
            {
                ProgressTask? task = null;
                var progress = new SynchronousProgress<TrainingProgress>(p =>
                {
                    string description = p.ToString();
                    if (task is null || task.IsFinished || task.Value > p.Step)
                        task = context.AddTask(description, maxValue: p.Steps);
                    task.Description = description;
                    task.Value = p.Step;
                });
                run = TrainingRun.Run(
                    thesaurus,
                    records,
                    options,
                    split,
                    modelPath,
                    reportFolder,
                    message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]"),
                    progress,
                    cancellation
                );
            });
        return run!;
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread, in order.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
