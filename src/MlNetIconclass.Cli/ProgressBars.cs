using Spectre.Console;

namespace MlNetIconclass.Cli;

/// <summary>
/// The progress display the long-running commands share: a description, a bar, the percentage, the time left.
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
            ]);
}
