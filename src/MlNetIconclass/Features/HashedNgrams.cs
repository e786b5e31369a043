using System.Runtime.CompilerServices;

namespace MlNetIconclass.Features;

/// <summary>
/// Language-agnostic text features: each lower-cased word and its character 3- to 5-grams (with word boundary
/// marks), hashed into a fixed number of buckets. A stable hash (FNV-1a), so a model's buckets mean the same on
/// every machine and run.
/// </summary>
internal sealed class HashedNgrams(int buckets, int minN = 3, int maxN = 5)
{
    public int Buckets { get; } = buckets;

    private static readonly ulong WordPrefix = Extend(OffsetBasis, "w:");
    private static readonly ulong NgramPrefix = Extend(OffsetBasis, "c:");
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>The bucket ids of one text; never empty (an empty text maps to bucket 0).</summary>
    /// <remarks>
    /// Optimised at once: every text of every ranking goes through it, and tiered compilation's first, unoptimised code
    /// made the first 40,698 label documents take three times as long.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public List<int> Featurize(string text)
    {
        var ids = new List<int>(text.Length * 4);
        // Each word lower-cased between boundary marks, in one buffer: "<word>".
        Span<char> marked = text.Length <= 1024 ? stackalloc char[text.Length + 2] : new char[text.Length + 2];
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
                start = i;
            else if (!inWord && start >= 0)
            {
                int length = i - start;
                var word = marked.Slice(1, length);
                text.AsSpan(start, length).ToLowerInvariant(word);
                marked[0] = '<';
                marked[length + 1] = '>';
                ids.Add(Bucket(WordPrefix, word));
                var ngrams = marked[..(length + 2)];
                for (int n = minN; n <= maxN; n++)
                for (int first = 0; first + n <= ngrams.Length; first++)
                    ids.Add(Bucket(NgramPrefix, ngrams.Slice(first, n)));
                start = -1;
            }
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

    private int Bucket(ulong prefix, ReadOnlySpan<char> value) => (int)(Extend(prefix, value) % (ulong)Buckets);

    private static ulong Extend(ulong hash, ReadOnlySpan<char> value)
    {
        foreach (char c in value)
            hash = (hash ^ c) * Prime;
        return hash;
    }
}
