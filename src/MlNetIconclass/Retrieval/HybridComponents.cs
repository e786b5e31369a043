using System.Numerics.Tensors;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// What the hybrid's components need, built once: the query tower, the training records' embeddings and label
/// prototypes, the lexical memory and the label counts; the label side comes from a shared <see cref="LabelIndexes"/>,
/// which it does not own.
/// </summary>
internal sealed class HybridComponents : IDisposable
{
    private const int DenseCandidates = 200;
    private const int Bm25Candidates = 100;
    private const int PriorCandidates = 50;

    private readonly LabeledRecords _memory;
    private readonly DenseIndex _memoryIndex;
    private readonly DenseIndex _prototypes;
    private readonly KnnRanker _lexicalMemory;
    private readonly IReadOnlyList<ScoredCode> _prior;
    private readonly Dictionary<string, float> _logCounts;
    private readonly float _maxLogCount;

    /// <param name="labels">The label documents' indexes, shared between components over the same encoder.</param>
    /// <param name="queries">The query tower (text, and images for models trained with them).</param>
    /// <param name="memory">Training records the memory components search.</param>
    /// <param name="neighbours">How many nearest training records vote, in each memory.</param>
    public HybridComponents(LabelIndexes labels, QueryTower queries, LabeledRecords memory, int neighbours = 20)
    {
        Labels = labels;
        Queries = queries;
        _memory = memory;
        Neighbours = neighbours;
        var memoryTexts = memory.Items.Select(item => queries.TextOf(item.Record)).ToArray();
        var memoryVectors = memoryTexts.Length == 0 ? [] : queries.Text.Embed(memoryTexts);
        _memoryIndex = new DenseIndex(
            memory.Items.Select(item => item.Record.Id).ToArray(),
            memoryVectors,
            queries.Dimension
        );
        _prototypes = Prototypes(memory, _memoryIndex);
        _lexicalMemory = new KnnRanker(memory, labels.Bm25, queries.Fields, neighbours);
        _prior = new PriorRanker(memory, labels.Thesaurus.LabelSpace).Rank(new ArtworkRecord(), PriorCandidates);
        _logCounts = memory
            .Items.SelectMany(i => i.Labels)
            .CountBy(l => l)
            .ToDictionary(c => c.Key, c => (float)Math.Log(1 + c.Value));
        _maxLogCount = Math.Max(_logCounts.Values.DefaultIfEmpty(0).Max(), 1e-6f);
    }

    public LabelIndexes Labels { get; }

    public QueryTower Queries { get; }

    public int Neighbours { get; }

    /// <summary>Each component's scores for the record's candidate labels, scaled to [0, 1].</summary>
    internal ComponentScores Score(ArtworkRecord record) => ScoreBatch([record])[0];

