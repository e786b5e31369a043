namespace MlNetIconclass.Evaluation;

/// <summary>
/// The protocol's per-record retrieval metrics; averages over records are taken by the caller.
/// R@k = |gold ∩ top k| / |gold|; P@k = |gold ∩ top k| / k; F1@k their harmonic mean; Hit@k whether any gold is in the
/// top k; MRR = 1 / rank of the first gold in the top 100; AP@100 = sum of P@i over gold hits at rank i ≤ 100, over
/// |gold|; NDCG@k with binary gains, log2 discount and an ideal of min(k, |gold|) hits. MedR and MeanR (Banar et al.)
/// are the median and mean over records of the rank of the first gold label in the ranker's whole ranking; a record
/// none of whose gold labels is ranked at all counts the rank those labels would have on average if the labels left
/// unranked followed the ranking in random order (<see cref="FirstRelevantRank"/>).
/// </summary>
public static class RetrievalMetrics
{
    public const int Depth = 100;

    /// <summary>The metric names reported always, in order.</summary>
    public static readonly IReadOnlyList<string> StandardNames =
    [
        "R@1",
        "R@5",
        "R@10",
        "P@5",
        "F1@5",
        "Hit@1",
        "Hit@10",
        "MRR",
        "MAP@100",
        "NDCG@10",
        "MedR",
        "MeanR",
    ];

    /// <summary>Metrics averaged over records by their median rather than their mean.</summary>
    public static bool IsMedian(string name) => name == "MedR";

    private static readonly int[] StandardCutoffs = [1, 5, 10];

    /// <summary>
    /// The standard names, then R@k, P@k, F1@k, Hit@k and NDCG@k for each k asked for beyond 1, 5 and 10.
    /// </summary>
    public static IReadOnlyList<string> Names(IEnumerable<int> ks) =>
        StandardNames
            .Concat(
                ks.Except(StandardCutoffs)
                    .Distinct()
                    .Order()
                    .SelectMany(k => new[] { $"R@{k}", $"P@{k}", $"F1@{k}", $"Hit@{k}", $"NDCG@{k}" })
            )
            .ToArray();

    /// <summary>
    /// Every metric of <paramref name="names"/> for one record's ranking against its gold labels; the ranks need the
    /// size of the label space the ranking was drawn from.
    /// </summary>
    public static Dictionary<string, double> Compute(
        IReadOnlyList<string> ranking,
        IReadOnlySet<string> gold,
        IEnumerable<string> names,
        int labelCount = 0
    )
    {
        var hits = ranking.Take(Depth).Select(gold.Contains).ToArray();
        return names.ToDictionary(
            name => name,
            name =>
                name is "MedR" or "MeanR"
                    ? FirstRelevantRank(ranking, gold, labelCount)
                    : Compute(name, hits, gold.Count)
        );
    }

    /// <summary>
    /// The 1-based rank of the first gold label in the ranking; when none is ranked, the expected rank of the first
    /// of the g gold labels placed at random among the u labels left unranked: ranked + (u + 1) / (g + 1).
    /// </summary>
    public static double FirstRelevantRank(IReadOnlyList<string> ranking, IReadOnlySet<string> gold, int labelCount)
    {
        for (int i = 0; i < ranking.Count; i++)
            if (gold.Contains(ranking[i]))
                return i + 1;
        // Gold outside the label space (strict: a name no collection used) is counted among the unranked.
        int unranked = Math.Max(labelCount - ranking.Count, gold.Count);
        return ranking.Count + (unranked + 1.0) / (gold.Count + 1);
    }

    private static double Compute(string name, bool[] hits, int goldCount)
    {
        if (name == "MRR")
            return ReciprocalRank(hits);
        if (name == "MAP@100")
            return AveragePrecision(hits, goldCount);
        int at = name.IndexOf('@');
        int k = int.Parse(name.AsSpan(at + 1));
        return name[..at] switch
        {
            "R" => (double)HitsAt(hits, k) / goldCount,
            "P" => (double)HitsAt(hits, k) / k,
            "F1" => F1(HitsAt(hits, k), k, goldCount),
            "Hit" => HitsAt(hits, k) > 0 ? 1 : 0,
            "NDCG" => Ndcg(hits, k, goldCount),
            _ => throw new ArgumentException($"Unknown metric '{name}'.", nameof(name)),
        };
    }

    private static int HitsAt(bool[] hits, int k) => hits.Take(k).Count(hit => hit);

    private static double F1(int hitCount, int k, int goldCount)
    {
        double precision = (double)hitCount / k,
            recall = (double)hitCount / goldCount;
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    private static double ReciprocalRank(bool[] hits)
    {
        int first = Array.IndexOf(hits, true);
        return first < 0 ? 0 : 1.0 / (first + 1);
    }

    private static double AveragePrecision(bool[] hits, int goldCount)
    {
        double sum = 0;
        int found = 0;
        for (int i = 0; i < hits.Length; i++)
            if (hits[i])
                sum += (double)++found / (i + 1);
        return sum / goldCount;
    }

    private static double Ndcg(bool[] hits, int k, int goldCount)
    {
        double dcg = 0,
            ideal = 0;
        for (int i = 0; i < Math.Min(k, hits.Length); i++)
            if (hits[i])
                dcg += 1 / Math.Log2(i + 2);
        for (int i = 0; i < Math.Min(k, goldCount); i++)
            ideal += 1 / Math.Log2(i + 2);
        return dcg / ideal;
    }
}
