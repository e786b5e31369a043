using System.CommandLine;
using MlNetIconclass.Training;
using Spectre.Console;

namespace MlNetIconclass.Cli.Commands;

/// <summary><c>iconclass init</c>: writes a commented starter training config.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output")
        {
            Description = "The config file to write",
            DefaultValueFactory = _ => "train.json",
        };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file" };
        var command = new Command("init", "Write a commented starter config for 'iconclass train --config'")
        {
            output,
            force,
        };
        command.SetAction(result =>
            CommandRunner
                .RunAsync(() =>
                {
                    string path = result.GetRequiredValue(output);
                    if (File.Exists(path) && !result.GetValue(force))
                        throw new UsageException($"'{path}' exists; add --force to overwrite it.");
                    File.WriteAllText(path, TrainingConfig.Starter + Environment.NewLine);
                    AnsiConsole.WriteLine(
                        $"wrote {path}: edit the data and output, then run 'iconclass train --config {path}'"
                    );
                    return Task.FromResult(ExitCodes.Success);
                })
                .GetAwaiter()
                .GetResult()
        );
        return command;
    }
}
