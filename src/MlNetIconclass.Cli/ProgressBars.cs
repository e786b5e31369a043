using Spectre.Console;

namespace MlNetIconclass.Cli;

/// <summary>
/// The progress display the long-running commands share: a description, a bar, the percentage, the time left. Where
/// the console is not interactive (a log file, a pipe), finished tasks are not shown again each time another one moves:
/// Spectre's line-by-line display printed every finished stage after each update.
/// </summary>
internal static class ProgressBars
{
    public static Progress Create(params ProgressColumn[] extra) =>
        AnsiConsole
            .Progress()
            .Columns([
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new RemainingTimeColumn(),
                .. extra,
            ])
            .HideCompleted(!AnsiConsole.Profile.Capabilities.Interactive);
}
