using MlNetIconclass.Retrieval;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Training;

public class HybridWeightTunerTests
{
    /// <summary>
    /// The tuner scores weightings by counting; it must agree with ranking by Combine and the protocol's metrics.
    /// </summary>
    [Fact]
    public void CountingObjectiveAgreesWithCombineAndTheMetrics()
    {
        var random = new Random(4);
        var labels = Enumerable.Range(0, 60).Select(i => $"{i % 10}{(char)('A' + i / 10)}{i}").ToArray();
        for (int trial = 0; trial < 30; trial++)
        {
            var scores = new ComponentScores();
            foreach (var component in Enum.GetValues<HybridComponent>())
            foreach (var label in labels.Where(_ => random.NextDouble() < 0.4))
                scores.Set(component, label, random.Next(4) / 4f); // coarse values, so ties happen
            var gold = labels.Where(_ => random.NextDouble() < 0.05).Append("99Z9").ToArray();
            var weights = new HybridWeights(
                random.Next(3),
                random.Next(3),
                random.Next(3),
                random.Next(2) / 2f,
                random.Next(2) / 4f,
                random.Next(3)
            );

            var ranking = HybridRanker.Combine(scores, weights, 100).Select(c => c.Code).ToArray();
            var metrics = MlNetIconclass.Evaluation.RetrievalMetrics.Compute(
                ranking,
                gold.ToHashSet(),
                ["R@10", "MRR"]
            );
            var matrix = new HybridWeightTuner.CandidateMatrix(scores, gold);
            Assert.Equal(metrics["R@10"] + metrics["MRR"], matrix.Objective(weights, new float[matrix.Count]), 9);
        }
    }

    /// <summary>
    /// Read onto the protocol's labels, the objective is that of Combine's ranking with each label replaced by the
    /// one it counts as, the first of each kept, averaged with the ranking as it is.
    /// </summary>
    [Fact]
    public void ProtocolReadingAgreesWithTheRankingReadOntoTheProtocolLabels()
    {
        var random = new Random(5);
        // Names of six bases: 1A(N0), 1A(N1), ... count as 1A(...), as free names do.
        var labels = Enumerable.Range(0, 48).Select(i => $"{i % 6}A(N{i / 6})").ToArray();
        static string? Counted(string label) => label[..label.IndexOf('(')] + "(...)";
        for (int trial = 0; trial < 30; trial++)
        {
            var scores = new ComponentScores();
            foreach (var component in Enum.GetValues<HybridComponent>())
            foreach (var label in labels.Where(_ => random.NextDouble() < 0.4))
                scores.Set(component, label, random.Next(4) / 4f);
            var gold = labels.Where(_ => random.NextDouble() < 0.08).Append(labels[0]).Distinct().ToArray();
            var weights = new HybridWeights(random.Next(3), random.Next(3), random.Next(3), 0.5f, 0.25f, 1);

            var ranking = HybridRanker.Combine(scores, weights, 100).Select(c => c.Code).ToArray();
            var asRanked = MlNetIconclass.Evaluation.RetrievalMetrics.Compute(
                ranking,
                gold.ToHashSet(),
                ["R@10", "MRR"]
            );
            var read = MlNetIconclass.Evaluation.RetrievalMetrics.Compute(
                ranking.Select(c => Counted(c)!).Distinct().ToArray(),
                gold.Select(c => Counted(c)!).ToHashSet(),
                ["R@10", "MRR"]
            );
            double expected = (asRanked["R@10"] + asRanked["MRR"] + read["R@10"] + read["MRR"]) / 2;
            var matrix = new HybridWeightTuner.CandidateMatrix(scores, gold, Counted);
            Assert.Equal(expected, matrix.Objective(weights, new float[matrix.Count]), 9);
        }
    }
}
