using MlNetIconclass.Evaluation;
using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Tests.Retrieval;

/// <summary>Scores made probabilities, the suggestions' cutoff, and the calibration error that measures them.</summary>
public class ScoreCalibrationTests
{
    /// <summary>
    /// Rankings of ten codes whose chance of being right is <paramref name="truth"/> of their score, drawn with a
    /// fixed seed.
    /// </summary>
    private static IReadOnlyList<(double Score, bool Relevant)>[] Rankings(Func<double, double> truth, int records)
    {
        var random = new Random(7);
        return Enumerable
            .Range(0, records)
            .Select(_ =>
                (IReadOnlyList<(double, bool)>)
                    Enumerable
                        .Range(0, ScoreCalibration.Depth)
                        .Select(_ => random.NextDouble())
                        .OrderDescending()
                        .Select(score => (score, random.NextDouble() < truth(score)))
                        .ToArray()
            )
            .ToArray();
    }

    [Fact]
    public void ScoresWhoseChanceIsTheirSquareAreMappedNearTheirSquareAndNeverDownwards()
    {
        var calibration = ScoreCalibration.Fit(Rankings(score => score * score, 2_000));

        var grid = Enumerable.Range(0, 101).Select(i => i / 100.0).ToArray();
        var mapped = grid.Select(calibration.Apply).ToArray();
        for (int i = 1; i < mapped.Length; i++)
            Assert.True(mapped[i] >= mapped[i - 1], $"{grid[i]} maps below {grid[i - 1]}");
        foreach (double score in new[] { 0.2, 0.5, 0.8 })
            Assert.InRange(calibration.Apply(score), score * score - 0.06, score * score + 0.06);
        Assert.Equal(20_000, calibration.Codes);
        // The method kept is the one that did better on the held-out half.
        Assert.Equal(
            calibration.IsotonicBrier <= calibration.PlattBrier ? CalibrationMethod.Isotonic : CalibrationMethod.Platt,
            calibration.Method
        );
    }

    [Fact]
    public void ScoresThatFollowALogisticCurveAreFittedByEitherMethodToThatCurve()
    {
        static double Truth(double score) => 1 / (1 + Math.Exp(-(8 * score - 5)));
        var calibration = ScoreCalibration.Fit(Rankings(Truth, 2_000));
        foreach (double score in new[] { 0.1, 0.5, 0.9 })
            Assert.InRange(calibration.Apply(score), Truth(score) - 0.06, Truth(score) + 0.06);
    }

    [Fact]
    public void TheCutoffWithTheBestF1IsChosen()
    {
        // Each record has one code. In eight the first suggestion is right and the second, at 0.2, wrong; in two the
        // first, at 0.3, is wrong and the second, at 0.27, right. Two suggestions of 0.25 or more do best: the eight
        // get one right suggestion (F1 1), the two get two of which one is right (F1 2/3).
        var records = Enumerable
            .Range(0, 10)
            .Select(i =>
                (
                    (IReadOnlyList<(double, bool)>)(i < 8 ? [(0.9, true), (0.2, false)] : [(0.3, false), (0.27, true)]),
                    Gold: 1
                )
            )
            .ToArray();
        var cutoff = SuggestionCutoff.Choose(records);
        Assert.Equal(2, cutoff.Limit);
        Assert.Equal(0.25, cutoff.Threshold, 6);
        Assert.Equal((8 + 2 * 2.0 / 3) / 10, cutoff.F1, 6);
    }

    [Fact]
    public void TheCalibrationErrorWeighsEachBinsGapByItsShareOfTheCodes()
    {
        // Ten codes per record: five at 0.95 of which all are right, five at 0.05 of which none is.
        var perfect = new RecordResult(
            "r",
            "model",
            ["A", "B", "C", "D", "E"],
            new[] { "A", "B", "C", "D", "E", "V", "W", "X", "Y", "Z" }
                .Select((code, i) => new ScoredCode(code, i < 5 ? 0.95f : 0.05f))
                .ToArray(),
            new Dictionary<string, double>()
        );
        var report = CalibrationReport.Of([perfect]);
        Assert.Equal(0.05, report.Ece, 4);
        Assert.Equal(5, report.Bins[9].Codes);
        Assert.Equal(1, report.Bins[9].Accuracy);
        Assert.Equal(0, report.Bins[0].Accuracy);
        Assert.NotEmpty(report.Diagram("test"));
    }
}
