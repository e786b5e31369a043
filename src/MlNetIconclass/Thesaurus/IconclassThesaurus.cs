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

    private IReadOnlyList<string>? _protocolLabelSpace;
    private IReadOnlyList<string>? _labelSpace;
    private Dictionary<string, string>? _labelsIgnoringCase;
    private readonly Lazy<LanguageDetector> _languageDetector;

    internal IconclassThesaurus(IconclassTree tree, ThesaurusTexts texts)
        : this(tree, texts, []) { }

    // languageDetector: the detector of the thesaurus this one extends, which has the same texts.
    private IconclassThesaurus(
        IconclassTree tree,
        ThesaurusTexts texts,
        IReadOnlyList<string> collectionLabels,
        Lazy<LanguageDetector>? languageDetector = null
    )
    {
        Tree = tree;
        Texts = texts;
        Languages = texts.DefinitionLanguages.Union(texts.KeywordLanguages).Order(StringComparer.Ordinal).ToArray();
        CollectionLabels = collectionLabels;
        _languageDetector = languageDetector ?? new(() => LanguageDetector.FromThesaurus(this));
    }

    public IconclassTree Tree { get; }

    public ThesaurusTexts Texts { get; }

    /// <summary>Languages with definitions or keywords loaded.</summary>
    public IReadOnlyList<string> Languages { get; }

    /// <summary>
    /// Tells a text's language among those the definitions are in; learnt from them on first use (a few seconds).
    /// </summary>
    public LanguageDetector LanguageDetector => _languageDetector.Value;

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
    public IReadOnlyList<string> ProtocolLabelSpace =>
        _protocolLabelSpace ??= Tree
            .Notations.Where(notation =>
                Texts.DefinitionLanguages.Any(language => Texts.HasDefinition(notation, language))
            )
            .ToArray();

    /// <summary>
    /// Notations the thesaurus does not list but collections write, ranked as labels of their own: free names
    /// (<c>25G21(BANANA)</c>) and keyed codes (<c>73D6(+1)</c>); see <see cref="CollectionLabelSelection"/>.
    /// </summary>
    public IReadOnlyList<string> CollectionLabels { get; }

    /// <summary>Every label a model ranks: the protocol's label space, then the collection labels.</summary>
    public IReadOnlyList<string> LabelSpace =>
        _labelSpace ??=
            CollectionLabels.Count == 0 ? ProtocolLabelSpace : ProtocolLabelSpace.Concat(CollectionLabels).ToArray();

    /// <summary>
    /// The same thesaurus whose label space also holds these notations (written as <see cref="Canonical"/> gives
    /// them; listed ones are skipped, and of spellings that differ only in case the first is kept). A notation whose
    /// name or key the thesaurus cannot place is refused.
    /// </summary>
    public IconclassThesaurus WithCollectionLabels(IEnumerable<string> notations)
    {
        var listed = ProtocolLabelSpace.ToHashSet(StringComparer.Ordinal);
        var labels = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var notation in notations)
        {
            string label =
                Canonical(notation)
                ?? throw new ArgumentException(
                    $"'{notation}' is not a notation whose name and keys the thesaurus can place.",
                    nameof(notations)
                );
            if (!listed.Contains(label) && seen.Add(label))
                labels.Add(label);
        }
        return new IconclassThesaurus(Tree, Texts, labels, _languageDetector);
    }

    /// <summary>
    /// A notation as a label is written: spacing normalised (no blanks around brackets, single blanks inside a name),
    /// letters outside brackets in capitals, a name spelt as the label space spells it whatever its case (else as
    /// written); null when it does not parse or the thesaurus cannot place its name or keys.
    /// </summary>
    public string? Canonical(string written)
    {
        string spaced = Notation.NormalizeWriting(written);
        if (!Notation.TryParse(spaced, out var notation, out _))
            return null;
        _labelsIgnoringCase ??= LabelSpace
            .GroupBy(label => label, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(group => group.Key, group => group.First(), StringComparer.OrdinalIgnoreCase);
        if (_labelsIgnoringCase.TryGetValue(notation.Value, out var label))
            return label;
        // A keyed form of a label takes the label's spelling of the base.
        if (notation.HasKeys && _labelsIgnoringCase.TryGetValue(notation.Base, out var baseLabel))
            notation = Notation.Parse(baseLabel + notation.Value[notation.Base.Length..]);
        return Definitions.Any(language => ComposeText(notation, language) is not null) ? notation.Value : null;
    }

    /// <summary>Languages with definitions, English first (the language a notation is most often placed in).</summary>
    private IEnumerable<string> Definitions =>
        Texts.DefinitionLanguages.OrderBy(language => language == FallbackLanguage ? 0 : 1);

    /// <summary>
    /// A label's definition in one language, without falling back: a listed notation's own text, else the text
    /// composed for its name and keys (<see cref="GetText"/>).
    /// </summary>
    public string? LabelDefinition(string label, string language)
    {
        if (Tree.Contains(label))
            return Texts.GetDefinition(label, language);
        return Notation.TryParse(label, out var notation, out _) ? ComposeText(notation, language) : null;
    }

    /// <summary>
    /// A label's keywords in one language: a listed notation's own, else those of its base or placeholder
    /// (<see cref="GetKeywords"/>).
    /// </summary>
    public IReadOnlyList<string> LabelKeywords(string label, string language) =>
        Tree.Contains(label) ? Texts.GetKeywords(label, language) : GetKeywords(label, language);

    /// <summary>
    /// A label's ancestors from its parent up: for a collection label, its structural parents up to a listed notation
    /// (<c>25G21(BANANA)</c>: <c>25G21(...)</c>), then that notation's ancestors in the tree.
    /// </summary>
    public IReadOnlyList<string> LabelAncestors(string label)
    {
        if (Tree.Contains(label) || !Notation.TryParse(label, out var notation, out _))
            return Tree.GetAncestors(label);
        var ancestors = new List<string>();
        for (var parent = notation.StructuralParent; parent is not null; parent = parent.StructuralParent)
        {
            ancestors.Add(parent.Value);
            if (Tree.Contains(parent.Value))
                return [.. ancestors, .. Tree.GetAncestors(parent.Value)];
        }
        return ancestors;
    }

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

    /// <summary>
    /// Keywords of a notation, else of its base without keys, else (for a free bracket name) of its placeholder, in
    /// one language.
    /// </summary>
    public IReadOnlyList<string> GetKeywords(string notation, string language)
    {
        var keywords = Texts.GetKeywords(notation, language);
        if (keywords.Count > 0 || !Notation.TryParse(notation, out var parsed, out _))
            return keywords;
        if (parsed.HasKeys && Texts.GetKeywords(parsed.Base, language) is { Count: > 0 } baseKeywords)
            return baseKeywords;
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
