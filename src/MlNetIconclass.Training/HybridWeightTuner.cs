using System.Numerics;
using System.Numerics.Tensors;
using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Training;

/// <summary>
/// Chooses hybrid weights (and, over several rankers, the neighbour count) by grid search on validation records,
/// maximising R@10 + MRR of <see cref="HybridRanker.Combine"/>. A model with collection labels is read two ways (as
/// ranked, and onto the protocol's labels: docs/evaluation-protocol.md), and the objective is the mean of both, so
/// the finer labels are not bought with the protocol's figures.
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
        ValidationContext context
    ) =>
        rankers
            .Select(ranker => (ranker, tuned: Tune(ranker, validation, context)))
            .Select(pair => (pair.ranker.WithWeights(pair.tuned.Weights), pair.tuned.Objective))
            .MaxBy(pair => pair.Objective);

    /// <summary>
    /// Memory and prototypes stay off when the context uses no memory (a zero-shot model has no training records),
    /// and the prior when it has no frequencies, neither the memory's nor borrowed ones.
    /// </summary>
    public static (HybridWeights Weights, double Objective) Tune(
        HybridRanker ranker,
        IReadOnlyList<(ArtworkRecord Record, IReadOnlyList<string> Gold)> validation,
        ValidationContext context
    )
    {
        // Scored in batches, as the model ranks: one matrix product per dense index for many records.
        var records = validation
            .Chunk(256)
            .SelectMany(batch =>
                ranker
                    .Components.ScoreBatch(batch.Select(v => v.Record).ToArray(), context.Images)
                    .Zip(batch, (scores, v) => new CandidateMatrix(scores, v.Gold, context.ProtocolLabel))
            )
            .ToArray();
        var grid = Grid(context.UseMemory, ranker.Components.HasPrior).ToArray();
        // Each record under every weighting, the records spread over the cores; summed below in record order, so the
        // choice does not depend on the cores.
        var objectives = new double[records.Length][];
        Parallel.For(
            0,
            records.Length,
            new ParallelOptions { CancellationToken = context.Cancellation },
            r =>
            {
                var scores = new float[records[r].Count];
                objectives[r] = grid.Select(weights => records[r].Objective(weights, scores)).ToArray();
            }
        );
        var best = (Weights: new HybridWeights(1, 0, 0, 0, 0), Objective: double.MinValue);
        for (int w = 0; w < grid.Length; w++)
        {
            double objective = 0;
            foreach (var recordObjectives in objectives)
                objective += recordObjectives[w];
            objective /= Math.Max(1, records.Length);
            if (objective > best.Objective + 1e-9)
                best = (grid[w], objective);
        }
        return best;
    }

    /// <summary>Every weighting of the grid that gives some component besides the prior a weight.</summary>
    private static IEnumerable<HybridWeights> Grid(bool useMemory, bool hasPrior)
    {
        float[] memoryGrid = useMemory ? MemoryGrid : [0];
        float[] priorGrid = hasPrior ? PriorGrid : [0];
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
    /// so each weighting is scored by counting, without sorting. Read onto the protocol's labels, candidates that
    /// count as the same label form a group, which ranks where its first member does. One thread at a time: the groups
    /// reuse their buffers.
    /// </summary>
    internal sealed class CandidateMatrix
    {
        private static readonly HybridComponent[] Components = Enum.GetValues<HybridComponent>();

        // Component-major, each component's scores of all candidates in a row: a weighting's scores are a few vector
        // operations.
        private readonly float[] _values;
        private readonly int[] _goldCandidates;
        private readonly int _goldCount;
        private readonly ProtocolGroups? _protocol;

        public CandidateMatrix(
            ComponentScores scores,
            IReadOnlyList<string> gold,
            Func<string, string?>? protocolLabel = null
        )
        {
            var slots = Enumerable.Range(0, scores.Count).OrderBy(scores.LabelAt, StringComparer.Ordinal).ToArray();
            var candidates = slots.Select(scores.LabelAt).ToArray();
            Count = candidates.Length;
            _values = new float[Count * Components.Length];
            for (int c = 0; c < Count; c++)
            {
                var candidateScores = scores.ScoresAt(slots[c]);
                for (int j = 0; j < Components.Length; j++)
                    _values[j * Count + c] = candidateScores[j];
            }
            var goldSet = gold.ToHashSet(StringComparer.Ordinal);
            _goldCandidates = Enumerable.Range(0, Count).Where(c => goldSet.Contains(candidates[c])).ToArray();
            _goldCount = goldSet.Count;
            if (protocolLabel is not null)
                _protocol = new ProtocolGroups(candidates, gold, protocolLabel);
        }

        public int Count { get; }

        /// <summary>
        /// R@10 + MRR (first gold within the top 100) of the ranking these weights give; with protocol labels, the
        /// mean of that and the same read onto them.
        /// </summary>
        public double Objective(HybridWeights weights, float[] scores)
        {
            // Summed component by component, as Combine does: the same floats.
            var weighted = scores.AsSpan(0, Count);
            TensorPrimitives.Multiply(Column(0), weights[Components[0]], weighted);
            for (int j = 1; j < Components.Length; j++)
                TensorPrimitives.MultiplyAdd(Column(j), weights[Components[j]], weighted, weighted);
            double asRanked = Objective(scores, _goldCandidates, _goldCount, Count, firstCandidate: null);
            return _protocol is null ? asRanked : (asRanked + _protocol.Objective(scores)) / 2;
        }

        private ReadOnlySpan<float> Column(int component) => _values.AsSpan(component * Count, Count);

        /// <summary>
        /// R@10 + MRR over items (candidates, or groups of them) whose rank is one plus the number of items that beat
        /// them: a higher score, or the same score and an earlier first candidate (an item's own index when <paramref
        /// name="firstCandidate"/> is null). Items without a positive score are not ranked (Combine drops them).
        /// </summary>
        private static double Objective(
            ReadOnlySpan<float> itemScores,
            int[] goldItems,
            int goldCount,
            int itemCount,
            int[]? firstCandidate
        )
        {
            int inTopTen = 0,
                bestRank = int.MaxValue;
            foreach (int g in goldItems)
            {
                float goldScore = itemScores[g];
                if (goldScore <= 0)
                    continue;
                var items = itemScores[..itemCount];
                int rank = 1 + HowMany(items, goldScore, above: true);
                // Ties, rare: the earlier first candidate ranks first.
                if (HowMany(items, goldScore, above: false) > 1)
                {
                    int goldFirst = firstCandidate is null ? g : firstCandidate[g];
                    for (int i = 0; i < itemCount; i++)
                        if (items[i] == goldScore && (firstCandidate is null ? i : firstCandidate[i]) < goldFirst)
                            rank++;
                }
                if (rank <= 10)
                    inTopTen++;
                bestRank = Math.Min(bestRank, rank);
            }
            double reciprocalRank = bestRank <= RetrievalMetrics.Depth ? 1.0 / bestRank : 0;
            return goldCount == 0 ? reciprocalRank : (double)inTopTen / goldCount + reciprocalRank;
        }

        /// <summary>How many of <paramref name="scores"/> are above (or equal to) <paramref name="value"/>.</summary>
        private static int HowMany(ReadOnlySpan<float> scores, float value, bool above)
        {
            var target = new Vector<float>(value);
            var found = Vector<int>.Zero;
            int i = 0;
            // A comparison gives -1 where it holds.
            for (; i <= scores.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var block = new Vector<float>(scores[i..]);
                found -= above ? Vector.GreaterThan(block, target) : Vector.Equals(block, target);
            }
            int count = Vector.Sum(found);
            for (; i < scores.Length; i++)
                if (above ? scores[i] > value : scores[i] == value)
                    count++;
            return count;
        }

        /// <summary>The candidates grouped by the protocol's label they count as, and the protocol's gold.</summary>
        private sealed class ProtocolGroups
        {
            private readonly int[] _groupOf;
            private readonly int _groupCount;
            private readonly int[] _goldGroups;
            private readonly int _goldCount;
            private readonly float[] _best;
            private readonly int[] _first;

            public ProtocolGroups(
                IReadOnlyList<string> candidates,
                IReadOnlyList<string> gold,
                Func<string, string?> protocolLabel
            )
            {
                var groups = new Dictionary<string, int>(StringComparer.Ordinal);
                int GroupOf(string candidate)
                {
                    if (protocolLabel(candidate) is not { } label)
                        return -1;
                    if (!groups.TryGetValue(label, out int group))
                        groups[label] = group = groups.Count;
                    return group;
                }
                _groupOf = candidates.Select(GroupOf).ToArray();
                _groupCount = groups.Count;
                var goldLabels = gold.Select(protocolLabel).OfType<string>().ToHashSet(StringComparer.Ordinal);
                _goldGroups = goldLabels.Where(groups.ContainsKey).Select(label => groups[label]).ToArray();
                _goldCount = goldLabels.Count;
                _best = new float[_groupCount];
                _first = new int[_groupCount];
            }

            /// <summary>
            /// Each group's score is its best member's; ties go to the earlier member, as in the ranking.
            /// </summary>
            public double Objective(float[] scores)
            {
                Array.Fill(_best, float.NegativeInfinity);
                for (int c = 0; c < _groupOf.Length; c++)
                {
                    int g = _groupOf[c];
                    if (g >= 0 && scores[c] > _best[g])
                        (_best[g], _first[g]) = (scores[c], c);
                }
                return CandidateMatrix.Objective(_best, _goldGroups, _goldCount, _groupCount, _first);
            }
        }
    }
}

/// <summary>
/// How validation records are read while the hybrid and the fusion are chosen: whether the memory components count,
/// the protocol's label a label counts as (null when the label space is the protocol's), the records' image features
/// (for a model that reads images), and the training's cancellation.
/// </summary>
internal sealed record ValidationContext(
    bool UseMemory,
    Func<string, string?>? ProtocolLabel,
    ArtworkImageFeatures? Images,
    CancellationToken Cancellation
)
{
    /// <summary>
    /// A model's validation records as its training read them, their images through <paramref name="images"/>; the
    /// memory components count once it remembers records (a zero-shot model after it learns some).
    /// </summary>
    public static ValidationContext Of(IconclassModel model, ImageAccess? images, CancellationToken cancellation) =>
        new(
            model.Memory.Items.Count > 0,
            IconclassTrainer.ProtocolReading(model.Thesaurus),
            model.ReadImages(images ?? new ImageAccess()),
            cancellation
        );
}
