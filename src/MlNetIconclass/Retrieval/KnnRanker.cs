using MlNetIconclass.Collections;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// Nearest training records by BM25 over their text; each neighbour's labels gain its score; the label ranking
/// of <paramref name="fill"/> completes the list.
/// </summary>
public sealed class KnnRanker(
    LabeledRecords training,
    ICodeRanker fill,
    QueryFields fields = QueryFields.Titles,
    int neighbours = 20
) : ICodeRanker
{
    private readonly Bm25Index _index = new(
        training.Items.Select(item => (IReadOnlyList<string>)QueryText.Tokens(item.Record, fields)).ToArray()
    );

    public string Name => "knn";

    public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count)
    {
        var votes = Votes(record);

        var ranked = votes
            .OrderByDescending(v => v.Value)
            .ThenBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => new ScoredCode(v.Key, v.Value))
            .Take(count)
            .ToList();
        if (ranked.Count < count)
            ranked.AddRange(
                fill.Rank(record, count + votes.Count)
                    .Where(code => !votes.ContainsKey(code.Code))
                    .Take(count - ranked.Count)
            );
        return ranked;
    }

    /// <summary>
    /// Each label of the nearest training records, with the sum of the BM25 scores of the neighbours carrying it.
    /// </summary>
    public Dictionary<string, float> Votes(ArtworkRecord record) => NeighbourVotes.Sum(Neighbours(record), training);

    /// <summary>The nearest training records (their places in the memory) with their BM25 scores, best first.</summary>
    internal IReadOnlyList<(int Document, float Score)> Neighbours(ArtworkRecord record) =>
        _index.Search(QueryText.Tokens(record, fields), neighbours);
}

/// <summary>Votes of neighbouring training records for their labels.</summary>
internal static class NeighbourVotes
{
    public static Dictionary<string, float> Sum(
        IEnumerable<(int Record, float Score)> neighbours,
        LabeledRecords training
    )
    {
        var votes = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var (record, score) in neighbours)
        foreach (var label in training.Items[record].Labels)
            votes[label] = votes.GetValueOrDefault(label) + score;
        return votes;
    }
}
