using MlNetIconclass.Collections;
using MlNetIconclass.Features;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// The hybrid with a learned fusion: the linear fusion proposes its top <see cref="Depth"/> candidates, and a
/// LambdaMART ranker reorders them by their <see cref="FusionFeatures"/> (their ranks within the components, the
/// linear score and rank, the label, and the tree as evidence). Candidates below the depth follow in the linear
/// fusion's order. Scores lie in [0, 1]: the ranker's score through the logistic function for the reordered
/// candidates, and below them the lowest of those scaled by the linear score, so scores fall along the whole list.
/// </summary>
public sealed class LearnedFusion : IImageQueryRanker
{
    /// <summary>How many of the linear fusion's candidates the ranker reorders.</summary>
    public const int Depth = 100;

    private readonly FusionTrees _trees;
    private readonly FusionFeatures _features;
    private readonly IReadOnlySet<FusionFeatureGroup> _off;

    internal LearnedFusion(
        HybridRanker linear,
        FusionTrees trees,
        FusionFeatures features,
        string name,
        IReadOnlySet<FusionFeatureGroup>? off = null
    )
    {
        Linear = linear;
        _trees = trees;
        _features = features;
        _off = off ?? new HashSet<FusionFeatureGroup>();
        Name = name;
    }

    public string Name { get; }

    /// <summary>The linear fusion that proposes the candidates.</summary>
    public HybridRanker Linear { get; }

    public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count) => RankBatch([record], count)[0];

    public IReadOnlyList<IReadOnlyList<ScoredCode>> RankBatch(
        IReadOnlyList<ArtworkRecord> records,
        int count,
        ArtworkImageFeatures? images = null
    )
    {
        var scores = Linear.Components.ScoreBatch(records, images);
        return Enumerable
            .Range(0, records.Count)
            .AsParallel()
            .AsOrdered()
            .Select(i => Rerank(records[i], scores[i], count))
            .ToArray();
    }

    private IReadOnlyList<ScoredCode> Rerank(ArtworkRecord record, ComponentScores scores, int count)
    {
        var linear = HybridRanker.Combine(scores, Linear.Weights, Math.Max(count, Depth));
        // A record with neither text nor image has nothing for the ranker to weigh: it keeps the linear ranking.
        if (linear.Count == 0 || QueryText.IsEmpty(record))
            return linear.Count > count ? linear.Take(count).ToArray() : linear;

        var head = linear.Take(Math.Min(Depth, linear.Count)).ToArray();
        var features = new float[head.Length * FusionFeatures.Count];
        string language = Linear.Components.Labels.Thesaurus.RankingLanguage(QueryText.Language(record));
        _features.Write(scores, head, language, features, _off);
        return Reorder(linear, features, _trees, count);
    }

    /// <summary>
    /// The linear ranking with its head (as many candidates as <paramref name="features"/> has rows) reordered by the
    /// ranker's scores, ties kept in the linear order, and the rest after it.
    /// </summary>
    internal static IReadOnlyList<ScoredCode> Reorder(
        IReadOnlyList<ScoredCode> linear,
        ReadOnlySpan<float> features,
        FusionTrees trees,
        int count
    )
    {
        int depth = features.Length / FusionFeatures.Count;
        Span<float> raw = stackalloc float[depth];
        trees.Score(features[..(depth * FusionFeatures.Count)], raw);
        var reranked = new (ScoredCode Code, int Linear)[depth];
        for (int i = 0; i < depth; i++)
            reranked[i] = (linear[i] with { Score = 1f / (1f + MathF.Exp(-raw[i])) }, i);
        Array.Sort(
            reranked,
            (a, b) => a.Code.Score != b.Code.Score ? b.Code.Score.CompareTo(a.Code.Score) : a.Linear.CompareTo(b.Linear)
        );
        var ranked = new List<ScoredCode>(Math.Min(count, linear.Count));
        foreach (var (code, _) in reranked)
            if (ranked.Count < count)
                ranked.Add(code);
        float floor = reranked[^1].Code.Score;
        float linearFloor = linear[depth - 1].Score;
        for (int i = depth; i < linear.Count && ranked.Count < count; i++)
            ranked.Add(linear[i] with { Score = floor * linear[i].Score / linearFloor });
        return ranked;
    }
}
