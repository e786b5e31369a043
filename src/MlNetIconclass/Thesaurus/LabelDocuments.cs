namespace MlNetIconclass.Thesaurus;

/// <summary>
/// The text that stands for each label when matching queries in one language: its definitions and keywords in
/// English and, when different, in the query's language.
/// </summary>
public static class LabelDocuments
{
    public static IEnumerable<string> For(IconclassThesaurus thesaurus, string label, string queryLanguage)
    {
        var languages = queryLanguage == IconclassThesaurus.FallbackLanguage
            ? [IconclassThesaurus.FallbackLanguage]
            : new[] { IconclassThesaurus.FallbackLanguage, queryLanguage };
        foreach (var language in languages)
        {
            if (thesaurus.Texts.GetDefinition(label, language) is { } definition) yield return definition;
            foreach (var keyword in thesaurus.Texts.GetKeywords(label, language)) yield return keyword;
        }
    }
}
