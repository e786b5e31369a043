using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Training;

/// <summary>
/// Chooses hybrid weights (and, over several rankers, the neighbour count) by grid search on validation records,
/// maximising R@10 + MRR of <see cref="HybridRanker.Combine"/>.
/// </summary>
internal static class HybridWeightTuner
{
    private static readonly float[] DenseGrid = [0, 0.1f, 0.25f, 0.5f, 1];
    private static readonly float[] MemoryGrid = [0, 0.25f, 0.5f, 1, 2];
    private static readonly float[] Bm25Grid = [0, 0.1f, 0.25f, 0.5f];
    private static readonly float[] PriorGrid = [0, 0.05f, 0.1f, 0.25f];
    private static readonly float[] PrototypeGrid = [0, 0.5f, 1];

    /// <summary>
    /// The best of several rankers (differing in their neighbour count, say), each with its best weights.
    /// </summary>
    public static (HybridRanker Ranker, double Objective) TuneAll(
        IEnumerable<HybridRanker> rankers,
        IReadOnlyList<(ArtworkRecord Record, IReadOnlyList<string> Gold)> validation,
        bool useMemory,
        CancellationToken cancellation = default
    ) =>
        rankers
            .Select(ranker => (ranker, tuned: Tune(ranker, validation, useMemory, cancellation)))
            .Select(pair => (pair.ranker.WithWeights(pair.tuned.Weights), pair.tuned.Objective))
            .MaxBy(pair => pair.Objective);

    /// <summary>
    /// Memory, prior and prototypes stay off when <paramref name="useMemory"/> is false (a zero-shot model has no
    /// training records).
    /// </summary>
    public static (HybridWeights Weights, double Objective) Tune(
        HybridRanker ranker,
        IReadOnlyList<(ArtworkRecord Record, IReadOnlyList<string> Gold)> validation,
        bool useMemory,
        CancellationToken cancellation = default
    )
    {
        // Scored in batches, as the model ranks: one matrix product per dense index for many records.
        var records = validation
            .Chunk(256)
            .SelectMany(batch =>
                ranker
                    .Components.ScoreBatch(batch.Select(v => v.Record).ToArray())
                    .Zip(batch, (scores, v) => new CandidateMatrix(scores, v.Gold))
            )
            .ToArray();
        var best = (Weights: new HybridWeights(1, 0, 0, 0, 0), Objective: double.MinValue);
        var scores = new float[records.Select(r => r.Count).DefaultIfEmpty(0).Max()];
        foreach (var weights in Grid(useMemory))
        {
            cancellation.ThrowIfCancellationRequested();
            double objective = records.Sum(record => record.Objective(weights, scores)) / Math.Max(1, records.Length);
            if (objective > best.Objective + 1e-9)
                best = (weights, objective);
        }
        return best;
    }

    /// <summary>Every weighting of the grid that gives some component besides the prior a weight.</summary>
    private static IEnumerable<HybridWeights> Grid(bool useMemory)
    {
        float[] memoryGrid = useMemory ? MemoryGrid : [0];
        float[] priorGrid = useMemory ? PriorGrid : [0];
        float[] prototypeGrid = useMemory ? PrototypeGrid : [0];
        foreach (var dense in DenseGrid)
        foreach (var memory in memoryGrid)
        foreach (var lexical in memoryGrid)
        foreach (var bm25 in Bm25Grid)
        foreach (var prior in priorGrid)
        foreach (var prototype in prototypeGrid)
            if (dense + memory + lexical + bm25 + prototype > 0)
                yield return new HybridWeights(dense, memory, lexical, bm25, prior, prototype);
    }

    /// <summary>
    /// One record's candidates (in ordinal order, as <see cref="HybridRanker.Combine"/> breaks ties) by component,
    /// so each weighting is scored by counting, without sorting.
    /// </summary>
    internal sealed class CandidateMatrix
    {
        private static readonly HybridComponent[] Components = Enum.GetValues<HybridComponent>();
        private readonly float[] _values;
        private readonly int[] _goldCandidates;
        private readonly int _goldCount;

        public CandidateMatrix(ComponentScores scores, IReadOnlyList<string> gold)
        {
            var candidates = scores.Candidates.Order(StringComparer.Ordinal).ToArray();
            Count = candidates.Length;
            _values = new float[Count * Components.Length];
            for (int c = 0; c < Count; c++)
            for (int j = 0; j < Components.Length; j++)
                _values[c * Components.Length + j] = scores.Get(Components[j], candidates[c]);
            var goldSet = gold.ToHashSet(StringComparer.Ordinal);
            _goldCandidates = Enumerable.Range(0, Count).Where(c => goldSet.Contains(candidates[c])).ToArray();
            _goldCount = goldSet.Count;
        }

        public int Count { get; }

        /// <summary>R@10 + MRR (first gold within the top 100) of the ranking these weights give.</summary>
        public double Objective(HybridWeights weights, float[] scores)
        {
            Span<float> w = stackalloc float[Components.Length];
            for (int j = 0; j < Components.Length; j++)
                w[j] = weights[Components[j]];
            for (int c = 0; c < Count; c++)
            {
                float score = 0;
                for (int j = 0; j < Components.Length; j++)
                    score += w[j] * _values[c * Components.Length + j];
                scores[c] = score;
            }
            int inTopTen = 0,
                bestRank = int.MaxValue;
            foreach (int g in _goldCandidates)
            {
                float goldScore = scores[g];
                if (goldScore <= 0)
                    continue; // Combine drops candidates without a positive score
                int rank = 1;
                for (int c = 0; c < Count; c++)
                    if (scores[c] > goldScore || (scores[c] == goldScore && c < g))
                        rank++;
                if (rank <= 10)
                    inTopTen++;
                bestRank = Math.Min(bestRank, rank);
            }
            double reciprocalRank = bestRank <= RetrievalMetrics.Depth ? 1.0 / bestRank : 0;
            return (double)inTopTen / _goldCount + reciprocalRank;
        }
    }
}
