namespace MlNetIconclass.Retrieval;

/// <summary>How a <see cref="ScoreCalibration"/> maps scores to probabilities.</summary>
public enum CalibrationMethod
{
    /// <summary>
    /// A non-decreasing step function fitted by pooling adjacent violators, interpolated between the steps.
    /// </summary>
    Isotonic,

    /// <summary>The logistic of a linear function of the score (Platt scaling).</summary>
    Platt,
}

/// <summary>
/// Turns a model's final score into the probability that the code is one of the record's codes, fitted on the top
/// <see cref="Depth"/> codes of validation records ranked out of fold. Isotonic regression or Platt scaling, whichever
/// has the lower Brier score when each is fitted on half the records and scored on the other half, both ways. The map
/// never decreases, so a ranking keeps its order.
/// </summary>
public sealed record ScoreCalibration
{
    /// <summary>How many codes of each ranking the calibration is fitted on and measured over.</summary>
    public const int Depth = 10;

    public required CalibrationMethod Method { get; init; }

    /// <summary>Isotonic: the scores of the steps' centres, ascending.</summary>
    public IReadOnlyList<double> Scores { get; init; } = [];

    /// <summary>Isotonic: the probability at each step's centre.</summary>
    public IReadOnlyList<double> Probabilities { get; init; } = [];

    /// <summary>Platt: p = 1 / (1 + exp(-(Slope * score + Intercept))).</summary>
    public double Slope { get; init; }

    public double Intercept { get; init; }

    /// <summary>The validation codes it was fitted on.</summary>
    public int Codes { get; init; }

    /// <summary>
    /// Each method's Brier score, fitted on one half of the validation records and scored on the other.
    /// </summary>
    public double IsotonicBrier { get; init; }

    public double PlattBrier { get; init; }

    public double Apply(double score) =>
        Method == CalibrationMethod.Platt ? Logistic(Slope * score + Intercept) : Interpolate(score);

    private double Interpolate(double score)
    {
        if (Scores.Count == 0)
            return 0;
        if (score <= Scores[0])
            return Probabilities[0];
        if (score >= Scores[^1])
            return Probabilities[^1];
        // The first step centre at or above the score (a binary search: whole label spaces are calibrated).
        int lowest = 1,
            upper = Scores.Count - 1;
        while (lowest < upper)
        {
            int middle = (lowest + upper) / 2;
            if (Scores[middle] < score)
                lowest = middle + 1;
            else
                upper = middle;
        }
        double lower = Scores[upper - 1],
            span = Scores[upper] - lower;
        double t = span <= 0 ? 1 : (score - lower) / span;
        return Probabilities[upper - 1] + t * (Probabilities[upper] - Probabilities[upper - 1]);
    }

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>
    /// The calibration of <paramref name="rankings"/>: for each validation record, its top codes' scores and whether
    /// each is one of its codes.
    /// </summary>
    public static ScoreCalibration Fit(IReadOnlyList<IReadOnlyList<(double Score, bool Relevant)>> rankings)
    {
        var top = rankings.Select(ranking => ranking.Take(Depth).ToArray()).ToArray();
        var all = top.SelectMany(ranking => ranking).ToArray();
        if (all.Length == 0)
            throw new ArgumentException("There are no validation codes to calibrate scores on.", nameof(rankings));
        // Halves by record, so that a record's codes are never on both sides.
        var even = top.Where((_, i) => i % 2 == 0).SelectMany(r => r).ToArray();
        var odd = top.Where((_, i) => i % 2 == 1).SelectMany(r => r).ToArray();
        double Crossed(Func<(double Score, bool Relevant)[], ScoreCalibration> fit) =>
            odd.Length == 0 || even.Length == 0
                ? Brier(fit(all), all)
                : (Brier(fit(even), odd) * odd.Length + Brier(fit(odd), even) * even.Length) / all.Length;
        double isotonic = Crossed(FitIsotonic),
            platt = Crossed(FitPlatt);
        var chosen = isotonic <= platt ? FitIsotonic(all) : FitPlatt(all);
        return chosen with { Codes = all.Length, IsotonicBrier = isotonic, PlattBrier = platt };
    }

    private static double Brier(ScoreCalibration calibration, (double Score, bool Relevant)[] codes) =>
        codes.Average(code => Math.Pow(calibration.Apply(code.Score) - (code.Relevant ? 1 : 0), 2));

    /// <summary>
    /// Pool adjacent violators over the codes in score order; each block keeps its mean score and its rate of relevant
    /// codes.
    /// </summary>
    private static ScoreCalibration FitIsotonic((double Score, bool Relevant)[] codes)
    {
        var blocks = new List<(double ScoreSum, double RelevantSum, int Count)>();
        foreach (var (score, relevant) in codes.OrderBy(code => code.Score))
        {
            blocks.Add((score, relevant ? 1 : 0, 1));
            while (
                blocks.Count > 1
                && blocks[^2].RelevantSum / blocks[^2].Count >= blocks[^1].RelevantSum / blocks[^1].Count
            )
            {
                var (last, before) = (blocks[^1], blocks[^2]);
                blocks.RemoveAt(blocks.Count - 1);
                blocks[^1] = (
                    before.ScoreSum + last.ScoreSum,
                    before.RelevantSum + last.RelevantSum,
                    before.Count + last.Count
                );
            }
        }
        // Counted on n codes, a rate is never quite 0 or 1: it is kept half a code inside them.
        double margin = 0.5 / codes.Length;
        return new ScoreCalibration
        {
            Method = CalibrationMethod.Isotonic,
            Scores = blocks.Select(block => block.ScoreSum / block.Count).ToArray(),
            Probabilities = blocks
                .Select(block => Math.Clamp(block.RelevantSum / block.Count, margin, 1 - margin))
                .ToArray(),
        };
    }

    /// <summary>
    /// Platt's fit: Newton's method on the log loss, with his targets (slightly inside 0 and 1, so that separable
    /// scores do not drive the slope to infinity).
    /// </summary>
    private static ScoreCalibration FitPlatt((double Score, bool Relevant)[] codes)
    {
        int positives = codes.Count(code => code.Relevant);
        double high = (positives + 1.0) / (positives + 2.0),
            low = 1.0 / (codes.Length - positives + 2.0);
        double slope = 0,
            intercept = Math.Log((positives + 1.0) / (codes.Length - positives + 1.0));
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double gradientSlope = 0,
                gradientIntercept = 0,
                hSS = 1e-12,
                hSI = 0,
                hII = 1e-12;
            foreach (var (score, relevant) in codes)
            {
                double p = Logistic(slope * score + intercept),
                    error = p - (relevant ? high : low),
                    weight = p * (1 - p);
                gradientSlope += error * score;
                gradientIntercept += error;
                hSS += weight * score * score;
                hSI += weight * score;
                hII += weight;
            }
            double determinant = hSS * hII - hSI * hSI;
            if (Math.Abs(determinant) < 1e-18)
                break;
            double stepSlope = (hII * gradientSlope - hSI * gradientIntercept) / determinant,
                stepIntercept = (hSS * gradientIntercept - hSI * gradientSlope) / determinant;
            slope -= stepSlope;
            intercept -= stepIntercept;
            if (Math.Abs(stepSlope) + Math.Abs(stepIntercept) < 1e-9)
                break;
        }
        return new ScoreCalibration
        {
            Method = CalibrationMethod.Platt,
            Slope = slope,
            Intercept = intercept,
        };
    }
}
