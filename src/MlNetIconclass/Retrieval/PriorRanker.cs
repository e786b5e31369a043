using MlNetIconclass.Collections;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// The frequency prior: the same list for every record, labels by how often training records carry them.
/// </summary>
public sealed class PriorRanker : ICodeRanker
{
    private readonly ScoredCode[] _ranking;

    public PriorRanker(LabeledRecords training, IReadOnlyList<string> labelSpace)
    {
        var counts = Counts(training);
        // Frequent labels first; the labels training never saw follow in tree order with score 0.
        _ranking = MostUsedFirst(counts)
            .Select(c => new ScoredCode(c.Key, (float)c.Value / training.Items.Count))
            .Concat(labelSpace.Where(label => !counts.ContainsKey(label)).Select(label => new ScoredCode(label, 0)))
            .ToArray();
    }

    public string Name => "prior";

    public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count) => _ranking.Take(count).ToArray();

    /// <summary>How many of the records carry each label.</summary>
    internal static Dictionary<string, long> Counts(LabeledRecords records) =>
        records
            .Items.SelectMany(item => item.Labels)
            .CountBy(label => label)
            .ToDictionary(c => c.Key, c => (long)c.Value);

    /// <summary>Labels with their uses, the most used first and ties in notation order.</summary>
    internal static IEnumerable<KeyValuePair<string, long>> MostUsedFirst(IReadOnlyDictionary<string, long> counts) =>
        counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal);
}
