using System.Text.Json.Serialization;

namespace MlNetIconclass.Collections;

/// <summary>
/// One artwork: the project's record schema, and the row type of its Parquet files
/// (columns <c>id</c>, <c>titles</c>, <c>descriptions</c>, <c>image</c>, <c>codes</c>).
/// </summary>
public sealed class ArtworkRecord
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    /// <summary>Titles, each with its language; several per record are common.</summary>
    [JsonPropertyName("titles")]
    public List<LocalizedText> Titles { get; set; } = [];

    [JsonPropertyName("descriptions")]
    public List<LocalizedText> Descriptions { get; set; } = [];

    /// <summary>A path or URI of the photographic reproduction, if any.</summary>
    [JsonPropertyName("image")]
    public string? Image { get; set; }

    /// <summary>Iconclass notations as the collection wrote them (keys, free names and combinations kept).</summary>
    [JsonPropertyName("codes")]
    public List<string> Codes { get; set; } = [];
}

/// <summary>A text and its language (an ISO 639-1 code, as the thesaurus uses: en, nl, de, ...).</summary>
public sealed class LocalizedText
{
    public LocalizedText() { }

    public LocalizedText(string language, string text)
    {
        Language = language;
        Text = text;
    }

    [JsonPropertyName("language")]
    public string Language { get; set; } = "";

    [JsonPropertyName("text")]
    public string Text { get; set; } = "";
}
