using System.Globalization;

namespace MlNetIconclass.Cli;

/// <summary>
/// Progress for a log file or a pipe: a line when a stage starts, one when it finishes (or when the work ends before
/// it does), and in between at most one line every <see cref="Interval"/>, whichever stage moved. Reports that come
/// after a stage finished (an <see cref="IProgress{T}"/> that posts late) print nothing.
/// </summary>
internal sealed class ProgressLines(TextWriter output, TimeProvider clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly List<Stage> _stages = [];
    private DateTimeOffset _lastLine = DateTimeOffset.MinValue;

    public IProgressStage AddStage(string description)
    {
        var stage = new Stage(this, description, clock.GetUtcNow());
        lock (_lock)
        {
            _stages.Add(stage);
            Write($"{description}: started");
        }
        return stage;
    }

    /// <summary>The work is over: each stage still open says where it stopped.</summary>
    public void End()
    {
        lock (_lock)
        {
            foreach (var stage in _stages.Where(s => !s.Ended))
            {
                stage.Ended = true;
                Write($"{stage.Description}: stopped" + (stage.Percent is { } percent ? $" at {percent}" : ""));
            }
        }
    }

    private void Moved(Stage stage)
    {
        lock (_lock)
        {
            if (stage.Ended)
                return;
            var now = clock.GetUtcNow();
            if (stage.IsFinished)
            {
                stage.Ended = true;
                Write(
                    $"{stage.Description}: done in "
                        + (now - stage.Started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)
                        + " s"
                );
            }
            else if (now - _lastLine >= Interval)
                Write(stage.Description + (stage.Percent is { } percent ? $": {percent}" : ""));
        }
    }

    private void Write(string line)
    {
        output.WriteLine(line);
        output.Flush();
        _lastLine = clock.GetUtcNow();
    }

    private sealed class Stage(ProgressLines lines, string description, DateTimeOffset started) : IProgressStage
    {
        private double? _max = 100;

        public DateTimeOffset Started { get; } = started;

        /// <summary>Finished or stopped, and said so: nothing more is printed for it.</summary>
        public bool Ended { get; set; }

        public string Description { get; private set; } = description;

        public double Value { get; private set; }

        public bool IsFinished => Value >= _max;

        public void Report(double value, double? max, string? description = null)
        {
            _max = max;
            Description = description ?? Description;
            Value = max is { } known ? Math.Min(value, known) : value;
            lines.Moved(this);
        }

        public void Finish()
        {
            _max ??= Value;
            Value = _max.Value;
            lines.Moved(this);
        }

        /// <summary>How far the stage is, or null when its end is unknown (its description says how far).</summary>
        public string? Percent =>
            _max is { } max
                ? (100 * Value / Math.Max(max, double.Epsilon)).ToString("0", CultureInfo.InvariantCulture) + "%"
                : null;
    }
}
