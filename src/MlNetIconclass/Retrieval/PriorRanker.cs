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
        var counts = training.Items.SelectMany(item => item.Labels).CountBy(label => label).ToDictionary();
        // Frequent labels first; the labels training never saw follow in tree order with score 0.
        _ranking = counts
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new ScoredCode(c.Key, (float)c.Value / training.Items.Count))
            .Concat(labelSpace.Where(label => !counts.ContainsKey(label)).Select(label => new ScoredCode(label, 0)))
            .ToArray();
    }

    public string Name => "prior";

    public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count) => _ranking.Take(count).ToArray();
}
