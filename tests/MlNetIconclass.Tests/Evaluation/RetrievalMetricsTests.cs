using MlNetIconclass.Evaluation;

namespace MlNetIconclass.Tests.Evaluation;

public class RetrievalMetricsTests
{
    [Fact]
    public void ComputesEachMetricAsTheProtocolDefinesIt()
    {
        // Gold {a, b, c}; hits at ranks 2 and 4.
        string[] ranking = ["x", "a", "y", "b", "z"];
        var gold = new HashSet<string> { "a", "b", "c" };
        var m = RetrievalMetrics.Compute(ranking, gold, RetrievalMetrics.Names([1, 5, 10, 2]));

        Assert.Equal(0, m["R@1"]);
        Assert.Equal(2.0 / 3, m["R@5"], 10);
        Assert.Equal(2.0 / 5, m["P@5"], 10);
        Assert.Equal(2 * 0.4 * (2.0 / 3) / (0.4 + 2.0 / 3), m["F1@5"], 10);
        Assert.Equal(0, m["Hit@1"]);
        Assert.Equal(1, m["Hit@10"]);
        Assert.Equal(0.5, m["MRR"], 10);
        Assert.Equal((1.0 / 2 + 2.0 / 4) / 3, m["MAP@100"], 10);
        double dcg = 1 / Math.Log2(3) + 1 / Math.Log2(5);
        double ideal = 1 + 1 / Math.Log2(3) + 1 / Math.Log2(4);
        Assert.Equal(dcg / ideal, m["NDCG@10"], 10);
        Assert.Equal(1.0 / 3, m["R@2"], 10);
        Assert.Equal(0.5, m["P@2"], 10);
    }

    [Fact]
    public void GoldBeyondRank100CountsForNothing()
    {
        var ranking = Enumerable.Range(0, 150).Select(i => $"c{i}").ToArray();
        var m = RetrievalMetrics.Compute(ranking, new HashSet<string> { "c120" }, ["MRR", "MAP@100"]);
        Assert.Equal(0, m["MRR"]);
        Assert.Equal(0, m["MAP@100"]);
    }

    [Fact]
    public void StandardNamesComeFirstAndExtraCutoffsAfter()
    {
        var names = RetrievalMetrics.Names([1, 5, 10, 20]);
        Assert.Equal(RetrievalMetrics.StandardNames, names.Take(12));
        Assert.Equal(new[] { "R@20", "P@20", "F1@20", "Hit@20", "NDCG@20" }, names.Skip(12));
    }

    [Fact]
    public void RankIsThatOfTheFirstGoldLabelAnywhereInTheRanking()
    {
        var ranking = Enumerable.Range(0, 150).Select(i => $"c{i}").ToArray();
        var m = RetrievalMetrics.Compute(ranking, new HashSet<string> { "c120", "c130" }, ["MedR", "MeanR"], 1_000);
        Assert.Equal(121, m["MedR"]);
        Assert.Equal(121, m["MeanR"]);
    }

    [Fact]
    public void GoldNotRankedAtAllCountsItsExpectedRankAmongTheUnrankedLabels()
    {
        // 10 ranked of 1,000 labels; two gold labels among the 990 unranked: 10 + 991 / 3.
        var ranking = Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray();
        double rank = RetrievalMetrics.FirstRelevantRank(ranking, new HashSet<string> { "x", "y" }, 1_000);
        Assert.Equal(10 + 991 / 3.0, rank, 6);
    }
}
