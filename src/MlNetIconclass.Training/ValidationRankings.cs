using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Training;

/// <summary>
/// Validation records as a model ranks them, out of fold where it can, and each one's codes (as the model's labels):
/// what its scores are calibrated on and its suggestions' cutoff is chosen on.
/// </summary>
internal sealed record ValidationRankings(
    IReadOnlyList<IReadOnlyList<ScoredCode>> Rankings,
    IReadOnlyList<IReadOnlySet<string>> Gold
)
{
    /// <summary>
    /// The calibration fitted on the top of each ranking, and the limit and threshold with the best F1 over the
    /// rankings so calibrated; null when no ranking holds a code (no validation records). Either is described in one
    /// line to <paramref name="log"/>, for the training log and the calibrate command.
    /// </summary>
    public (ScoreCalibration Calibration, SuggestionCutoff Suggestions)? Calibrate(Action<string>? log = null)
    {
        var calibrated = Fit();
        log?.Invoke(Describe(calibrated));
        return calibrated;
    }

    private (ScoreCalibration Calibration, SuggestionCutoff Suggestions)? Fit()
    {
        if (Rankings.All(ranking => ranking.Count == 0))
            return null;
        var top = Rankings
            .Select(
                (ranking, i) =>
                    (IReadOnlyList<(double Score, bool Relevant)>)
                        ranking
                            .Take(ScoreCalibration.Depth)
                            .Select(code => ((double)code.Score, Gold[i].Contains(code.Code)))
                            .ToArray()
            )
            .ToArray();
        var calibration = ScoreCalibration.Fit(top);
        var calibrated = top.Select(
                (ranking, i) =>
                    (
                        (IReadOnlyList<(double, bool)>)
                            ranking.Select(code => (calibration.Apply(code.Score), code.Relevant)).ToArray(),
                        Gold[i].Count
                    )
            )
            .ToArray();
        return (calibration, SuggestionCutoff.Choose(calibrated));
    }

    private static string Describe((ScoreCalibration Calibration, SuggestionCutoff Suggestions)? calibrated)
    {
        if (calibrated is not { } fitted)
            return "scores not calibrated: there are no validation records to calibrate them on";
        var (calibration, suggestions) = fitted;
        string codes = suggestions.Limit == 1 ? "code" : "codes";
        return $"scores calibrated on {calibration.Codes:N0} validation codes: {calibration.Method} (Brier, fitted on "
            + $"one half and scored on the other: isotonic {calibration.IsotonicBrier:0.0000}, Platt "
            + $"{calibration.PlattBrier:0.0000}); suggestions: at most {suggestions.Limit} {codes} with a probability "
            + $"of {suggestions.Threshold:0.00} or more (validation F1 {suggestions.F1:0.000})";
    }
}
