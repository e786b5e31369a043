using System.CommandLine;
using MlNetIconclass.Collections;
using MlNetIconclass.Models;
using MlNetIconclass.Persistence;
using MlNetIconclass.Thesaurus;
using MlNetIconclass.Training;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// <c>iconclass learn</c>: a model taught more records without retraining (they join its memory), written as a new
/// model file.
/// </summary>
internal static class LearnCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description =
                $"The model file to teach, or '{BundledModels.PretrainedName}' for the pretrained model (zero-shot: "
                + "retune it once it has learnt)",
            Required = true,
        };
        var data = new Option<string>("--data")
        {
            Description = "Records with their codes, in the project's Parquet schema (none, with --retune alone)",
        };
        var output = new Option<string>("--output") { Description = "The model file to write", Required = true };
        var retune = new Option<bool>("--retune")
        {
            Description =
                "Then choose the hybrid's weights, learned fusion and calibration again on the model's validation "
                + "records, with the grown memory, as training does (seconds to a minute)",
        };
        var command = new Command(
            "learn",
            "Teach a model more records without retraining: they join its memory (a record with an id it remembers "
                + "replaces it); with --retune, choose its hybrid again for the memory it holds"
        )
        {
            model,
            data,
            output,
            retune,
        };
        command.SetAction(
            (result, cancellation) =>
                CommandRunner.RunAsync(async () =>
                {
                    string outputPath = result.GetRequiredValue(output);
                    string? dataPath = result.GetValue(data);
                    if (dataPath is null && !result.GetValue(retune))
                        throw new UsageException("Give --data with the records to learn, --retune, or both.");
                    string modelPath = BundledModels.Resolve(result.GetRequiredValue(model));
                    OutputPaths.CheckNotAnInput(outputPath, [dataPath, modelPath]);
                    OutputPaths.CheckFile(outputPath, "model file");
                    // A dump's records without codes have nothing to teach: skipped, and counted.
                    var all = dataPath is null ? [] : await ArtworkParquet.ReadAllAsync(dataPath, cancellation);
                    var records = all.Where(record => record.Codes.Count > 0).ToArray();
                    using var taught = IconclassModel.Load(
                        modelPath,
                        IconclassThesaurus.LoadBundled(),
                        new ModelLoadOptions { Log = Console.Error.WriteLine }
                    );
                    int before = taught.MemoryIds.Count();
                    using var learned = taught.Learn(records);
                    using var written = result.GetValue(retune)
                        ? HybridRetuning.Retune(learned, log: Console.Error.WriteLine, cancellation: cancellation)
                        : null;
                    (written ?? learned).Save(outputPath);
                    // Plain Console: Spectre wraps long lines, and scripts grep this one.
                    string taughtWhat = dataPath is null
                        ? "its hybrid chosen again"
                        : $"{records.Length:N0} records learnt ({all.Count - records.Length:N0} without codes skipped)";
                    Console.WriteLine(
                        $"wrote {outputPath}: {taughtWhat}; the memory holds {learned.MemoryIds.Count():N0} records "
                            + $"(it held {before:N0})"
                    );
                    if (!(written ?? learned).Manifest.RanksWithMemory)
                        Console.Error.WriteLine(
                            "note: the model's hybrid was chosen with no records to remember (a zero-shot model), "
                                + "so it ranks as before; 'iconclass learn --retune' chooses it again for what it has "
                                + "learnt"
                        );
                    return ExitCodes.Success;
                })
        );
        return command;
    }
}
