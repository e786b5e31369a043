using System.Buffers;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// Okapi BM25 over tokenized documents, with an inverted index. IDF is <c>ln(1 + (N - df + 0.5) / (df + 0.5))</c>,
/// which stays positive; each distinct query term counts once.
/// </summary>
internal sealed class Bm25Index
{
    private readonly Dictionary<string, (int[] Documents, float[] Impacts)> _postings;
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
        var idf = postings.ToDictionary(
            p => p.Key,
            p => (float)Math.Log(1 + (DocumentCount - p.Value.Count + 0.5) / (p.Value.Count + 0.5)),
            StringComparer.Ordinal
        );
        _postings = postings.ToDictionary(
            p => p.Key,
            p =>
                (
                    p.Value.Select(x => x.Document).ToArray(),
                    p.Value.Select(x => idf[p.Key] * x.Frequency * (k1 + 1) / (x.Frequency + _lengthNorm[x.Document]))
                        .ToArray()
                ),
            StringComparer.Ordinal
        );
    }

    public int DocumentCount { get; }

    /// <summary>
    /// The best <paramref name="count"/> documents with a positive score, best first (ties by index). Scores add up in
    /// an array (every weight is positive, so a zero marks a document not yet reached), and only the best are sorted.
    /// The working arrays are pooled: this runs for every record scored, on every core.
    /// </summary>
    public IReadOnlyList<(int Document, float Score)> Search(IEnumerable<string> queryTokens, int count)
    {
        var scores = ArrayPool<float>.Shared.Rent(DocumentCount);
        var reached = ArrayPool<int>.Shared.Rent(DocumentCount);
        var values = ArrayPool<float>.Shared.Rent(DocumentCount);
        try
        {
            Array.Clear(scores, 0, DocumentCount);
            int reachedCount = 0;
            foreach (var term in queryTokens.Distinct(StringComparer.Ordinal))
            {
                if (!_postings.TryGetValue(term, out var postings))
                    continue;
                var (documents, impacts) = postings;
                for (int p = 0; p < documents.Length; p++)
                {
                    int doc = documents[p];
                    if (scores[doc] == 0)
                        reached[reachedCount++] = doc;
                    scores[doc] += impacts[p];
                }
            }
            return Best(reached.AsSpan(0, reachedCount), scores, values, count);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<int>.Shared.Return(reached);
            ArrayPool<float>.Shared.Return(values);
        }
    }

    /// <summary>
    /// The <paramref name="count"/> best reached documents: higher score first, then lower index. The k-th score is
    /// found by selection in linear time (in <paramref name="values"/>, a scratch array), so only the documents above
    /// it (and the ties it needs) are sorted.
    /// </summary>
    private static (int Document, float Score)[] Best(
        ReadOnlySpan<int> reached,
        float[] scores,
        float[] values,
        int count
    )
    {
        if (count <= 0)
            return [];
        float kth = 0;
        if (count < reached.Length)
        {
            for (int i = 0; i < reached.Length; i++)
                values[i] = scores[reached[i]];
            kth = KthLargest(values.AsSpan(0, reached.Length), count);
        }
        var best = new List<(int Document, float Score)>(Math.Min(count, reached.Length));
        var ties = new List<int>();
        foreach (int doc in reached)
        {
            if (scores[doc] > kth)
                best.Add((doc, scores[doc]));
            else if (scores[doc] == kth)
                ties.Add(doc);
        }
        // Documents tied at the k-th score: the lowest indexes fill the list.
        ties.Sort();
        foreach (int doc in ties.Take(count - best.Count))
            best.Add((doc, kth));
        var ranked = best.ToArray();
        Array.Sort(
            ranked,
            (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Document.CompareTo(b.Document)
        );
        return ranked;
    }

    /// <summary>The k-th largest value (k from 1), by quickselect; reorders <paramref name="values"/>.</summary>
    private static float KthLargest(Span<float> values, int k)
    {
        int low = 0,
            high = values.Length - 1,
            target = k - 1;
        while (low < high)
        {
            float pivot = values[low + (high - low) / 2];
            int i = low,
                j = high;
            while (i <= j)
            {
                while (values[i] > pivot)
                    i++;
                while (values[j] < pivot)
                    j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            if (target <= j)
                high = j;
            else if (target >= i)
                low = i;
            else
                return values[target];
        }
        return values[target];
    }

    private readonly record struct Posting(int Document, int Frequency);
}
