namespace MlNetIconclass.Thesaurus;

/// <summary>
/// The Iconclass thesaurus: the notation tree, key sets, and definitions and keywords in every language, with
/// the lookup rules collections need (keyed notations, names not in the official list, language fallback).
/// </summary>
public sealed class IconclassThesaurus
{
    public const string FallbackLanguage = "en";

    /// <summary>The zip the project ships, copied next to the assemblies at build time.</summary>
    public static string BundledDataPath => BundledFiles.PathOf("data", "iconclass", "iconclass-thesaurus.zip");

    private IReadOnlyList<string>? _labelSpace;

    internal IconclassThesaurus(IconclassTree tree, ThesaurusTexts texts)
    {
        Tree = tree;
        Texts = texts;
        Languages = texts.DefinitionLanguages.Union(texts.KeywordLanguages).Order(StringComparer.Ordinal).ToArray();
    }

    public IconclassTree Tree { get; }

    public ThesaurusTexts Texts { get; }

    /// <summary>Languages with definitions or keywords loaded.</summary>
    public IReadOnlyList<string> Languages { get; }

    /// <summary>
    /// Loads the Iconclass data from a zip or an upstream-style folder, in every language or only those given.
    /// </summary>
    public static IconclassThesaurus Load(string path, IEnumerable<string>? languages = null) =>
        ThesaurusLoader.Load(ThesaurusSource.From(path), languages?.ToHashSet(StringComparer.Ordinal));

    /// <summary>Loads the copy of the Iconclass data that ships with the project.</summary>
    public static IconclassThesaurus LoadBundled(IEnumerable<string>? languages = null) =>
        Load(BundledDataPath, languages);

    /// <summary>
    /// The protocol's label space: every listed notation (keys not expanded) that has a definition in at least
    /// one loaded language, in tree order.
    /// </summary>
    public IReadOnlyList<string> LabelSpace =>
        _labelSpace ??= Tree
            .Notations.Where(notation =>
                Texts.DefinitionLanguages.Any(language => Texts.HasDefinition(notation, language))
            )
            .ToArray();

    /// <summary>
    /// The language a query in <paramref name="language"/> is ranked and answered in: itself where the thesaurus has
    /// it, else English. Records may carry any language code; the ones the thesaurus lacks are warned about where
    /// they are read, never refused.
    /// </summary>
    public string RankingLanguage(string language) => Languages.Contains(language) ? language : FallbackLanguage;

    /// <summary>Throws a clear error for a language the loaded data does not have.</summary>
    public void EnsureLanguage(string language)
    {
        if (!Languages.Contains(language))
            throw new ArgumentException(
                $"Unknown language '{language}': the thesaurus has {string.Join(", ", Languages)}.",
                nameof(language)
            );
    }

    /// <summary>
    /// The definition of a notation in a language, else in English (said so by <see cref="NotationText.IsFallback"/>).
    /// A keyed notation's text is the base text plus each key's text; a bracketed name that is not listed takes the
    /// text of its <c>(...)</c> placeholder with the name filled in. Null when neither language has a text.
    /// </summary>
    public NotationText? GetText(string notation, string language)
    {
        EnsureLanguage(language);
        if (!Notation.TryParse(notation, out var parsed, out _))
            return null;
        if (ComposeText(parsed, language) is { } text)
            return new NotationText(parsed.Value, text, language, false);
        return language != FallbackLanguage && ComposeText(parsed, FallbackLanguage) is { } fallback
            ? new NotationText(parsed.Value, fallback, FallbackLanguage, true)
            : null;
    }

    /// <summary>Keywords of a notation (or, for a free bracket name, of its placeholder) in one language.</summary>
    public IReadOnlyList<string> GetKeywords(string notation, string language)
    {
        var keywords = Texts.GetKeywords(notation, language);
        if (keywords.Count > 0 || !Notation.TryParse(notation, out var parsed, out _))
            return keywords;
        return parsed.PlaceholderBase is { } placeholder ? Texts.GetKeywords(placeholder, language) : [];
    }

    private string? ComposeText(Notation notation, string language)
    {
        string? text = DefinitionOrPlaceholder(notation.Base, language);
        if (text is null || !notation.HasKeys)
            return text;

        string? keySet = KeySetOf(notation);
        foreach (var key in notation.Keys)
        {
            if (keySet is null || DefinitionOrPlaceholder(keySet + key, language) is not { } keyText)
                return null;
            text += " " + keyText;
        }
        return text;
    }

    /// <summary>
    /// The definition of a notation or key, else its <c>(...)</c> placeholder's with the name filled in.
    /// </summary>
    private string? DefinitionOrPlaceholder(string notationOrKey, string language)
    {
        if (Texts.GetDefinition(notationOrKey, language) is { } text)
            return text;
        int close = notationOrKey.LastIndexOf(')');
        if (close < 0)
            return null;
        int open = notationOrKey.LastIndexOf('(', close);
        string placeholder = string.Concat(
            notationOrKey.AsSpan(0, open),
            Notation.PlaceholderBracket,
            notationOrKey.AsSpan(close + 1)
        );
        return Texts
            .GetDefinition(placeholder, language)
            ?.Replace("NAME", notationOrKey[(open + 1)..close], StringComparison.Ordinal);
    }

    /// <summary>The key set of the notation, its placeholder, or its nearest listed ancestor.</summary>
    private string? KeySetOf(Notation notation)
    {
        for (var current = Notation.Parse(notation.Base); current is not null; current = current.StructuralParent)
        {
            if (Tree.GetKeySet(current.Base) is { } keySet)
                return keySet;
            if (current.PlaceholderBase is { } placeholder && Tree.GetKeySet(placeholder) is { } placeholderKeySet)
                return placeholderKeySet;
        }
        return null;
    }
}

/// <summary>
/// A notation's text in the language it was found in; <c>IsFallback</c> is true when the language asked for had
/// no text and English was used.
/// </summary>
public sealed record NotationText(string Notation, string Text, string Language, bool IsFallback);
