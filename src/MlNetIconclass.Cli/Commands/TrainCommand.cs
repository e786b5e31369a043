using System.CommandLine;
using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Features;
using MlNetIconclass.Thesaurus;
using MlNetIconclass.Training;
using Spectre.Console;

namespace MlNetIconclass.Cli.Commands;

/// <summary><c>iconclass train</c>: trains the dual encoder and its hybrid ranker, and saves one model file.</summary>
internal static class TrainCommand
{
    private sealed record TrainingRun(DualEncoderOptions Options, List<ArtworkRecord> Records, string Split, string OutputPath, string ReportFolder);

    public static Command Create()
    {
        var data = new Option<string[]>("--data")
        {
            Description = "Collections in the project's Parquet schema; repeat to train on several (default: the bundled Rijksmuseum Suriname sample)",
            DefaultValueFactory = _ => [BundledSamples.RijksmuseumSuriname],
        };
        var images = new Option<bool>("--images") { Description = "Fuse image features (ResNet18) into the query tower, trained on the records that have an image" };
        var imageCache = new Option<string?>("--image-cache") { Description = "Folder to keep image features in, so retraining does not recompute them" };
        var backboneEpochs = new Option<int>("--image-backbone-epochs") { Description = "With --images: passes that fine-tune ResNet18 itself, in TorchSharp (0: only its projection is trained)" };
        var config = new Option<string?>("--config") { Description = "A training config (JSON; 'iconclass init' writes a commented one): replaces the other options" };
        var output = new Option<string?>("--output") { Description = "The model file to write (required without --config)" };
        var report = new Option<string?>("--report") { Description = "Folder for the training report (default: beside the model, MODEL-report)" };
        var encoder = new Option<TextEncoderKind>("--encoder") { Description = "Ngram (from scratch, language-agnostic) or MiniLm", DefaultValueFactory = _ => TextEncoderKind.Ngram };
        var epochs = new Option<int>("--epochs") { Description = "Epochs over the collection", DefaultValueFactory = _ => new DualEncoderOptions().Epochs };
        var thesaurusEpochs = new Option<int>("--thesaurus-epochs") { Description = "Pretraining epochs on thesaurus pairs (0: none)", DefaultValueFactory = _ => new DualEncoderOptions().ThesaurusEpochs };
        var thesaurusExamples = new Option<int>("--thesaurus-examples") { Description = "Thesaurus pairs per epoch", DefaultValueFactory = _ => new DualEncoderOptions().ThesaurusExamplesPerEpoch };
        var zeroShot = new Option<bool>("--zero-shot") { Description = "Train on the thesaurus alone (the collection only picks the hybrid weights)" };
        var split = new Option<string>("--split") { Description = "train: the protocol's train split, so evaluate can use the test split; all: every record", DefaultValueFactory = _ => "train" };
        split.AcceptOnlyFromAmong("train", "all");
        var seed = new Option<int>("--seed") { Description = "Random seed (training is reproducible on CPU)", DefaultValueFactory = _ => 1 };
        var device = new Option<ComputeDevice>("--device") { Description = "Auto, Cpu or Cuda", DefaultValueFactory = _ => ComputeDevice.Auto };
        var batchSize = new Option<int>("--batch-size") { Description = "Records per training step", DefaultValueFactory = _ => new DualEncoderOptions().BatchSize };
        var noEpochValidation = new Option<bool>("--no-epoch-validation") { Description = "Skip ranking the validation records after each epoch (slow for MiniLM on a CPU)" };
        var fields = CommonOptions.Fields();
        fields.Description = "Record text the model queries with: Titles or TitlesAndDescriptions";
        fields.DefaultValueFactory = _ => new DualEncoderOptions().QueryFields;

        var command = new Command("train", "Train the dual encoder on a collection and save the model")
        {
            data, output, encoder, epochs, thesaurusEpochs, thesaurusExamples, zeroShot, split, batchSize, noEpochValidation, seed, device, fields,
            images, imageCache, backboneEpochs, config, report,
        };
        command.SetAction((result, cancellation) => CommandRunner.RunAsync(async () =>
        {
            var thesaurus = IconclassThesaurus.LoadBundled();
            TrainingRun run;
            if (result.GetValue(config) is { } configPath)
            {
                var explicitOptions = command.Options.Where(o => o != config && result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToArray();
                if (explicitOptions.Length > 0)
                    throw new UsageException($"--config replaces the other options; remove {string.Join(", ", explicitOptions)} or put them in the config.");
                var trainingConfig = TrainingConfig.Load(configPath, thesaurus);
                var (configRecords, problems) = await trainingConfig.ReadRecordsAsync(thesaurus, cancellation);
                foreach (var problem in problems) CommandRunner.Warn(problem);
                run = new TrainingRun(trainingConfig.ToOptions(), configRecords, trainingConfig.Split, trainingConfig.OutputPath, trainingConfig.ReportFolder);
            }
            else
            {
                var options = new DualEncoderOptions
                {
                    Encoder = result.GetValue(encoder),
                    Epochs = Positive(result.GetValue(epochs), "--epochs"),
                    ThesaurusEpochs = Math.Max(0, result.GetValue(thesaurusEpochs)),
                    ThesaurusExamplesPerEpoch = Positive(result.GetValue(thesaurusExamples), "--thesaurus-examples"),
                    UseCollection = !result.GetValue(zeroShot),
                    BatchSize = Positive(result.GetValue(batchSize), "--batch-size"),
                    ValidateEachEpoch = !result.GetValue(noEpochValidation),
                    Seed = result.GetValue(seed),
                    Device = result.GetValue(device),
                    QueryFields = result.GetValue(fields),
                    ImageModel = result.GetValue(images) ? ImageModelOptions.ResNet18 : null,
                    ImageCacheFolder = result.GetValue(imageCache),
                    ImageBackboneEpochs = Math.Max(0, result.GetValue(backboneEpochs)),
                };
                if (options.ImageBackboneEpochs > 0 && options.ImageModel is null)
                    throw new UsageException("--image-backbone-epochs fine-tunes the image model: add --images.");
                string outputPath = result.GetValue(output) ?? throw new UsageException("--output is required (or give --config).");
                var records = await ArtworkParquet.ReadCollectionsAsync(result.GetRequiredValue(data), cancellation);
                run = new TrainingRun(options, records, result.GetRequiredValue(split), outputPath,
                    result.GetValue(report) ?? TrainingConfig.DefaultReportFolder(outputPath));
            }

            var trainRecords = run.Split == "train" ? ProtocolSplit.Split(run.Records).Train.ToList() : run.Records;
            using var model = Fit(thesaurus, trainRecords, run.Options);
            model.Save(run.OutputPath);
            AnsiConsole.WriteLine($"wrote {run.OutputPath} ({new FileInfo(run.OutputPath).Length / 1e6:0.0} MB); " +
                                  $"trained in {model.Manifest.TrainingSeconds:0} s; hybrid weights: {model.Manifest.Weights}");

            // The final evaluation needs the held-out test split; a model trained on all records has none.
            EvaluationResult? evaluation = null;
            if (run.Split == "train")
            {
                evaluation = new Evaluator(thesaurus).Evaluate(run.Records, new EvaluationOptions { QueryFields = QueryFields.Titles, DataName = "training config" },
                    baselines: true, _ => new ModelUnderTest(model, []));
                EvaluateCommand.PrintMetrics(evaluation);
            }
            TrainingReport.Write(run.ReportFolder, model.Manifest, evaluation, run.OutputPath);
            AnsiConsole.WriteLine($"wrote the report to {run.ReportFolder} (report.json, learning-curve.png)");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Trains with a progress bar per epoch; the epoch figures are printed as each epoch ends.</summary>
    internal static IconclassModel Fit(IconclassThesaurus thesaurus, IReadOnlyList<ArtworkRecord> records, DualEncoderOptions options)
    {
        IconclassModel? model = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                var progress = new SynchronousProgress<TrainingProgress>(p =>
                {
                    string description = $"{p.Phase} epoch {p.Epoch}/{p.Epochs} (loss {p.Loss:0.000})";
                    if (task is null || task.IsFinished || task.Value > p.Step) task = context.AddTask(description, maxValue: p.Steps);
                    task.Description = description;
                    task.Value = p.Step;
                });
                model = IconclassModel.Fit(thesaurus, records, options, message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]"), progress);
            });
        return model!;
    }

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new UsageException($"{option} must be positive.");
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread, in order.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
