using System.CommandLine;
using System.Diagnostics;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Scoring;
using MlNetIconclass.Thesaurus;
using Spectre.Console;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// <c>iconclass score</c>: ranked codes for every record of a collection dump, streamed, resumable, shardable.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model("The model file");
        var input = new Option<string>("--input")
        {
            Description =
                "The dump: a Parquet file or folder in the project schema, or a CSV, TSV or JSON Lines file with "
                + "--format and the column options",
            Required = true,
        };
        var output = new Option<string>("--output")
        {
            Description = "The Parquet file to write (one row per input row)",
            Required = true,
        };
        var format = new Option<SourceFormat?>("--format")
        {
            Description = "csv, tsv, jsonl or rijksmuseum, for a dump that is not Parquet",
        };
        var top = new Option<int?>("--top")
        {
            Description =
                "Codes kept per record (default: the limit the model chose on its validation records, else 20)",
        };
        var threshold = new Option<double?>("--threshold")
        {
            Description =
                "The lowest score a code is kept with, from 0 to 1: a probability for a calibrated model (default: the "
                + "threshold the model chose on its validation records, else 0)",
        };
        var explain = new Option<bool>("--explain")
        {
            Description =
                "Write why each code was suggested (an explanations column, JSON per code): the remembered records "
                + "that voted, the words that matched, each component's share. Slower: each record is explained alone",
        };
        var language = new Option<string?>("--language")
        {
            Description = "Language of the definitions written (default: each record's)",
        };
        var batch = new Option<int>("--batch")
        {
            Description = "Rows per chunk of a text dump (a Parquet dump's chunks are its row groups)",
            DefaultValueFactory = _ => ArtworkParquet.DefaultRowGroupSize,
        };
        var shard = new Option<string?>("--shard")
        {
            Description =
                "Score shard I of N (1-based, e.g. 2/4): every N-th chunk; merge the shards' outputs with 'iconclass "
                + "merge'",
        };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue a run that stopped, after its last complete chunk",
        };
        var device = new Option<ComputeDevice>("--device")
        {
            Description = "Auto, Cpu or Cuda",
            DefaultValueFactory = _ => ComputeDevice.Auto,
        };
        var imageRoot = CommonOptions.ImageRoot();
        var mapping = new MappingOptions();

        var command = new Command("score", "Rank Iconclass codes for every record of a collection dump")
        {
            model,
            input,
            output,
            format,
            top,
            threshold,
            explain,
            language,
            batch,
            shard,
            resume,
            device,
            imageRoot,
        };
        foreach (var option in mapping.All)
            command.Options.Add(option);
        command.SetAction(
            (result, cancellation) =>
                CommandRunner.RunAsync(async () =>
                {
                    var options = new ScoringOptions
                    {
                        Top = result.GetValue(top) ?? 20,
                        Threshold = result.GetValue(threshold) ?? 0,
                        Explain = result.GetValue(explain),
                        Language = result.GetValue(language),
                        Shard = result.GetValue(shard) is { } text ? ShardSpec.Parse(text) : ShardSpec.Whole,
                        Resume = result.GetValue(resume),
                        Images = new ImageAccess(Root: result.GetValue(imageRoot)),
                    };
                    int chunkSize =
                        result.GetValue(batch) > 0
                            ? result.GetValue(batch)
                            : throw new UsageException("--batch must be positive.");
                    var thesaurus = IconclassThesaurus.LoadBundled();
                    string inputPath = result.GetRequiredValue(input);
                    var scoringInput = result.GetValue(format) is { } sourceFormat
                        ? ScoringInput.Text(
                            inputPath,
                            sourceFormat,
                            mapping.Build(result, sourceFormat),
                            new CollectionImporter(thesaurus),
                            chunkSize
                        )
                        : ScoringInput.Parquet(inputPath);
                    string outputPath = result.GetRequiredValue(output);
                    if (options.Language is { } outputLanguage)
                        thesaurus.EnsureLanguage(outputLanguage);
                    // Checked before the model loads, so a mistake costs no time and leaves nothing behind.
                    BatchScorer.CheckOutput(scoringInput, outputPath, options);
                    await scoringInput.CheckAsync(cancellation);
                    // Device lines go to standard error, keeping the progress bar on standard output clean; image
                    // problems go to each row's warning.
                    using var trained = IconclassModel.Load(
                        BundledModels.Resolve(result.GetValue(model)),
                        thesaurus,
                        new ModelLoadOptions { Device = result.GetValue(device), Log = Console.Error.WriteLine }
                    );

                    // A calibrated model's own cutoff, unless the command gives one.
                    if (trained.Manifest.Suggestions is { } suggestions)
                        options = options with
                        {
                            Top = result.GetValue(top) ?? suggestions.Limit,
                            Threshold = result.GetValue(threshold) ?? suggestions.Threshold,
                        };

                    var clock = Stopwatch.StartNew();
                    ScoringSummary? summary = null;
                    await ProgressDisplay.RunAsync(
                        async addStage =>
                        {
                            var task = addStage($"scoring {Path.GetFileName(inputPath)}");
                            var progress = new SynchronousProgress<ScoringProgress>(p =>
                            {
                                task.Report(
                                    p.Rows,
                                    p.TotalRows is { } total ? Math.Max(1, total) : (double?)null,
                                    $"scoring: {p.Rows:N0} rows, "
                                        + $"{p.Rows / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):N0} rows/s, "
                                        + $"{p.Errors:N0} errors"
                                );
                            });
                            try
                            {
                                summary = await new BatchScorer(trained, thesaurus).ScoreAsync(
                                    scoringInput,
                                    outputPath,
                                    options,
                                    progress,
                                    cancellation
                                );
                            }
                            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                            {
                                throw new RunStoppedException(
                                    $"stopped: the chunks scored so far are kept in "
                                        + $"'{BatchScorer.PartsFolder(outputPath)}'; "
                                        + "run the same command with --resume to score the rest."
                                );
                            }
                            task.Finish();
                        },
                        new SpinnerColumn()
                    );
                    var s = summary!;
                    // Plain Console: Spectre wraps long lines, and scripts grep this one.
                    Console.WriteLine(
                        $"wrote {outputPath}: {s.Rows:N0} rows in {s.Chunks} chunks ({s.ChunksResumed} from an "
                            + $"earlier run), "
                            + $"{s.Errors:N0} errors, {s.Warnings:N0} warnings; {clock.Elapsed.TotalSeconds:0.0} s, "
                            + $"{s.Rows / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):N0} rows/s; peak memory "
                            + $"{Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024):N0} MB"
                    );
                    if (scoringInput.Import is { DetectedLanguages.Count: > 0 } import)
                        Console.WriteLine($"languages detected: {import.DetectedLanguagesLine()}");
                    if (s.ImagesNotRead > 0)
                        CommandRunner.Warn(
                            $"{s.ImagesNotRead:N0} rows have an image, which this model does not read (it was "
                                + "trained on text only): they were ranked on their text. Train with --images to use "
                                + "them."
                        );
                    if (s.Errors > 0)
                        CommandRunner.Warn(
                            $"{s.Errors:N0} rows could not be scored: their reason is in the error column of "
                                + $"{outputPath}."
                        );
                    return ExitCodes.Success;
                })
        );
        return command;
    }
}
