using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Serialization;

namespace MlNetIconclass.Collections;

/// <summary>Reads and writes collections of <see cref="ArtworkRecord"/> as Parquet, a row group at a time.</summary>
public static class ArtworkParquet
{
    public const int DefaultRowGroupSize = 10_000;

    /// <summary>Streams the records of a file row group by row group, so memory stays bounded by one group.</summary>
    public static async IAsyncEnumerable<ArtworkRecord> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        int rowGroups = await CountRowGroupsAsync(path, cancellation);
        await using var stream = File.OpenRead(path);
        for (int group = 0; group < rowGroups; group++)
        {
            IList<ArtworkRecord> records;
            try
            {
                records = (await ParquetSerializer.DeserializeAsync<ArtworkRecord>(stream, rowGroupIndex: group, cancellationToken: cancellation)).Data;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                throw new InvalidDataException(
                    $"'{path}': row group {group} cannot be read as artwork records ({exception.Message}).", exception);
            }
            foreach (var record in records) yield return Normalize(record);
        }
    }

    /// <summary>
    /// Every record of several files, with image paths that are relative to their file's folder made absolute, so
    /// that records of different folders can be mixed.
    /// </summary>
    public static async Task<List<ArtworkRecord>> ReadCollectionsAsync(IEnumerable<string> paths, CancellationToken cancellation = default)
    {
        var records = new List<ArtworkRecord>();
        foreach (var path in paths)
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            foreach (var record in await ReadAllAsync(path, cancellation))
            {
                if (record.Image is { Length: > 0 } image && !Path.IsPathRooted(image) && !Uri.TryCreate(image, UriKind.Absolute, out _))
                    record.Image = Path.Combine(folder, image);
                records.Add(record);
            }
        }
        return records;
    }

    public static async Task<List<ArtworkRecord>> ReadAllAsync(string path, CancellationToken cancellation = default)
    {
        var records = new List<ArtworkRecord>();
        await foreach (var record in ReadAsync(path, cancellation)) records.Add(record);
        return records;
    }

    public static async Task<int> CountRowGroupsAsync(string path, CancellationToken cancellation = default)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' does not exist.", path);
        try
        {
            await using var stream = File.OpenRead(path);
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellation);
            return reader.RowGroupCount;
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not FileNotFoundException)
        {
            throw new InvalidDataException($"'{path}' is not a readable Parquet file (truncated or corrupt?): {exception.Message}", exception);
        }
    }

    /// <summary>Writes records in row groups of <paramref name="rowGroupSize"/>, atomically (<see cref="AtomicFile"/>).</summary>
    public static async Task WriteAsync(IEnumerable<ArtworkRecord> records, string path, int rowGroupSize = DefaultRowGroupSize,
        CancellationToken cancellation = default)
    {
        await AtomicFile.WriteAsync(path, async stream =>
        {
            bool first = true;
            foreach (var chunk in records.Chunk(rowGroupSize))
            {
                await ParquetSerializer.SerializeAsync(chunk, stream, new ParquetOptions { Append = !first }, cancellationToken: cancellation);
                first = false;
            }
            if (first) await ParquetSerializer.SerializeAsync(Array.Empty<ArtworkRecord>(), stream, cancellationToken: cancellation);
        });
    }

    // Parquet gives null for an empty list; the schema promises empty lists.
    private static ArtworkRecord Normalize(ArtworkRecord record)
    {
        record.Titles ??= [];
        record.Descriptions ??= [];
        record.Codes ??= [];
        return record;
    }
}
