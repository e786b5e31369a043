using Microsoft.ML;

namespace MlNetIconclass.Collections;

/// <summary>ML.NET catalog entry points for artwork collections: <c>mlContext.Data.LoadArtworks(...)</c>.</summary>
public static class ArtworkDataViewCatalog
{
    public static IDataView LoadArtworks(this DataOperationsCatalog catalog, IEnumerable<ArtworkRecord> records) =>
        catalog.LoadFromEnumerable(records.Select(ArtworkRow.From));

    /// <summary>
    /// A Parquet file in the project schema as a lazy <see cref="IDataView"/>: each cursor reads the file a row group
    /// at a time, so a dump of any size is read in bounded memory (the footer is checked here, so a file that is
    /// missing or not Parquet fails now, not at the first cursor).
    /// </summary>
    public static IDataView LoadArtworksFromParquet(this DataOperationsCatalog catalog, string path)
    {
        ArtworkParquet.RowGroupSizesAsync(path).GetAwaiter().GetResult();
        return catalog.LoadFromEnumerable(
            ArtworkParquet.ReadAsync(path).ToBlockingEnumerable().Select(ArtworkRow.From)
        );
    }

    /// <summary>
    /// The records of an artwork <see cref="IDataView"/>, read lazily; optional columns may be missing.
    /// </summary>
    public static IEnumerable<ArtworkRecord> ToArtworks(this DataOperationsCatalog catalog, IDataView data)
    {
        ArtworkColumns.Check(data.Schema, training: false);
        return Read(data);
    }

    private static IEnumerable<ArtworkRecord> Read(IDataView data)
    {
        using var cursor = data.GetRowCursor(ArtworkColumns.In(data.Schema));
        var read = ArtworkColumns.Reader(cursor);
        while (cursor.MoveNext())
            yield return read();
    }

    /// <summary>Writes an artwork <see cref="IDataView"/> back to Parquet in the project schema.</summary>
    public static void SaveArtworksAsParquet(this DataOperationsCatalog catalog, IDataView data, string path) =>
        ArtworkParquet.WriteAsync(catalog.ToArtworks(data), path).GetAwaiter().GetResult();
}
