using System.CommandLine;
using MlNetIconclass.Models;
using MlNetIconclass.Persistence;
using MlNetIconclass.Thesaurus;
using MlNetIconclass.Training;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// <c>iconclass calibrate</c>: a trained model's scores made probabilities, and its suggestions' limit and threshold
/// chosen, on the validation records it remembers; written as a new model file. Training does this itself; this is for
/// models trained before it did.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model file to calibrate", Required = true };
        var output = new Option<string>("--output") { Description = "The model file to write", Required = true };
        var command = new Command(
            "calibrate",
            "Make a trained model's scores probabilities and choose its default limit and threshold, on its "
                + "validation records ranked out of fold"
        )
        {
            model,
            output,
        };
        command.SetAction(
            (result, cancellation) =>
                CommandRunner.RunAsync(() =>
                {
                    string outputPath = result.GetRequiredValue(output);
                    OutputPaths.CheckNotAnInput(outputPath, [result.GetRequiredValue(model)]);
                    OutputPaths.CheckFile(outputPath, "model file");
                    using var trained = IconclassModel.Load(
                        result.GetRequiredValue(model),
                        IconclassThesaurus.LoadBundled(),
                        new ModelLoadOptions { Log = Console.Error.WriteLine }
                    );
                    // Plain Console: Spectre wraps long lines, and scripts grep these.
                    using var calibrated = ModelCalibration.Calibrate(
                        trained,
                        log: Console.WriteLine,
                        cancellation: cancellation
                    );
                    calibrated.Save(outputPath);
                    Console.WriteLine($"wrote {outputPath}");
                    return Task.FromResult(ExitCodes.Success);
                })
        );
        return command;
    }
}
