using System.Numerics.Tensors;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Retrieval;

/// <summary>The parts a hybrid score is made of; each can be switched off with a zero weight.</summary>
public enum HybridComponent
{
    /// <summary>Cosine between the query and each label document in the dual encoder's space.</summary>
    Dense,
    /// <summary>Labels of the nearest training records in the dual encoder's space.</summary>
    Memory,
    /// <summary>Labels of the nearest training records by BM25 over their text (the kNN baseline's votes).</summary>
    LexicalMemory,
    /// <summary>BM25 between the query and the label documents.</summary>
    Bm25,
    /// <summary>Log training frequency of the label.</summary>
    Prior,
    /// <summary>Cosine to the label's prototype: the mean of its training records in the dual encoder's space.</summary>
    Prototype,
}

/// <summary>A weight for each <see cref="HybridComponent"/>.</summary>
public sealed record HybridWeights(float Dense, float Memory, float LexicalMemory, float Bm25, float Prior, float Prototype = 0)
{
    public float this[HybridComponent component] => component switch
    {
        HybridComponent.Dense => Dense,
        HybridComponent.Memory => Memory,
        HybridComponent.LexicalMemory => LexicalMemory,
        HybridComponent.Bm25 => Bm25,
        HybridComponent.Prior => Prior,
        HybridComponent.Prototype => Prototype,
        _ => throw new ArgumentOutOfRangeException(nameof(component)),
    };

    public HybridWeights Without(HybridComponent component) => component switch
    {
        HybridComponent.Dense => this with { Dense = 0 },
        HybridComponent.Memory => this with { Memory = 0 },
        HybridComponent.LexicalMemory => this with { LexicalMemory = 0 },
        HybridComponent.Bm25 => this with { Bm25 = 0 },
        HybridComponent.Prior => this with { Prior = 0 },
        HybridComponent.Prototype => this with { Prototype = 0 },
        _ => throw new ArgumentOutOfRangeException(nameof(component)),
    };

    public override string ToString() =>
        $"dense {Dense}, memory {Memory}, lexical memory {LexicalMemory}, bm25 {Bm25}, prior {Prior}, prototype {Prototype}";
}

/// <summary>
/// Ranks labels by a weighted sum of component scores, each scaled to [0, 1]: dense similarity to the label
/// documents and to label prototypes, votes of the nearest training records (dense and lexical), BM25, and the log prior.
/// </summary>
public sealed class HybridRanker(HybridComponents components, HybridWeights weights, string name = "dual-encoder") : ICodeRanker
{
    public string Name { get; } = name;

    public HybridWeights Weights { get; } = weights;

    public HybridComponents Components { get; } = components;

    public int Neighbours => Components.Neighbours;

    /// <summary>The same components under other weights (for tuning and ablations), without recomputing anything.</summary>
    public HybridRanker WithWeights(HybridWeights other, string? otherName = null) => new(Components, other, otherName ?? Name);

    public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count) => Combine(Components.Score(record), Weights, count);

    public IReadOnlyList<IReadOnlyList<ScoredCode>> RankBatch(IReadOnlyList<ArtworkRecord> records, int count) =>
        Components.ScoreBatch(records).AsParallel().AsOrdered().Select(scores => Combine(scores, Weights, count)).ToArray();

    private static readonly HybridComponent[] AllComponents = Enum.GetValues<HybridComponent>();

    public static IReadOnlyList<ScoredCode> Combine(ComponentScores scores, HybridWeights weights, int count) =>
        scores.Candidates
            .Select(label => new ScoredCode(label, AllComponents.Sum(c => weights[c] * scores.Get(c, label))))
            .Where(code => code.Score > 0)
            .OrderByDescending(code => code.Score).ThenBy(code => code.Code, StringComparer.Ordinal)
            .Take(count)
            .ToArray();
}

