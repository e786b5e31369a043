namespace MlNetIconclass.Thesaurus;

/// <summary>
/// Definitions ("textual correlates") and keywords per language, keyed by notation; key texts are keyed by
/// key-set id and suffix (<c>25Fk46</c>). Untranslated <c>#</c> placeholder lines were dropped when loading.
/// </summary>
public sealed class ThesaurusTexts
{
    private readonly IReadOnlyDictionary<string, Dictionary<string, string>> _definitions;
    private readonly IReadOnlyDictionary<string, Dictionary<string, List<string>>> _keywords;

    internal ThesaurusTexts(
        IReadOnlyDictionary<string, Dictionary<string, string>> definitions,
        IReadOnlyDictionary<string, Dictionary<string, List<string>>> keywords)
    {
        _definitions = definitions;
        _keywords = keywords;
    }

    public IEnumerable<string> DefinitionLanguages => _definitions.Keys.Order(StringComparer.Ordinal);

    public IEnumerable<string> KeywordLanguages => _keywords.Keys.Order(StringComparer.Ordinal);

    public string? GetDefinition(string notationOrKey, string language) =>
        _definitions.TryGetValue(language, out var texts) && texts.TryGetValue(notationOrKey, out var text) ? text : null;

    public IReadOnlyList<string> GetKeywords(string notationOrKey, string language) =>
        _keywords.TryGetValue(language, out var keywords) && keywords.TryGetValue(notationOrKey, out var list) ? list : [];

    /// <summary>How many entries (notations and key texts) have a definition in a language.</summary>
    public int DefinitionCount(string language) => _definitions.TryGetValue(language, out var texts) ? texts.Count : 0;
}
