namespace MlNetIconclass.Retrieval;

/// <summary>
/// Where a list of suggestions stops: at most <see cref="Limit"/> codes, each with a calibrated score of at least
/// <see cref="Threshold"/>; chosen as Annif's <c>optimize</c> chooses, for the best F1 averaged over records
/// (<see cref="F1"/>, on the validation records it was chosen on).
/// </summary>
public sealed record SuggestionCutoff(int Limit, double Threshold, double F1)
{
    /// <summary>The thresholds tried: 0 to 0.95 in steps of 0.05.</summary>
    private static readonly double[] Thresholds = Enumerable.Range(0, 20).Select(i => i * 0.05).ToArray();

    /// <summary>
    /// The limit (1 to <see cref="ScoreCalibration.Depth"/>) and threshold with the best mean F1 over
    /// <paramref name="records"/>: each one's calibrated scores, best first, whether each is one of its codes, and how
    /// many codes it has. Ties go to the smaller limit, then the lower threshold.
    /// </summary>
    public static SuggestionCutoff Choose(
        IReadOnlyList<(IReadOnlyList<(double Probability, bool Relevant)> Ranking, int Gold)> records
    )
    {
        var best = new SuggestionCutoff(ScoreCalibration.Depth, 0, -1);
        for (int limit = 1; limit <= ScoreCalibration.Depth; limit++)
            foreach (double threshold in Thresholds)
            {
                double f1 = records.Count == 0 ? 0 : records.Average(record => F1Of(record, limit, threshold));
                if (f1 > best.F1 + 1e-12)
                    best = new SuggestionCutoff(limit, threshold, f1);
            }
        return best;
    }

    private static double F1Of(
        (IReadOnlyList<(double Probability, bool Relevant)> Ranking, int Gold) record,
        int limit,
        double threshold
    )
    {
        int suggested = 0,
            hits = 0;
        foreach (var (probability, relevant) in record.Ranking.Take(limit))
        {
            if (probability < threshold)
                break;
            suggested++;
            hits += relevant ? 1 : 0;
        }
        return suggested + record.Gold == 0 ? 0 : 2.0 * hits / (suggested + record.Gold);
    }
}
