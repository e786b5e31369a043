using MlNetIconclass.Retrieval;
using MlNetIconclass.Visualization;

namespace MlNetIconclass.Evaluation;

/// <summary>
/// One bin of a reliability diagram: the scores in [<paramref name="Lower"/>, <paramref name="Upper"/>), how many codes
/// fell in it, their mean score and the share of them that were the record's codes.
/// </summary>
public sealed record CalibrationBin(double Lower, double Upper, int Codes, double Confidence, double Accuracy);

/// <summary>
/// How far a ranker's scores are from probabilities, over the top <see cref="ScoreCalibration.Depth"/> codes of every
/// test record: the expected calibration error (the bins' gaps between mean score and accuracy, weighted by their
/// share of the codes) over ten equal bins of [0, 1]. A score above 1 (an uncalibrated linear fusion's) counts in the
/// last bin.
/// </summary>
public sealed record CalibrationReport(double Ece, IReadOnlyList<CalibrationBin> Bins)
{
    private const int BinCount = 10;

    public static CalibrationReport Of(IEnumerable<RecordResult> results)
    {
        var codes = results
            .SelectMany(result =>
                result
                    .Ranking.Take(ScoreCalibration.Depth)
                    .Select(code => (Score: (double)code.Score, Relevant: result.Gold.Contains(code.Code)))
            )
            .ToArray();
        var bins = Enumerable
            .Range(0, BinCount)
            .Select(bin =>
            {
                var inBin = codes
                    .Where(code => Math.Clamp((int)(code.Score * BinCount), 0, BinCount - 1) == bin)
                    .ToArray();
                return new CalibrationBin(
                    (double)bin / BinCount,
                    (double)(bin + 1) / BinCount,
                    inBin.Length,
                    inBin.Length == 0 ? 0 : inBin.Average(code => code.Score),
                    inBin.Length == 0 ? 0 : inBin.Average(code => code.Relevant ? 1.0 : 0)
                );
            })
            .ToArray();
        double ece =
            codes.Length == 0 ? 0 : bins.Sum(bin => bin.Codes * Math.Abs(bin.Confidence - bin.Accuracy)) / codes.Length;
        return new CalibrationReport(ece, bins);
    }

    /// <summary>
    /// The reliability diagram as PNG: each bin's accuracy against its mean score, beside the diagonal a calibrated
    /// ranker follows, and each bin's share of the codes.
    /// </summary>
    public byte[] Diagram(string title)
    {
        int total = Math.Max(1, Bins.Sum(bin => bin.Codes));
        return Charts.Lines(
            $"{title} (ECE {Ece:0.000})",
            Bins.Select(bin => $"{bin.Lower:0.0}-{bin.Upper:0.0}").ToArray(),
            [
                new Series("accuracy", Bins.Select(bin => bin.Codes == 0 ? double.NaN : bin.Accuracy).ToArray()),
                new Series("mean score", Bins.Select(bin => bin.Codes == 0 ? double.NaN : bin.Confidence).ToArray()),
            ],
            "score bin (top 10 codes of each test record)",
            "share of codes that are the record's",
            [new Series("codes in bin", Bins.Select(bin => (double)bin.Codes / total).ToArray())],
            "share of all codes"
        );
    }
}
