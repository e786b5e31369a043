using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;

namespace MlNetIconclass.Retrieval;

/// <summary>Chooses hybrid weights by grid search on validation records, maximising R@10 + MRR.</summary>
public static class HybridWeightTuner
{
    private static readonly float[] DenseGrid = [0, 0.5f, 1];
    private static readonly float[] MemoryGrid = [0, 0.25f, 0.5f, 1, 2];
    private static readonly float[] Bm25Grid = [0, 0.1f, 0.25f, 0.5f];
    private static readonly float[] PriorGrid = [0, 0.05f, 0.1f, 0.25f];

    /// <summary>Memory and prior stay off when <paramref name="useMemory"/> is false (a zero-shot model has no training records).</summary>
    public static (HybridWeights Weights, double Objective) Tune(HybridRanker ranker,
        IReadOnlyList<(ArtworkRecord Record, IReadOnlyList<string> Gold)> validation, bool useMemory)
    {
        var scored = validation.Select(v => (scores: ranker.Components(v.Record), gold: v.Gold.ToHashSet(StringComparer.Ordinal))).ToArray();
        float[] memoryGrid = useMemory ? MemoryGrid : [0];
        float[] priorGrid = useMemory ? PriorGrid : [0];
        var best = (Weights: new HybridWeights(1, 0, 0, 0, 0), Objective: double.MinValue);
        foreach (var dense in DenseGrid)
        foreach (var memory in memoryGrid)
        foreach (var lexical in memoryGrid)
        foreach (var bm25 in Bm25Grid)
        foreach (var prior in priorGrid)
        {
            var weights = new HybridWeights(dense, memory, lexical, bm25, prior);
            if (dense + memory + lexical + bm25 == 0) continue;
            double objective = scored.Average(s =>
            {
                var ranking = HybridRanker.Combine(s.scores, weights, RetrievalMetrics.Depth).Select(c => c.Code).ToArray();
                var metrics = RetrievalMetrics.Compute(ranking, s.gold, ["R@10", "MRR"]);
                return metrics["R@10"] + metrics["MRR"];
            });
            if (objective > best.Objective + 1e-9) best = (weights, objective);
        }
        return best;
    }
}
