using MlNetIconclass.Persistence;
using Parquet;
using Parquet.Serialization;

namespace MlNetIconclass.Collections;

/// <summary>
/// Rows of a serializable class in Parquet, a row group at a time: written one group per batch, atomically
/// (<see cref="AtomicFile"/>), and read one group by index.
/// </summary>
internal static class ParquetRowGroups
{
    /// <summary>
    /// The rows of one row group; <paramref name="what"/> names them in the error for a group that cannot be read.
    /// </summary>
    public static async Task<IList<T>> ReadAsync<T>(
        string path,
        int group,
        string what,
        CancellationToken cancellation = default
    )
        where T : class, new()
    {
        await using var stream = File.OpenRead(path);
        try
        {
            return (
                await ParquetSerializer.DeserializeAsync<T>(
                    stream,
                    rowGroupIndex: group,
                    cancellationToken: cancellation
                )
            ).Data;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new InvalidDataException(
                $"'{path}': row group {group} cannot be read as {what} ({exception.Message}).",
                exception
            );
        }
    }

    public static Task WriteAsync<T>(
        IEnumerable<IReadOnlyCollection<T>> rowGroups,
        string path,
        CancellationToken cancellation = default,
        IReadOnlyDictionary<string, string>? metadata = null
    )
        where T : new() => WriteAsync(ToAsync(rowGroups), path, cancellation, metadata);

    /// <param name="rowGroups">The rows, a row group each.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="cancellation">Stops the writing; the file is then not written at all.</param>
    /// <param name="metadata">Key-value pairs kept in the file's footer (what wrote the file, and how).</param>
    public static Task WriteAsync<T>(
        IAsyncEnumerable<IReadOnlyCollection<T>> rowGroups,
        string path,
        CancellationToken cancellation = default,
        IReadOnlyDictionary<string, string>? metadata = null
    )
        where T : new() =>
        AtomicFile.WriteAsync(
            path,
            async stream =>
            {
                bool first = true;
                await foreach (var group in rowGroups.WithCancellation(cancellation))
                {
                    await ParquetSerializer.SerializeAsync(
                        group,
                        stream,
                        new ParquetOptions { Append = !first },
                        metadata,
                        cancellation
                    );
                    first = false;
                }
                // An empty input still gives a readable file with the schema.
                if (first)
                    await ParquetSerializer.SerializeAsync(Array.Empty<T>(), stream, null, metadata, cancellation);
            }
        );

    /// <summary>What a file's footer says (<see cref="ParquetFooter"/>), read without reading its rows.</summary>
    public static async Task<ParquetFooter> ReadFooterAsync(string path, CancellationToken cancellation = default)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"'{path}' does not exist.", path);
        try
        {
            await using var stream = File.OpenRead(path);
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellation);
            return new ParquetFooter(
                reader.Schema.Fields.Select(field => field.Name).ToArray(),
                Enumerable.Range(0, reader.RowGroupCount).Select(group => reader.RowGroups[group].RowCount).ToArray(),
                reader.CustomMetadata
            );
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not FileNotFoundException)
        {
            throw new InvalidDataException(
                $"'{path}' is not a readable Parquet file (truncated or corrupt?): {exception.Message}",
                exception
            );
        }
    }

    private static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
            yield return item;
        await Task.CompletedTask;
    }
}

/// <summary>A Parquet file's footer: its top-level columns, its rows per row group, its key-value pairs.</summary>
internal sealed record ParquetFooter(
    IReadOnlyList<string> Columns,
    long[] RowGroupSizes,
    IReadOnlyDictionary<string, string> Metadata
);