/// <summary>
/// What the hybrid's components need from the training records, built once: their embeddings and label prototypes,
/// the lexical memory and the label counts; the label side comes from a shared <see cref="LabelIndexes"/>.
/// </summary>
public sealed class HybridComponents
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
    /// <param name="memory">Training records the memory components search.</param>
    /// <param name="neighbours">How many nearest training records vote, in each memory.</param>
    /// <param name="visual">The image side of the query tower, for models trained with images.</param>
    public HybridComponents(LabelIndexes labels, LabeledRecords memory, int neighbours = 20, VisualQuery? visual = null)
    {
        Labels = labels;
        Visual = visual;
        _memory = memory;
        Neighbours = neighbours;
        var memoryTexts = memory.Items.Select(item => QueryString(item.Record)).ToArray();
        _memoryIndex = new DenseIndex(memory.Items.Select(item => item.Record.Id).ToArray(), labels.Embedder.Embed(memoryTexts), labels.Embedder.Dimension);
        _prototypes = Prototypes(memory, _memoryIndex);
        _lexicalMemory = new KnnRanker(memory, labels.Bm25, labels.Fields, neighbours);
        _prior = new PriorRanker(memory, labels.Thesaurus.LabelSpace).Rank(new ArtworkRecord(), PriorCandidates);
        _logCounts = memory.Items.SelectMany(i => i.Labels).CountBy(l => l).ToDictionary(c => c.Key, c => (float)Math.Log(1 + c.Value));
        _maxLogCount = Math.Max(_logCounts.Values.DefaultIfEmpty(0).Max(), 1e-6f);
    }

    public LabelIndexes Labels { get; }

    public int Neighbours { get; }

    public VisualQuery? Visual { get; }

    /// <summary>Each component's scores for the record's candidate labels, scaled to [0, 1].</summary>
    public ComponentScores Score(ArtworkRecord record) => ScoreBatch([record])[0];

    /// <summary>
    /// <see cref="Score"/> for several records at once: their query vectors searched with one matrix product per
    /// index (a single query costs a pass over all 40,698 label vectors, so batching is most of the speed).
    /// </summary>
    public ComponentScores[] ScoreBatch(IReadOnlyList<ArtworkRecord> records)
    {
        var scores = records.Select(_ => new ComponentScores()).ToArray();
        var queries = QueryVectors(records);
        var withQuery = Enumerable.Range(0, records.Count).Where(i => queries[i] is not null).ToArray();
        float[] Stack(IEnumerable<int> rows) => rows.SelectMany(i => queries[i]!).ToArray();

        foreach (var language in withQuery.GroupBy(i => QueryText.Language(records[i])))
        {
            var rows = language.ToArray();
            var hits = Labels.Dense(language.Key).SearchBatch(Stack(rows), DenseCandidates);
            for (int j = 0; j < rows.Length; j++)
                foreach (var (row, score) in hits[j])
                    scores[rows[j]].Set(HybridComponent.Dense, Labels.Dense(language.Key).Keys[row], Math.Max(0, score));
        }
        var all = Stack(withQuery);
        var prototypeHits = _prototypes.SearchBatch(all, DenseCandidates);
        var memoryHits = _memoryIndex.SearchBatch(all, Neighbours);
        for (int j = 0; j < withQuery.Length; j++)
        {
            var recordScores = scores[withQuery[j]];
            foreach (var (row, score) in prototypeHits[j])
                recordScores.Set(HybridComponent.Prototype, _prototypes.Keys[row], Math.Max(0, score));
            recordScores.SetShares(HybridComponent.Memory, NeighbourVotes.Sum(memoryHits[j].Select(h => (h.Row, Math.Max(0, h.Score))), _memory));
        }

        // The lexical components are per record and read shared indexes only: spread over the cores.
        Parallel.For(0, records.Count, i =>
        {
            var recordScores = scores[i];
            recordScores.SetShares(HybridComponent.LexicalMemory, _lexicalMemory.Votes(records[i]));
            var bm25 = Labels.Bm25.Rank(records[i], Bm25Candidates);
            foreach (var hit in bm25) recordScores.Set(HybridComponent.Bm25, hit.Code, hit.Score / bm25[0].Score);
            foreach (var label in recordScores.Candidates.Concat(_prior.Select(p => p.Code)).ToArray())
                recordScores.Set(HybridComponent.Prior, label, _logCounts.GetValueOrDefault(label) / _maxLogCount);
        });
        return scores;
    }

    /// <summary>
    /// The query tower's output for each record, texts embedded in one batch: the text embedding, fused with the
    /// image when the model has seen images; null for a record with neither.
    /// </summary>
    private float[]?[] QueryVectors(IReadOnlyList<ArtworkRecord> records)
    {
        var texts = records.Select(QueryString).ToArray();
        // A text-only model embeds even an empty text, as it always has; a visual one lets the image stand alone.
        var embedded = Enumerable.Range(0, records.Count).Where(i => Visual is null || texts[i].Length > 0).ToArray();
        var vectors = embedded.Length == 0 ? [] : Labels.Embedder.Embed(embedded.Select(i => texts[i]).ToArray());
        int dimension = Labels.Embedder.Dimension;
        var queries = new float[]?[records.Count];
        for (int j = 0; j < embedded.Length; j++) queries[embedded[j]] = vectors.AsSpan(j * dimension, dimension).ToArray();
        if (Visual is null) return queries;
        // The batch's images go through the image pipeline together; known ones come from the cache.
        Visual.Images.Prepare(records);
        for (int i = 0; i < records.Count; i++)
        {
            var features = Visual.Images.For(records[i]);
            queries[i] = Visual.Fusion.Fuse(queries[i], features is null ? null : Visual.Fusion.Project(features));
        }
        return queries;
    }

    private string QueryString(ArtworkRecord record) => QueryText.Joined(record, Labels.Fields);

    /// <summary>Each label's normalised mean of the embeddings of the training records that carry it.</summary>
    private static DenseIndex Prototypes(LabeledRecords memory, DenseIndex records)
    {
        var rowsByLabel = memory.Items.SelectMany((item, row) => item.Labels.Select(label => (label, row)))
            .GroupBy(pair => pair.label, pair => pair.row)
            .ToArray();
        var vectors = new float[rowsByLabel.Length * records.Dimension];
        for (int i = 0; i < rowsByLabel.Length; i++)
        {
            var prototype = vectors.AsSpan(i * records.Dimension, records.Dimension);
            foreach (int row in rowsByLabel[i]) TensorPrimitives.Add(prototype, records.Vectors.AsSpan(row * records.Dimension, records.Dimension), prototype);
            float norm = TensorPrimitives.Norm(prototype);
            if (norm > 0) TensorPrimitives.Divide(prototype, norm, prototype);
        }
        return new DenseIndex(rowsByLabel.Select(group => group.Key).ToArray(), vectors, records.Dimension);
    }
}

/// <summary>The image side of the query tower: the trained projection and gate, and where image features come from.</summary>
public sealed record VisualQuery(VisualFusion Fusion, Features.ArtworkImageFeatures Images);

/// <summary>Per component, the scaled score of each candidate label.</summary>
public sealed class ComponentScores
{
    private readonly Dictionary<string, float>[] _scores =
        Enum.GetValues<HybridComponent>().Select(_ => new Dictionary<string, float>(StringComparer.Ordinal)).ToArray();

    public IEnumerable<string> Candidates => _scores.SelectMany(s => s.Keys).Distinct();

    public float Get(HybridComponent component, string label) => _scores[(int)component].GetValueOrDefault(label);

    public void Set(HybridComponent component, string label, float score) => _scores[(int)component][label] = score;

    /// <summary>Votes as shares of all the votes cast, so they lie in [0, 1] whatever the neighbours' scale.</summary>
    public void SetShares(HybridComponent component, IReadOnlyDictionary<string, float> votes)
    {
        float total = votes.Values.Sum();
        if (total <= 0) return;
        foreach (var (label, vote) in votes) Set(component, label, vote / total);
    }
}
