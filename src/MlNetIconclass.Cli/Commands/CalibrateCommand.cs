using System.CommandLine;
using MlNetIconclass.Collections;
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
        var model = new Option<string>("--model")
        {
            Description = $"The model file to calibrate, or '{BundledModels.PretrainedName}' for the pretrained model",
            Required = true,
        };
        var output = new Option<string>("--output") { Description = "The model file to write", Required = true };
        var data = new Option<string?>("--data")
        {
            Description =
                "For a model that remembers no records (the pretrained model): a collection whose validation share "
                + "(the records of its protocol train split that training sets apart to validate on) it is "
                + "calibrated on",
        };
        var command = new Command(
            "calibrate",
            "Make a trained model's scores probabilities and choose its default limit and threshold, on its "
                + "validation records ranked out of fold"
        )
        {
            model,
            output,
            data,
        };
        command.SetAction(
            (result, cancellation) =>
                CommandRunner.RunAsync(async () =>
                {
                    string outputPath = result.GetRequiredValue(output);
                    string? dataPath = result.GetValue(data);
                    string modelPath = BundledModels.Resolve(result.GetRequiredValue(model));
                    OutputPaths.CheckNotAnInput(outputPath, [modelPath, dataPath]);
                    OutputPaths.CheckFile(outputPath, "model file");
                    var validation = dataPath is null
                        ? null
                        : (await ArtworkParquet.ReadAllAsync(dataPath, cancellation))
                            .Where(record => ValidationSplit.IsValidation(record.Id))
                            .ToArray();
                    using var trained = IconclassModel.Load(
                        modelPath,
                        IconclassThesaurus.LoadBundled(),
                        new ModelLoadOptions { Log = Console.Error.WriteLine }
                    );
                    // Plain Console: Spectre wraps long lines, and scripts grep these.
                    using var calibrated = ModelCalibration.Calibrate(
                        trained,
                        log: Console.WriteLine,
                        cancellation: cancellation,
                        validation: validation
                    );
                    calibrated.Save(outputPath);
                    Console.WriteLine($"wrote {outputPath}");
                    return ExitCodes.Success;
                })
        );
        return command;
    }
}
