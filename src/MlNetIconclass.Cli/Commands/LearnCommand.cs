using System.CommandLine;
using MlNetIconclass.Collections;
using MlNetIconclass.Models;
using MlNetIconclass.Persistence;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// <c>iconclass learn</c>: a model taught more records without retraining (they join its memory), written as a new
/// model file.
/// </summary>
internal static class LearnCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model file to teach", Required = true };
        var data = new Option<string>("--data")
        {
            Description = "Records with their codes, in the project's Parquet schema",
            Required = true,
        };
        var output = new Option<string>("--output") { Description = "The model file to write", Required = true };
        var command = new Command(
            "learn",
            "Teach a model more records without retraining: they join its memory (a record with an id it remembers "
                + "replaces it)"
        )
        {
            model,
            data,
            output,
        };
        command.SetAction(
            (result, cancellation) =>
                CommandRunner.RunAsync(async () =>
                {
                    string outputPath = result.GetRequiredValue(output);
                    OutputPaths.CheckNotAnInput(
                        outputPath,
                        [result.GetRequiredValue(data), result.GetRequiredValue(model)]
                    );
                    OutputPaths.CheckFile(outputPath, "model file");
                    // A dump's records without codes have nothing to teach: skipped, and counted.
                    var all = await ArtworkParquet.ReadAllAsync(result.GetRequiredValue(data), cancellation);
                    var records = all.Where(record => record.Codes.Count > 0).ToArray();
                    using var taught = IconclassModel.Load(
                        result.GetRequiredValue(model),
                        IconclassThesaurus.LoadBundled(),
                        new ModelLoadOptions { Log = Console.Error.WriteLine }
                    );
                    int before = taught.MemoryIds.Count();
                    using var learned = taught.Learn(records);
                    learned.Save(outputPath);
                    // Plain Console: Spectre wraps long lines, and scripts grep this one.
                    Console.WriteLine(
                        $"wrote {outputPath}: {records.Length:N0} records learnt ({all.Count - records.Length:N0} "
                            + $"without codes skipped); the memory holds {learned.MemoryIds.Count():N0} records (it "
                            + $"held {before:N0})"
                    );
                    return ExitCodes.Success;
                })
        );
        return command;
    }
}
