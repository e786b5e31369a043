using System.Runtime.CompilerServices;

namespace MlNetIconclass.Collections;

/// <summary>Reads and writes collections of <see cref="ArtworkRecord"/> as Parquet, a row group at a time.</summary>
public static class ArtworkParquet
{
    public const int DefaultRowGroupSize = 10_000;

    /// <summary>Streams the records of a file row group by row group, so memory stays bounded by one group.</summary>
    public static async IAsyncEnumerable<ArtworkRecord> ReadAsync(
        string path,
        [EnumeratorCancellation] CancellationToken cancellation = default
    )
    {
        int rowGroups = await CountRowGroupsAsync(path, cancellation);
        for (int group = 0; group < rowGroups; group++)
            foreach (var record in await ReadRowGroupAsync(path, group, cancellation))
                yield return record;
    }

    /// <summary>The records of one row group.</summary>
    public static async Task<IList<ArtworkRecord>> ReadRowGroupAsync(
        string path,
        int group,
        CancellationToken cancellation = default
    )
    {
        var records = await ParquetRowGroups.ReadAsync<ArtworkRecord>(path, group, "artwork records", cancellation);
        foreach (var record in records)
            Normalize(record);
        return records;
    }

    /// <summary>Rows in each row group, from the file's footer.</summary>
    public static async Task<long[]> RowGroupSizesAsync(string path, CancellationToken cancellation = default) =>
        (await ParquetRowGroups.ReadFooterAsync(path, cancellation)).RowGroupSizes;

    /// <summary>Makes a relative image path absolute against the folder of the file the record came from.</summary>
    public static void ResolveImage(ArtworkRecord record, string folder)
    {
        if (
            record.Image is { Length: > 0 } image
            && !Path.IsPathRooted(image)
            && !Uri.TryCreate(image, UriKind.Absolute, out _)
        )
            record.Image = Path.Combine(folder, image);
    }

    /// <summary>
    /// Every record of several files, with image paths that are relative to their file's folder made absolute, so
    /// that records of different folders can be mixed.
    /// </summary>
    public static async Task<List<ArtworkRecord>> ReadCollectionsAsync(
        IEnumerable<string> paths,
        CancellationToken cancellation = default
    )
    {
        var records = new List<ArtworkRecord>();
        foreach (var path in paths)
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            foreach (var record in await ReadAllAsync(path, cancellation))
            {
                ResolveImage(record, folder);
                records.Add(record);
            }
        }
        return records;
    }

    public static async Task<List<ArtworkRecord>> ReadAllAsync(string path, CancellationToken cancellation = default)
    {
        var records = new List<ArtworkRecord>();
        await foreach (var record in ReadAsync(path, cancellation))
            records.Add(record);
        return records;
    }

    public static async Task<int> CountRowGroupsAsync(string path, CancellationToken cancellation = default) =>
        (await RowGroupSizesAsync(path, cancellation)).Length;

    /// <summary>
    /// Writes records in row groups of <paramref name="rowGroupSize"/>, atomically (written under a temporary name,
    /// then renamed).
    /// </summary>
    public static Task WriteAsync(
        IEnumerable<ArtworkRecord> records,
        string path,
        int rowGroupSize = DefaultRowGroupSize,
        CancellationToken cancellation = default
    ) => ParquetRowGroups.WriteAsync(records.Chunk(rowGroupSize), path, cancellation);

    // Parquet gives null for an empty list; the schema promises empty lists.
    private static ArtworkRecord Normalize(ArtworkRecord record)
    {
        record.Titles ??= [];
        record.Descriptions ??= [];
        record.Codes ??= [];
        return record;
    }
}