    /// <summary>
    /// <see cref="Score"/> for several records at once: their query vectors searched with one matrix product per
    /// index (a single query costs a pass over all 40,698 label vectors, so batching is most of the speed).
    /// </summary>
    internal ComponentScores[] ScoreBatch(IReadOnlyList<ArtworkRecord> records)
    {
        var scores = records.Select(_ => new ComponentScores()).ToArray();
        var queries = Queries.Embed(records);
        var withQuery = Enumerable.Range(0, records.Count).Where(i => queries[i] is not null).ToArray();
        float[] Stack(IEnumerable<int> rows) => rows.SelectMany(i => queries[i]!).ToArray();

        // Grouped by index, not by language tag: every language the thesaurus lacks shares the English one.
        foreach (var group in withQuery.GroupBy(i => Labels.Dense(QueryText.Language(records[i]))))
        {
            var rows = group.ToArray();
            var index = group.Key;
            var hits = index.SearchBatch(Stack(rows), DenseCandidates);
            for (int j = 0; j < rows.Length; j++)
                foreach (var (row, score) in hits[j])
                    scores[rows[j]].Set(HybridComponent.Dense, index.Keys[row], Math.Max(0, score));
        }
        var all = Stack(withQuery);
        var prototypeHits = _prototypes.SearchBatch(all, DenseCandidates);
        var memoryHits = _memoryIndex.SearchBatch(all, Neighbours);
        for (int j = 0; j < withQuery.Length; j++)
        {
            var recordScores = scores[withQuery[j]];
            foreach (var (row, score) in prototypeHits[j])
                recordScores.Set(HybridComponent.Prototype, _prototypes.Keys[row], Math.Max(0, score));
            recordScores.SetShares(
                HybridComponent.Memory,
                NeighbourVotes.Sum(memoryHits[j].Select(h => (h.Row, Math.Max(0, h.Score))), _memory)
            );
        }

        // The lexical components are per record and read shared indexes only: spread over the cores.
        Parallel.For(
            0,
            records.Count,
            i =>
            {
                var recordScores = scores[i];
                recordScores.SetShares(HybridComponent.LexicalMemory, _lexicalMemory.Votes(records[i]));
                var bm25 = Labels.Bm25.Rank(
                    QueryText.Tokens(records[i], Queries.Fields),
                    QueryText.Language(records[i]),
                    Bm25Candidates
                );
                foreach (var hit in bm25)
                    recordScores.Set(HybridComponent.Bm25, hit.Code, hit.Score / bm25[0].Score);
                foreach (var label in recordScores.Candidates.Concat(_prior.Select(p => p.Code)).ToArray())
                    recordScores.Set(HybridComponent.Prior, label, _logCounts.GetValueOrDefault(label) / _maxLogCount);
            }
        );
        return scores;
    }

    /// <summary>Each label's normalised mean of the embeddings of the training records that carry it.</summary>
    private static DenseIndex Prototypes(LabeledRecords memory, DenseIndex records)
    {
        var rowsByLabel = memory
            .Items.SelectMany((item, row) => item.Labels.Select(label => (label, row)))
            .GroupBy(pair => pair.label, pair => pair.row)
            .ToArray();
        var vectors = new float[rowsByLabel.Length * records.Dimension];
        for (int i = 0; i < rowsByLabel.Length; i++)
        {
            var prototype = vectors.AsSpan(i * records.Dimension, records.Dimension);
            foreach (int row in rowsByLabel[i])
                TensorPrimitives.Add(
                    prototype,
                    records.Vectors.AsSpan(row * records.Dimension, records.Dimension),
                    prototype
                );
            float norm = TensorPrimitives.Norm(prototype);
            if (norm > 0)
                TensorPrimitives.Divide(prototype, norm, prototype);
        }
        return new DenseIndex(rowsByLabel.Select(group => group.Key).ToArray(), vectors, records.Dimension);
    }

    /// <summary>Frees the memory's indexes; the label indexes and the query tower belong to the model.</summary>
    public void Dispose()
    {
        _memoryIndex.Dispose();
        _prototypes.Dispose();
    }
}

/// <summary>Per component, the scaled score of each candidate label.</summary>
internal sealed class ComponentScores
{
    private readonly Dictionary<string, float>[] _scores = Enum.GetValues<HybridComponent>()
        .Select(_ => new Dictionary<string, float>(StringComparer.Ordinal))
        .ToArray();

    public IEnumerable<string> Candidates => _scores.SelectMany(s => s.Keys).Distinct();

    public float Get(HybridComponent component, string label) => _scores[(int)component].GetValueOrDefault(label);

    public IReadOnlyDictionary<string, float> Of(HybridComponent component) => _scores[(int)component];

    public void Set(HybridComponent component, string label, float score) => _scores[(int)component][label] = score;

    /// <summary>Votes as shares of all the votes cast, so they lie in [0, 1] whatever the neighbours' scale.</summary>
    public void SetShares(HybridComponent component, IReadOnlyDictionary<string, float> votes)
    {
        float total = votes.Values.Sum();
        if (total <= 0)
            return;
        foreach (var (label, vote) in votes)
            Set(component, label, vote / total);
    }
}
