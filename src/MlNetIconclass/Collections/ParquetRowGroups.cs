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
        CancellationToken cancellation = default
    )
        where T : new() => WriteAsync(ToAsync(rowGroups), path, cancellation);

    public static Task WriteAsync<T>(
        IAsyncEnumerable<IReadOnlyCollection<T>> rowGroups,
        string path,
        CancellationToken cancellation = default
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
                        cancellationToken: cancellation
                    );
                    first = false;
                }
                // An empty input still gives a readable file with the schema.
                if (first)
                    await ParquetSerializer.SerializeAsync(Array.Empty<T>(), stream, cancellationToken: cancellation);
            }
        );

    private static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
            yield return item;
        await Task.CompletedTask;
    }
}
