namespace MlNetIconclass.Collections;

/// <summary>
/// The artwork schema as ML.NET columns. ML.NET has no list-of-struct type, so each localized list becomes two
/// parallel text vectors (<c>Titles</c> and <c>TitleLanguages</c>, ...); converting back is lossless. This is also
/// the input class a <c>PredictionEngine</c> of the Iconclass transformer takes.
/// </summary>
public class ArtworkRow
{
    public string Id { get; set; } = "";
    public string[] Titles { get; set; } = [];
    public string[] TitleLanguages { get; set; } = [];
    public string[] Descriptions { get; set; } = [];
    public string[] DescriptionLanguages { get; set; } = [];
    public string Image { get; set; } = "";
    public string[] Codes { get; set; } = [];

    public static ArtworkRow From(ArtworkRecord record) =>
        new()
        {
            Id = record.Id,
            Titles = record.Titles.Select(title => title.Text).ToArray(),
            TitleLanguages = record.Titles.Select(title => title.Language).ToArray(),
            Descriptions = record.Descriptions.Select(description => description.Text).ToArray(),
            DescriptionLanguages = record.Descriptions.Select(description => description.Language).ToArray(),
            Image = record.Image ?? "",
            Codes = record.Codes.ToArray(),
        };

    public ArtworkRecord ToRecord() =>
        new()
        {
            Id = Id,
            Titles = Pair(TitleLanguages, Titles),
            Descriptions = Pair(DescriptionLanguages, Descriptions),
            Image = string.IsNullOrEmpty(Image) ? null : Image,
            Codes = Codes.ToList(),
        };

    private static List<LocalizedText> Pair(string[]? languages, string[]? texts) =>
        (languages ?? []).Zip(texts ?? [], (language, text) => new LocalizedText(language, text)).ToList();
}
