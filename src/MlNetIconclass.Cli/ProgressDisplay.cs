using Spectre.Console;

namespace MlNetIconclass.Cli;

/// <summary>One stage of long work as the progress display shows it.</summary>
internal interface IProgressStage
{
    double Value { get; }

    bool IsFinished { get; }

    /// <summary>
    /// Where the stage is: <paramref name="value"/> of <paramref name="max"/> (null: its end is not known yet), and
    /// its description when that changed.
    /// </summary>
    void Report(double value, double? max, string? description = null);

    /// <summary>The stage is done, whatever its last report said.</summary>
    void Finish();
}

/// <summary>
/// Where the long-running commands show their stages: bars in an interactive console, and in a log file or a pipe a
/// line when a stage starts and ends and at most one every few seconds in between (<see cref="ProgressLines"/>).
/// </summary>
internal static class ProgressDisplay
{
    public static async Task RunAsync(Func<Func<string, IProgressStage>, Task> work, params ProgressColumn[] extra)
    {
        // The same test Spectre makes to choose its live display over its fallback.
        if (AnsiConsole.Profile.Capabilities is { Interactive: true, Ansi: true })
        {
            await Bars(extra).StartAsync(context => work(description => new Bar(context.AddTask(description))));
            return;
        }
        var lines = new ProgressLines(Console.Out, TimeProvider.System);
        try
        {
            await work(lines.AddStage);
        }
        finally
        {
            lines.End();
        }
    }

    public static void Run(Action<Func<string, IProgressStage>> work) =>
        RunAsync(addStage =>
            {
                work(addStage);
                return Task.CompletedTask;
            })
            .GetAwaiter()
            .GetResult();

    private static Progress Bars(ProgressColumn[] extra) =>
        AnsiConsole
            .Progress()
            .Columns([
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new RemainingTimeColumn(),
                .. extra,
            ]);

    private sealed class Bar(ProgressTask task) : IProgressStage
    {
        public double Value => task.Value;

        public bool IsFinished => task.IsFinished;

        public void Report(double value, double? max, string? description = null)
        {
            task.IsIndeterminate = max is null;
            if (max is { } known)
                task.MaxValue = known;
            if (description is not null)
                task.Description = description;
            task.Value = value;
        }

        public void Finish() => task.Value = task.MaxValue;
    }
}
