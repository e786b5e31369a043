using System.CommandLine;
using MlNetIconclass.Scoring;
using Spectre.Console;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// <c>iconclass merge</c>: the outputs of <c>score --shard I/N</c> joined into one file, in input order.
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("shard-outputs")
        {
            Description = "The shards' output files",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--output") { Description = "The joined Parquet file", Required = true };
        var command = new Command("merge", "Join the outputs of sharded score runs into one file") { inputs, output };
        command.SetAction(
            (result, cancellation) =>
                CommandRunner.RunAsync(async () =>
                {
                    await ScoredParquet.MergeAsync(
                        result.GetRequiredValue(inputs),
                        result.GetRequiredValue(output),
                        cancellation
                    );
                    AnsiConsole.WriteLine($"wrote {result.GetRequiredValue(output)}");
                    return ExitCodes.Success;
                })
        );
        return command;
    }
}
