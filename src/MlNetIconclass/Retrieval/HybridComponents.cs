using System.Numerics.Tensors;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;

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
    private readonly int[] _prototypePositions;
    private readonly int[] _priorPositions;
    private readonly float[] _priorScores;

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
        _prototypePositions = _prototypes.Keys.Select(labels.Positions.Of).ToArray();
        _lexicalMemory = new KnnRanker(memory, labels.Bm25, queries.Fields, neighbours);
        // A model trained on no collection reads the prior it borrowed, which its weights were chosen for, even after
        // it learns a few records; any other counts the codes of its memory.
        var counts = labels.Prior.Counts.Count > 0 ? labels.Prior.Counts : PriorRanker.Counts(memory);
        _priorPositions = PriorRanker
            .MostUsedFirst(counts)
            .Take(PriorCandidates)
            .Select(c => labels.Positions.Of(c.Key))
            .ToArray();
        // Each label's log frequency, scaled by the largest, by position.
        float maxLogCount = (float)Math.Max(Math.Log(1 + counts.Values.DefaultIfEmpty(0).Max()), 1e-6);
        _priorScores = new float[labels.Thesaurus.LabelSpace.Count];
        foreach (var (label, count) in counts)
            _priorScores[labels.Positions.Of(label)] = (float)Math.Log(1 + count) / maxLogCount;
    }

    /// <summary>Whether the prior component has frequencies to score with.</summary>
    public bool HasPrior => _priorPositions.Length > 0;

    public LabelIndexes Labels { get; }

    public QueryTower Queries { get; }

    public int Neighbours { get; }

    /// <summary>Each component's scores for the record's candidate labels, scaled to [0, 1].</summary>
    internal ComponentScores Score(ArtworkRecord record, ArtworkImageFeatures? images = null) =>
        ScoreBatch([record], images)[0];

    /// <summary>
    /// <see cref="Score"/> for several records at once: their query vectors searched with one matrix product per
    /// index (a single query costs a pass over all 40,698 label vectors, so batching is most of the speed).
    /// </summary>
    internal ComponentScores[] ScoreBatch(IReadOnlyList<ArtworkRecord> records, ArtworkImageFeatures? images = null) =>
        ScoreBatch(records, Queries.Embed(records, images));

    /// <summary>
    /// <see cref="ScoreBatch(IReadOnlyList{ArtworkRecord}, ArtworkImageFeatures?)"/> with the records' query vectors
    /// already made (null for a record without a query).
    /// </summary>
    private ComponentScores[] ScoreBatch(IReadOnlyList<ArtworkRecord> records, float[]?[] queries)
    {
        var scores = records.Select(_ => new ComponentScores(Labels.Positions)).ToArray();
        var withQuery = Enumerable.Range(0, records.Count).Where(i => queries[i] is not null).ToArray();
        float[] Stack(IEnumerable<int> rows) => rows.SelectMany(i => queries[i]!).ToArray();

        // Grouped by index, not by language tag: every language the thesaurus lacks shares the English one.
        foreach (var group in withQuery.GroupBy(i => Labels.Dense(QueryText.Language(records[i]))))
        {
            var rows = group.ToArray();
            var index = group.Key;
            var hits = index.SearchBatch(Stack(rows), DenseCandidates);
            // A label index's rows are the label space's positions.
            for (int j = 0; j < rows.Length; j++)
                foreach (var (row, score) in hits[j])
                    scores[rows[j]].Set(HybridComponent.Dense, row, Math.Max(0, score));
        }
        var all = Stack(withQuery);
        var prototypeHits = _prototypes.SearchBatch(all, DenseCandidates);
        var memoryHits = _memoryIndex.SearchBatch(all, Neighbours);
        for (int j = 0; j < withQuery.Length; j++)
        {
            var recordScores = scores[withQuery[j]];
            foreach (var (row, score) in prototypeHits[j])
                recordScores.Set(HybridComponent.Prototype, _prototypePositions[row], Math.Max(0, score));
            recordScores.SetShares(
                HybridComponent.Memory,
                NeighbourVotes.Sum(memoryHits[j].Select(h => (h.Row, Math.Max(0, h.Score))), _memory)
            );
        }

        var (votes, bm25) = LexicalHits(records);
        Parallel.For(
            0,
            records.Count,
            i =>
            {
                var recordScores = scores[i];
                recordScores.SetShares(HybridComponent.LexicalMemory, votes[i]);
                foreach (var (position, score) in bm25[i])
                    recordScores.Set(HybridComponent.Bm25, position, score / bm25[i][0].Score);
                // The prior scores every candidate, and adds the most frequent labels.
                foreach (int position in _priorPositions)
                    recordScores.Set(HybridComponent.Prior, position, _priorScores[position]);
                for (int slot = 0; slot < recordScores.Count; slot++)
                {
                    int position = recordScores.PositionAt(slot);
                    recordScores.Set(HybridComponent.Prior, position, _priorScores[position]);
                }
            }
        );
        return scores;
    }

    /// <summary>
    /// Why each of <paramref name="codes"/> was suggested for the record (<see cref="CodeExplanation"/>): the
    /// remembered records among its nearest in each memory that carry the code (at most <paramref name="voters"/>,
    /// nearest first), the query's words in the code's document, and each component's share of its linear score under
    /// <paramref name="weights"/>.
    /// </summary>
    internal IReadOnlyList<CodeExplanation> Explain(
        ArtworkRecord record,
        IReadOnlyList<string> codes,
        HybridWeights weights,
        ArtworkImageFeatures? images,
        int voters = 5
    )
    {
        // The query is embedded once, for the scores and for the memory's nearest records.
        var query = Queries.Embed([record], images)[0];
        var scores = ScoreBatch([record], [query])[0];
        var dense = query is null ? [] : _memoryIndex.SearchBatch(query, Neighbours)[0];
        var lexical = _lexicalMemory.Neighbours(record);
        float bestLexical = lexical.Count == 0 ? 1 : Math.Max(lexical[0].Score, 1e-6f);
        var neighbours = dense
            .Select(hit => (hit.Row, Similarity: (double)hit.Score, Memory: "dense"))
            .Concat(
                lexical.Select(hit =>
                    (Row: hit.Document, Similarity: (double)hit.Score / bestLexical, Memory: "lexical")
                )
            )
            .ToArray();
        var tokens = QueryText.Tokens(record, Queries.Fields);
        string language = QueryText.Language(record);
        return codes
            .Select(code =>
            {
                var weighted = Enum.GetValues<HybridComponent>()
                    .ToDictionary(
                        component => component,
                        component => weights[component] * scores.Get(component, code)
                    );
                double total = weighted.Values.Sum();
                return new CodeExplanation(
                    code,
                    neighbours
                        .Where(n => _memory.Items[n.Row].Labels.Contains(code))
                        .OrderByDescending(n => n.Similarity)
                        .Take(voters)
                        .Select(n =>
                        {
                            var remembered = _memory.Items[n.Row].Record;
                            string title =
                                remembered.Titles.Concat(remembered.Descriptions).FirstOrDefault()?.Text ?? "";
                            return new RememberedVoter(remembered.Id, title, Math.Round(n.Similarity, 4), n.Memory);
                        })
                        .ToArray(),
                    Labels.Bm25.MatchedTerms(tokens, code, language),
                    weighted.ToDictionary(
                        w => CodeExplanation.ShareName(w.Key),
                        w => total > 0 ? Math.Round(w.Value / total, 4) : 0
                    )
                );
            })
            .ToArray();
    }

    /// <summary>
    /// Each record's lexical memory votes (its BM25 nearest training records) and its BM25 hits among the label
    /// documents, by position; per record, spread over the cores.
    /// </summary>
    private (Dictionary<string, float>[] Votes, IReadOnlyList<(int Position, float Score)>[] Bm25) LexicalHits(
        IReadOnlyList<ArtworkRecord> records
    )
    {
        var votes = new Dictionary<string, float>[records.Count];
        var bm25 = new IReadOnlyList<(int, float)>[records.Count];
        Parallel.For(
            0,
            records.Count,
            i =>
            {
                votes[i] = _lexicalMemory.Votes(records[i]);
                bm25[i] = Labels.Bm25.Search(
                    QueryText.Tokens(records[i], Queries.Fields),
                    QueryText.Language(records[i]),
                    Bm25Candidates
                );
            }
        );
        return (votes, bm25);
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

/// <summary>
/// Each candidate label's scaled score in every component, a row of floats per candidate, labels held as their
/// positions in the label space (<see cref="LabelPositions"/>): a record's few hundred candidates are scored and summed
/// over arrays, and named only in the ranking that comes out.
/// </summary>
internal sealed class ComponentScores
{
    public static readonly int Width = Enum.GetValues<HybridComponent>().Length;

    private readonly LabelPositions _labels;

    // Sized for a record's usual few hundred candidates, so that they rarely grow.
    private readonly Dictionary<int, int> _slots = new(512);
    private readonly List<int> _positions = new(512);
    private float[] _values = new float[512 * Width];

    /// <param name="labels">The label space; by default one of its own that takes any label (for tests).</param>
    public ComponentScores(LabelPositions? labels = null) => _labels = labels ?? LabelPositions.Open();

    /// <summary>How many candidates some component scored.</summary>
    public int Count => _positions.Count;

    public string LabelAt(int slot) => _labels[_positions[slot]];

    /// <summary>The candidate's score in each component, in <see cref="HybridComponent"/> order.</summary>
    public ReadOnlySpan<float> ScoresAt(int slot) => _values.AsSpan(slot * Width, Width);

    /// <summary>The candidate's slot, or -1 for a label no component scored.</summary>
    public int SlotOf(string label) =>
        _labels.TryGet(label, out int position) && _slots.TryGetValue(position, out int slot) ? slot : -1;

    public float Get(HybridComponent component, string label) =>
        SlotOf(label) is int slot and >= 0 ? _values[slot * Width + (int)component] : 0;

    public void Set(HybridComponent component, string label, float score) => Set(component, _labels.Of(label), score);

    public void Set(HybridComponent component, int position, float score)
    {
        if (!_slots.TryGetValue(position, out int slot))
        {
            slot = _positions.Count;
            _slots[position] = slot;
            _positions.Add(position);
            if (_values.Length < (slot + 1) * Width)
                Array.Resize(ref _values, _values.Length * 2);
        }
        _values[slot * Width + (int)component] = score;
    }

    /// <summary>The position in the label space of each candidate, by slot.</summary>
    public int PositionAt(int slot) => _positions[slot];

    /// <summary>
    /// The candidates with a positive value, best first and ties by notation; <paramref name="value"/> gives each
    /// slot's value. Sorted by one 64-bit key per candidate (the value's bits, then the notation's ordinal rank) with
    /// no comparer to call: this runs for several components of every record scored.
    /// </summary>
    public (int Slot, float Value)[] Ranked(Func<int, float> value)
    {
        var ordinal = _labels.OrdinalRanks();
        var keys = new List<ulong>(Count);
        var ranked = new List<(int Slot, float Value)>(Count);
        for (int slot = 0; slot < Count; slot++)
        {
            float v = value(slot);
            if (v <= 0)
                continue;
            // A positive float's bits order as its value does; inverted, the best comes first.
            keys.Add(
                ((ulong)(uint.MaxValue - BitConverter.SingleToUInt32Bits(v)) << 32) | (uint)ordinal[_positions[slot]]
            );
            ranked.Add((slot, v));
        }
        var sortedKeys = keys.ToArray();
        var items = ranked.ToArray();
        Array.Sort(sortedKeys, items);
        return items;
    }

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
