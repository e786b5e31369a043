using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Tests.Retrieval;

public class HybridRankerTests
{
    [Fact]
    public void HybridScoresAreTheWeightedSumOfComponents()
    {
        var scores = new ComponentScores();
        scores.Set(HybridComponent.Dense, "31A", 0.9f);
        scores.Set(HybridComponent.Dense, "73D6", 0.5f);
        scores.SetShares(HybridComponent.Memory, new Dictionary<string, float> { ["73D6"] = 3, ["25F"] = 1 });

        var ranking = HybridRanker.Combine(scores, new HybridWeights(1, 1, 0, 0, 0), 10);
        Assert.Equal(new[] { "73D6", "31A", "25F" }, ranking.Select(c => c.Code));
        Assert.Equal(0.5f + 0.75f, ranking[0].Score, 5);

        var withoutMemory = HybridRanker.Combine(
            scores,
            new HybridWeights(1, 1, 0, 0, 0).Without(HybridComponent.Memory),
            10
        );
        Assert.Equal(new[] { "31A", "73D6" }, withoutMemory.Select(c => c.Code));
    }
}
