namespace MlNetIconclass.Retrieval;

/// <summary>
/// Why a code was suggested for a record: the remembered records that voted for it, the words of the query found in
/// its definition and keywords, and each component's share of its score in the linear fusion (which proposes the
/// learned fusion's candidates too). Shares are keyed by component (<c>dense</c>, <c>memory</c>,
/// <c>lexical_memory</c>, <c>bm25</c>, <c>prior</c>, <c>prototype</c>) and sum to 1 where any component scored it.
/// </summary>
public sealed record CodeExplanation(
    string Code,
    IReadOnlyList<RememberedVoter> Voters,
    IReadOnlyList<string> Terms,
    IReadOnlyDictionary<string, double> Shares
)
{
    /// <summary>The name a component's share goes by.</summary>
    public static string ShareName(HybridComponent component) =>
        component switch
        {
            HybridComponent.LexicalMemory => "lexical_memory",
            _ => component.ToString().ToLowerInvariant(),
        };

    /// <summary>One line: the shares, the voters and the terms.</summary>
    public override string ToString()
    {
        var shares = Shares
            .Where(s => s.Value > 0)
            .OrderByDescending(s => s.Value)
            .Select(s => $"{s.Key} {s.Value * 100:0}%");
        var voters = Voters.Select(v => $"{v.Id} '{v.Title}' ({v.Memory} {v.Similarity:0.00})");
        string line = $"{Code}: {string.Join(", ", shares)}";
        if (Voters.Count > 0)
            line += $"; voted by {string.Join(", ", voters)}";
        if (Terms.Count > 0)
            line += $"; matched {string.Join(", ", Terms.Select(t => $"'{t}'"))}";
        return line;
    }
}

/// <summary>
/// A remembered record that voted for a code: its id, first title, how near the query it was, and in which memory:
/// <c>dense</c> (cosine of the embeddings) or <c>lexical</c> (BM25, scaled so the nearest record is 1).
/// </summary>
public sealed record RememberedVoter(string Id, string Title, double Similarity, string Memory);
