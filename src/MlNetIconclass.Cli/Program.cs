using System.CommandLine;
using System.Runtime.InteropServices;
using MlNetIconclass.Cli;
using MlNetIconclass.Cli.Commands;

var root = new RootCommand("Assigns Iconclass codes to artworks from their titles, descriptions and images.")
{
    ImportCommand.Create(),
    InitCommand.Create(),
    TrainCommand.Create(),
    TrainCommand.CreatePretrain(),
    EvaluateCommand.Create(),
    LearnCommand.Create(),
    CalibrateCommand.Create(),
    PredictCommand.Create(),
    DetectLanguageCommand.Create(),
    ScoreCommand.Create(),
    MergeCommand.Create(),
    ServeCommand.Create(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("Run 'iconclass --help' for usage.");
    return ExitCodes.Usage;
}

// Ctrl-C and SIGTERM cancel the command's token: a batch job finishes its current batch, keeps what it has written,
// and says how to resume (Kubernetes waits 30 s before it kills). A second signal ends the process at once.
using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stop.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
}
