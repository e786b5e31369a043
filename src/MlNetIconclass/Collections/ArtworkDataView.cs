using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetIconclass.Collections;

/// <summary>
/// The artwork schema as ML.NET columns. ML.NET has no list-of-struct type, so each localized list becomes two
/// parallel text vectors (<c>Titles</c> and <c>TitleLanguages</c>, ...); converting back is lossless.
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

    public static ArtworkRow From(ArtworkRecord record) => new()
    {
        Id = record.Id,
        Titles = record.Titles.Select(title => title.Text).ToArray(),
        TitleLanguages = record.Titles.Select(title => title.Language).ToArray(),
        Descriptions = record.Descriptions.Select(description => description.Text).ToArray(),
        DescriptionLanguages = record.Descriptions.Select(description => description.Language).ToArray(),
        Image = record.Image ?? "",
        Codes = record.Codes.ToArray(),
    };

    public ArtworkRecord ToRecord() => new()
    {
        Id = Id,
        Titles = Pair(TitleLanguages, Titles),
        Descriptions = Pair(DescriptionLanguages, Descriptions),
        Image = Image.Length == 0 ? null : Image,
        Codes = Codes.ToList(),
    };

    private static List<LocalizedText> Pair(string[] languages, string[] texts) =>
        languages.Zip(texts, (language, text) => new LocalizedText(language, text)).ToList();
}

/// <summary>ML.NET catalog entry points for artwork collections: <c>mlContext.Data.LoadArtworks(...)</c>.</summary>
public static class ArtworkDataViewCatalog
{
    public static IDataView LoadArtworks(this DataOperationsCatalog catalog, IEnumerable<ArtworkRecord> records) =>
        catalog.LoadFromEnumerable(records.Select(ArtworkRow.From));

    /// <summary>Loads a Parquet file in the project schema as an <see cref="IDataView"/>.</summary>
    public static IDataView LoadArtworksFromParquet(this DataOperationsCatalog catalog, string path) =>
        catalog.LoadArtworks(ArtworkParquet.ReadAllAsync(path).GetAwaiter().GetResult());

    public static IEnumerable<ArtworkRecord> ToArtworks(this DataOperationsCatalog catalog, IDataView data) =>
        catalog.CreateEnumerable<ArtworkRow>(data, reuseRowObject: false).Select(row => row.ToRecord());

    /// <summary>Writes an artwork <see cref="IDataView"/> back to Parquet in the project schema.</summary>
    public static void SaveArtworksAsParquet(this DataOperationsCatalog catalog, IDataView data, string path) =>
        ArtworkParquet.WriteAsync(catalog.ToArtworks(data), path).GetAwaiter().GetResult();
}
