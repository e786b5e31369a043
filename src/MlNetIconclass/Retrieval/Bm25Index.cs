namespace MlNetIconclass.Retrieval;

/// <summary>
/// Okapi BM25 over tokenized documents, with an inverted index. IDF is <c>ln(1 + (N - df + 0.5) / (df + 0.5))</c>,
/// which stays positive; each distinct query term counts once.
/// </summary>
internal sealed class Bm25Index
{
    private readonly Dictionary<string, Posting[]> _postings;
    private readonly Dictionary<string, float> _idf;
    private readonly float[] _lengthNorm;
    private readonly float _k1;

    public Bm25Index(IReadOnlyList<IReadOnlyList<string>> documents, float k1 = 1.2f, float b = 0.75f)
    {
        _k1 = k1;
        DocumentCount = documents.Count;
        double averageLength = documents.Count == 0 ? 0 : documents.Average(d => d.Count);
        _lengthNorm = documents
            .Select(d => (float)(k1 * (1 - b + b * (averageLength == 0 ? 0 : d.Count / averageLength))))
            .ToArray();

        var postings = new Dictionary<string, List<Posting>>(StringComparer.Ordinal);
        for (int doc = 0; doc < documents.Count; doc++)
        {
            foreach (var group in documents[doc].GroupBy(token => token, StringComparer.Ordinal))
            {
                if (!postings.TryGetValue(group.Key, out var list))
                    postings[group.Key] = list = [];
                list.Add(new Posting(doc, group.Count()));
            }
        }
        _postings = postings.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        _idf = _postings.ToDictionary(
            p => p.Key,
            p => (float)Math.Log(1 + (DocumentCount - p.Value.Length + 0.5) / (p.Value.Length + 0.5)),
            StringComparer.Ordinal
        );
    }

    public int DocumentCount { get; }

    /// <summary>
    /// The best <paramref name="count"/> documents with a positive score, best first (ties by index).
    /// </summary>
    public IReadOnlyList<(int Document, float Score)> Search(IEnumerable<string> queryTokens, int count)
    {
        var scores = new Dictionary<int, float>();
        foreach (var term in queryTokens.Distinct(StringComparer.Ordinal))
        {
            if (!_postings.TryGetValue(term, out var postings))
                continue;
            float idf = _idf[term];
            foreach (var (doc, frequency) in postings)
            {
                float weight = idf * frequency * (_k1 + 1) / (frequency + _lengthNorm[doc]);
                scores[doc] = scores.GetValueOrDefault(doc) + weight;
            }
        }
        return scores
            .OrderByDescending(s => s.Value)
            .ThenBy(s => s.Key)
            .Take(count)
            .Select(s => (s.Key, s.Value))
            .ToArray();
    }

    private readonly record struct Posting(int Document, int Frequency);
}
