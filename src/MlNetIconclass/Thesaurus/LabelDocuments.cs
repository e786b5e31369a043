namespace MlNetIconclass.Thesaurus;

/// <summary>
/// The text that stands for each label when matching queries in one language: its definitions and keywords in
/// English and, when different, in the query's language.
/// </summary>
public static class LabelDocuments
{
    /// <summary>
    /// One text for a label tower: the definition in the query's language and in English, their keywords, then the
    /// English definitions of up to two ancestors, joined with <c> ; </c>; most specific first, for encoders that
    /// truncate.
    /// </summary>
    public static string TowerText(IconclassThesaurus thesaurus, string label, string queryLanguage)
    {
        var languages =
            queryLanguage == IconclassThesaurus.FallbackLanguage
                ? [IconclassThesaurus.FallbackLanguage]
                : new[] { queryLanguage, IconclassThesaurus.FallbackLanguage };
        var parts = languages
            .Select(language => thesaurus.Texts.GetDefinition(label, language))
            .Concat(languages.SelectMany(language => thesaurus.Texts.GetKeywords(label, language)))
            .Concat(
                thesaurus
                    .Tree.GetAncestors(label)
                    .Take(2)
                    .Select(ancestor => thesaurus.Texts.GetDefinition(ancestor, IconclassThesaurus.FallbackLanguage))
            )
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
        return string.Join(" ; ", parts);
    }

    public static IEnumerable<string> For(IconclassThesaurus thesaurus, string label, string queryLanguage)
    {
        var languages =
            queryLanguage == IconclassThesaurus.FallbackLanguage
                ? [IconclassThesaurus.FallbackLanguage]
                : new[] { IconclassThesaurus.FallbackLanguage, queryLanguage };
        foreach (var language in languages)
        {
            if (thesaurus.Texts.GetDefinition(label, language) is { } definition)
                yield return definition;
            foreach (var keyword in thesaurus.Texts.GetKeywords(label, language))
                yield return keyword;
        }
    }
}
