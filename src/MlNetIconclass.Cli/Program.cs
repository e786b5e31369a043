using System.CommandLine;
using MlNetIconclass.Cli;
using MlNetIconclass.Cli.Commands;

var root = new RootCommand("Assigns Iconclass codes to artworks from their titles, descriptions and images.")
{
    ImportCommand.Create(),
    InitCommand.Create(),
    TrainCommand.Create(),
    EvaluateCommand.Create(),
    PredictCommand.Create(),
    ScoreCommand.Create(),
    MergeCommand.Create(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("Run 'iconclass --help' for usage.");
    return ExitCodes.Usage;
}
return await parsed.InvokeAsync();
