namespace MlNetIconclass.Features;

/// <summary>
/// Language-agnostic text features: each lower-cased word and its character 3- to 5-grams (with word boundary
/// marks), hashed into a fixed number of buckets. A stable hash (FNV-1a), so a model's buckets mean the same on
/// every machine and run.
/// </summary>
internal sealed class HashedNgrams(int buckets, int minN = 3, int maxN = 5)
{
    public int Buckets { get; } = buckets;

    /// <summary>The bucket ids of one text; never empty (an empty text maps to bucket 0).</summary>
    public List<int> Featurize(string text)
    {
        var ids = new List<int>();
        foreach (var word in Words(text))
        {
            ids.Add(Bucket("w:", word));
            string marked = "<" + word + ">";
            for (int n = minN; n <= maxN; n++)
            for (int start = 0; start + n <= marked.Length; start++)
                ids.Add(Bucket("c:", marked.AsSpan(start, n)));
        }
        if (ids.Count == 0)
            ids.Add(0);
        return ids;
    }

    /// <summary>Flattened ids and each text's offset into them, as an embedding bag takes them.</summary>
    public (long[] Ids, long[] Offsets) FeaturizeBatch(IReadOnlyList<string> texts)
    {
        var ids = new List<long>();
        var offsets = new long[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            offsets[i] = ids.Count;
            foreach (var id in Featurize(texts[i]))
                ids.Add(id);
        }
        return (ids.ToArray(), offsets);
    }

    private static IEnumerable<string> Words(string text)
    {
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
                start = i;
            else if (!inWord && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }

    private int Bucket(string prefix, ReadOnlySpan<char> value)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in prefix)
            hash = (hash ^ c) * 1099511628211UL;
        foreach (char c in value)
            hash = (hash ^ c) * 1099511628211UL;
        return (int)(hash % (ulong)Buckets);
    }
}
