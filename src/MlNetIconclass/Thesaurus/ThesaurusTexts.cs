namespace MlNetIconclass.Thesaurus;

/// <summary>
/// Definitions ("textual correlates") and keywords per language, keyed by notation; key texts are keyed by
/// key-set id and suffix (<c>25Fk46</c>). Untranslated <c>#</c> placeholder lines were dropped when loading.
/// </summary>
/// <remarks>
/// Texts are kept as slices of each file's text rather than as a million small strings, which keeps loading
/// every language fast (the garbage collector has little to trace) and strings are made on request.
/// </remarks>
public sealed class ThesaurusTexts
{
    private readonly IReadOnlyDictionary<string, Dictionary<string, ReadOnlyMemory<char>>> _definitions;
    private readonly IReadOnlyDictionary<string, KeywordTable> _keywords;

    internal ThesaurusTexts(
        IReadOnlyDictionary<string, Dictionary<string, ReadOnlyMemory<char>>> definitions,
        IReadOnlyDictionary<string, KeywordTable> keywords
    )
    {
        _definitions = definitions;
        _keywords = keywords;
    }

    public IEnumerable<string> DefinitionLanguages => _definitions.Keys.Order(StringComparer.Ordinal);

    public IEnumerable<string> KeywordLanguages => _keywords.Keys.Order(StringComparer.Ordinal);

    public bool HasDefinition(string notationOrKey, string language) =>
        _definitions.TryGetValue(language, out var texts) && texts.ContainsKey(notationOrKey);

    public string? GetDefinition(string notationOrKey, string language) =>
        _definitions.TryGetValue(language, out var texts) && texts.TryGetValue(notationOrKey, out var text)
            ? text.ToString()
            : null;

    /// <summary>
    /// Every definition and keyword in a language, with the notation or key text it belongs to.
    /// </summary>
    internal IEnumerable<(string Notation, ReadOnlyMemory<char> Text)> All(string language) =>
        (_definitions.TryGetValue(language, out var texts) ? texts.Select(pair => (pair.Key, pair.Value)) : []).Concat(
            _keywords.TryGetValue(language, out var keywords) ? keywords.All() : []
        );

    public IReadOnlyList<string> GetKeywords(string notationOrKey, string language) =>
        _keywords.TryGetValue(language, out var keywords) ? keywords.Get(notationOrKey) : [];

    /// <summary>How many entries (notations and key texts) have a definition in a language.</summary>
    public int DefinitionCount(string language) => _definitions.TryGetValue(language, out var texts) ? texts.Count : 0;

    /// <summary>Every keyword of a language in one array; each notation owns a contiguous range of it.</summary>
    internal sealed class KeywordTable(
        Dictionary<string, (int Start, int Count)> ranges,
        ReadOnlyMemory<char>[] keywords
    )
    {
        public IReadOnlyList<string> Get(string notation)
        {
            if (!ranges.TryGetValue(notation, out var range))
                return [];
            var result = new string[range.Count];
            for (int i = 0; i < range.Count; i++)
                result[i] = keywords[range.Start + i].ToString();
            return result;
        }

        public IEnumerable<(string Notation, ReadOnlyMemory<char> Keyword)> All() =>
            ranges.SelectMany(range =>
                new ArraySegment<ReadOnlyMemory<char>>(keywords, range.Value.Start, range.Value.Count).Select(keyword =>
                    (range.Key, keyword)
                )
            );

        /// <summary>Groups (notation, keyword) pairs by notation, keeping file order within each notation.</summary>
        public static KeywordTable Build(IReadOnlyList<(string Notation, ReadOnlyMemory<char> Keyword)> pairs)
        {
            var firstSeen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (notation, _) in pairs)
                firstSeen.TryAdd(notation, firstSeen.Count);
            // Upstream files list a notation's keywords together almost always; a stable sort handles the rest.
            var ordered = pairs.OrderBy(pair => firstSeen[pair.Notation]).ToArray();
            var ranges = new Dictionary<string, (int, int)>(firstSeen.Count, StringComparer.Ordinal);
            for (int start = 0; start < ordered.Length; )
            {
                int end = start;
                while (end < ordered.Length && ordered[end].Notation == ordered[start].Notation)
                    end++;
                ranges[ordered[start].Notation] = (start, end - start);
                start = end;
            }
            return new KeywordTable(ranges, ordered.Select(pair => pair.Keyword).ToArray());
        }
    }
}
