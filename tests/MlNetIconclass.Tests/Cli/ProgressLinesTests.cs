using MlNetIconclass.Cli;

namespace MlNetIconclass.Tests.Cli;

public class ProgressLinesTests
{
    /// <summary>A clock the test moves by hand.</summary>
    private sealed class HandClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void AStageSaysWhenItStartsAndEndsAndAtMostOnceAnIntervalInBetween()
    {
        var output = new StringWriter();
        var clock = new HandClock();
        var lines = new ProgressLines(output, clock);

        var stage = lines.AddStage("teacher: MiniLM encodes English texts");
        // A thousand steps over 12 seconds: a report every 12 ms.
        for (int step = 1; step <= 1000; step++)
        {
            clock.Now += TimeSpan.FromMilliseconds(12);
            stage.Report(step, 1000);
        }
        // Reports after the end (a progress that posts late) and the end of the work add nothing.
        stage.Report(500, 1000);
        stage.Finish();
        lines.End();

        Assert.Equal(
            [
                "teacher: MiniLM encodes English texts: started",
                "teacher: MiniLM encodes English texts: 42%",
                "teacher: MiniLM encodes English texts: 83%",
                "teacher: MiniLM encodes English texts: done in 12.0 s",
            ],
            output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)
        );
    }

    [Fact]
    public void AStageTheWorkLeavesUnfinishedSaysWhereItStopped()
    {
        var output = new StringWriter();
        var lines = new ProgressLines(output, new HandClock());
        var scoring = lines.AddStage("scoring dump.parquet");
        scoring.Report(3, max: null, "scoring: 3 rows");
        var evaluating = lines.AddStage("ranking test records");
        evaluating.Report(1, 4);
        lines.End();

        Assert.Equal(
            [
                "scoring dump.parquet: started",
                "ranking test records: started",
                "scoring: 3 rows: stopped",
                "ranking test records: stopped at 25%",
            ],
            output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)
        );
    }
}
