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
}
