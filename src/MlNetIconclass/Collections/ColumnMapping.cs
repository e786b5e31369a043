using System.Text.RegularExpressions;

namespace MlNetIconclass.Collections;

/// <summary>Which source columns (or JSON properties) hold each field of an <see cref="ArtworkRecord"/>.</summary>
public sealed partial record ColumnMapping
{
    public required string Id { get; init; }

    /// <summary>Title columns with the language of their text: <c>nl=titel</c>.</summary>
    public IReadOnlyList<LanguageColumn> Titles { get; init; } = [];

    public IReadOnlyList<LanguageColumn> Descriptions { get; init; } = [];

    public string? Image { get; init; }

    public IReadOnlyList<string> Codes { get; init; } = [];

    /// <summary>Separates several codes in one cell (the Rijksmuseum export uses <c>$</c>).</summary>
    public string? CodesSeparator { get; init; }

    /// <summary>Separates several titles or descriptions in one cell, if the source does that.</summary>
    public string? TextSeparator { get; init; }

    /// <summary>The Rijksmuseum collection export: Dutch titles and descriptions, <c>$</c>-separated values.</summary>
    public static ColumnMapping Rijksmuseum { get; } =
        new()
        {
            Id = "objectnummer",
            Titles = [new LanguageColumn("nl", "titel")],
            Descriptions = [new LanguageColumn("nl", "beschrijving")],
            Codes = ["inhoud.classificatie.code"],
            CodesSeparator = "$",
            TextSeparator = "$",
        };

    /// <summary>
    /// The one way a mapping is made, from the command line or a training config: the columns given, and for what is
    /// not given the preset of the format (the Rijksmuseum export has one). A mistake is a <see
    /// cref="FormatException"/> that starts with the field (<c>id: ...</c>, <c>titles: ...</c>), for the caller to name
    /// as its user wrote it.
    /// </summary>
    public static ColumnMapping Create(
        SourceFormat format,
        string? id = null,
        IReadOnlyList<LanguageColumn>? titles = null,
        IReadOnlyList<LanguageColumn>? descriptions = null,
        string? image = null,
        IReadOnlyList<string>? codes = null,
        string? codesSeparator = null,
        string? textSeparator = null
    )
    {
        var preset = format == SourceFormat.Rijksmuseum ? Rijksmuseum : null;
        var mapping = new ColumnMapping
        {
            Id =
                NonBlank(id) ?? preset?.Id ?? throw new FormatException("id: name the column that holds the record id"),
            Titles = NonEmpty(titles) ?? preset?.Titles ?? [],
            Descriptions = NonEmpty(descriptions) ?? preset?.Descriptions ?? [],
            Image = NonBlank(image) ?? preset?.Image,
            Codes = NonEmpty(codes) ?? preset?.Codes ?? [],
            CodesSeparator = codesSeparator ?? preset?.CodesSeparator,
            TextSeparator = textSeparator ?? preset?.TextSeparator,
        };
        if (mapping.Titles.Count == 0 && mapping.Image is null)
            throw new FormatException("titles: name a title column as LANG=COLUMN (or an image column)");
        return mapping;
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static IReadOnlyList<T>? NonEmpty<T>(IReadOnlyList<T>? values) => values is { Count: > 0 } ? values : null;

    public IEnumerable<(string Field, string Column)> Columns =>
        new[] { ("id", Id) }
            .Concat(Titles.Select(title => ($"title ({title.Language})", title.Column)))
            .Concat(Descriptions.Select(description => ($"description ({description.Language})", description.Column)))
            .Concat(Image is null ? [] : new[] { ("image", Image) })
            .Concat(Codes.Select(column => ("codes", column)));

    [GeneratedRegex("^[a-z]{2,3}$")]
    private static partial Regex LanguageCode();

    /// <summary>A BCP 47 tag such as nl, pt-BR or zh-Hant; its first part is the language.</summary>
    [GeneratedRegex("^([a-zA-Z]{2,3})(-[a-zA-Z0-9]{1,8})*$")]
    private static partial Regex LanguageTag();

    /// <summary>
    /// Whether the text is a language code as the project writes them: ISO 639-1 (or 639-2), lower case.
    /// </summary>
    public static bool IsLanguageCode(string text) => LanguageCode().IsMatch(text);

    /// <summary>
    /// Parses <c>LANG=COLUMN</c> (or <c>auto=COLUMN</c>: each text's language detected), with a clear error for a
    /// missing part or a language that is not a code.
    /// </summary>
    public static LanguageColumn ParseLanguageColumn(string text)
    {
        var (language, column) = Split(text, "nl=titel");
        return new LanguageColumn(
            language.Equals(LanguageColumn.Detected, StringComparison.OrdinalIgnoreCase)
                ? LanguageColumn.Detected
                : LanguageOf(language, text),
            column
        );
    }

    /// <summary>
    /// Parses <c>LANG=VALUE</c>; the language is an ISO 639-1 (or 639-2) code, or a BCP 47 tag whose language part is
    /// kept (<c>pt-BR</c> is <c>pt</c>). Any such language is accepted; one the thesaurus lacks is ranked in English.
    /// </summary>
    public static (string Language, string Value) ParseLanguageValue(string text, string example)
    {
        var (language, value) = Split(text, example);
        return (LanguageOf(language, text), value);
    }

    /// <summary><c>LANG=VALUE</c> split at its first '=', both parts trimmed; neither may be missing.</summary>
    private static (string Language, string Value) Split(string text, string example)
    {
        int equals = text.IndexOf('=');
        if (equals <= 0 || equals == text.Length - 1)
            throw new FormatException($"'{text}' is not LANG=VALUE (for example {example}).");
        return (text[..equals].Trim(), text[(equals + 1)..].Trim());
    }

    private static string LanguageOf(string language, string text)
    {
        var tag = LanguageTag().Match(language);
        if (!tag.Success)
            throw new FormatException(
                $"'{language}' in '{text}' is not a language code: use ISO 639-1, such as en, nl or de."
            );
        return tag.Groups[1].Value.ToLowerInvariant();
    }
}

/// <summary>
/// A text column and the language of its texts, or <see cref="Detected"/>: each text's own language, as the
/// thesaurus's <see cref="Thesaurus.LanguageDetector"/> finds it.
/// </summary>
public sealed record LanguageColumn(string Language, string Column)
{
    public const string Detected = "auto";
}
