using System.Buffers;

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
    /// The best <paramref name="count"/> documents with a positive score, best first (ties by index). Scores add up in
    /// an array (every weight is positive, so a zero marks a document not yet reached), and only the best are sorted.
    /// </summary>
    public IReadOnlyList<(int Document, float Score)> Search(IEnumerable<string> queryTokens, int count)
    {
        var scores = ArrayPool<float>.Shared.Rent(DocumentCount);
        var reached = new List<int>();
        try
        {
            Array.Clear(scores, 0, DocumentCount);
            foreach (var term in queryTokens.Distinct(StringComparer.Ordinal))
            {
                if (!_postings.TryGetValue(term, out var postings))
                    continue;
                float idf = _idf[term];
                foreach (var (doc, frequency) in postings)
                {
                    if (scores[doc] == 0)
                        reached.Add(doc);
                    scores[doc] += idf * frequency * (_k1 + 1) / (frequency + _lengthNorm[doc]);
                }
            }
            return Best(reached, scores, count);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    /// <summary>The <paramref name="count"/> best reached documents: higher score first, then lower index.</summary>
    private static (int Document, float Score)[] Best(List<int> reached, float[] scores, int count)
    {
        var order = Comparer<int>.Create((a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a - b);
        if (count >= reached.Count)
        {
            reached.Sort(order);
            return reached.Select(doc => (doc, scores[doc])).ToArray();
        }
        // A heap of the best so far whose root is the worst of them.
        var best = new PriorityQueue<int, int>(count + 1, Comparer<int>.Create((a, b) => order.Compare(b, a)));
        foreach (int doc in reached)
        {
            if (best.Count < count)
                best.Enqueue(doc, doc);
            else if (count > 0 && order.Compare(doc, best.Peek()) < 0)
                best.EnqueueDequeue(doc, doc);
        }
        var top = new int[best.Count];
        for (int i = top.Length - 1; i >= 0; i--)
            top[i] = best.Dequeue();
        return top.Select(doc => (doc, scores[doc])).ToArray();
    }

    private readonly record struct Posting(int Document, int Frequency);
}
