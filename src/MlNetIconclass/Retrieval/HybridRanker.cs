using MlNetIconclass.Collections;
using MlNetIconclass.Features;

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

    /// <summary>
    /// Cosine to the label's prototype: the mean of its training records in the dual encoder's space.
    /// </summary>
    Prototype,
}

/// <summary>A weight for each <see cref="HybridComponent"/>.</summary>
public sealed record HybridWeights(
    float Dense,
    float Memory,
    float LexicalMemory,
    float Bm25,
    float Prior,
    float Prototype = 0
)
{
    public float this[HybridComponent component] =>
        component switch
        {
            HybridComponent.Dense => Dense,
            HybridComponent.Memory => Memory,
            HybridComponent.LexicalMemory => LexicalMemory,
            HybridComponent.Bm25 => Bm25,
            HybridComponent.Prior => Prior,
            HybridComponent.Prototype => Prototype,
            _ => throw new ArgumentOutOfRangeException(nameof(component)),
        };

    public HybridWeights Without(HybridComponent component) =>
        component switch
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
        $"dense {Dense}, memory {Memory}, lexical memory {LexicalMemory}, bm25 {Bm25}, prior {Prior}, prototype "
        + $"{Prototype}";
}

/// <summary>
/// Ranks labels by a weighted sum of component scores, each scaled to [0, 1]: dense similarity to the label
/// documents and to label prototypes, votes of the nearest training records (dense and lexical), BM25, and the log
/// prior.
/// </summary>
public sealed class HybridRanker : IImageQueryRanker
{
    internal HybridRanker(HybridComponents components, HybridWeights weights, string name = "dual-encoder")
    {
        Components = components;
        Weights = weights;
        Name = name;
    }

    public string Name { get; }

    public HybridWeights Weights { get; }

    internal HybridComponents Components { get; }

    public int Neighbours => Components.Neighbours;

    /// <summary>
    /// The same components under other weights (for tuning and ablations), without recomputing anything.
    /// </summary>
    public HybridRanker WithWeights(HybridWeights other, string? otherName = null) =>
        new(Components, other, otherName ?? Name);

    public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count) =>
        Combine(Components.Score(record), Weights, count);

    public IReadOnlyList<IReadOnlyList<ScoredCode>> RankBatch(
        IReadOnlyList<ArtworkRecord> records,
        int count,
        ArtworkImageFeatures? images = null
    ) =>
        Components
            .ScoreBatch(records, images)
            .AsParallel()
            .AsOrdered()
            .Select(scores => Combine(scores, Weights, count))
            .ToArray();

    private static readonly HybridComponent[] AllComponents = Enum.GetValues<HybridComponent>();

    /// <summary>
    /// The weighted sum over each candidate, best first (ties by notation), positive scores only: one pass over the
    /// candidates' rows of scores, since this runs for every record scored. The sum is taken in the components' order
    /// in double precision and rounded once, so rankings do not depend on how the scores are held.
    /// </summary>
    internal static IReadOnlyList<ScoredCode> Combine(ComponentScores scores, HybridWeights weights, int count)
    {
        Span<float> weight = stackalloc float[AllComponents.Length];
        foreach (var component in AllComponents)
            weight[(int)component] = weights[component];
        var sums = new float[scores.Count];
        for (int slot = 0; slot < scores.Count; slot++)
        {
            var row = scores.ScoresAt(slot);
            double sum = 0;
            for (int c = 0; c < row.Length; c++)
                sum += weight[c] * row[c];
            sums[slot] = (float)sum;
        }
        var ranked = scores.Ranked(slot => sums[slot]);
        int kept = Math.Min(count, ranked.Length);
        var codes = new ScoredCode[kept];
        for (int i = 0; i < kept; i++)
            codes[i] = new ScoredCode(scores.LabelAt(ranked[i].Slot), ranked[i].Value);
        return codes;
    }
}
