namespace MlNetIconclass.Thesaurus;

/// <summary>
/// The text that stands for each label when matching queries in one language: its definitions and keywords in
/// English and, when different, in the query's language. A collection label (<c>25G21(BANANA)</c>) has its base's
/// definition with the name filled in, its base's keywords, and the name itself.
/// </summary>
public static class LabelDocuments
{
    /// <summary>
    /// One text for a label tower: the definition in the query's language and in English, their keywords, then the
    /// English definitions of up to two ancestors, joined with <c> ; </c>; most specific first, for encoders that
    /// truncate. A free name follows the keywords.
    /// </summary>
    public static string TowerText(IconclassThesaurus thesaurus, string label, string queryLanguage)
    {
        var languages =
            queryLanguage == IconclassThesaurus.FallbackLanguage
                ? [IconclassThesaurus.FallbackLanguage]
                : new[] { queryLanguage, IconclassThesaurus.FallbackLanguage };
        var parts = languages
            .Select(language => thesaurus.LabelDefinition(label, language))
            .Concat(languages.SelectMany(language => thesaurus.LabelKeywords(label, language)))
            .Append(FreeName(thesaurus, label))
            .Concat(
                thesaurus
                    .LabelAncestors(label)
                    .Take(2)
                    .Select(ancestor => thesaurus.LabelDefinition(ancestor, IconclassThesaurus.FallbackLanguage))
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
            if (thesaurus.LabelDefinition(label, language) is { } definition)
                yield return definition;
            foreach (var keyword in thesaurus.LabelKeywords(label, language))
                yield return keyword;
        }
        if (FreeName(thesaurus, label) is { } name)
            yield return name;
    }

    /// <summary>The name of a label the thesaurus does not list (<c>BANANA</c>), or null.</summary>
    private static string? FreeName(IconclassThesaurus thesaurus, string label) =>
        !thesaurus.Tree.Contains(label) && Notation.TryParse(label, out var notation, out _)
            ? notation.BracketName
            : null;
}
