using Parquet;
using Parquet.Serialization;

namespace MlNetIconclass.Collections;

/// <summary>Writes rows of a serializable class to Parquet one row group per batch, atomically (<see cref="AtomicFile"/>).</summary>
public static class ParquetRowGroups
{
    public static Task WriteAsync<T>(IEnumerable<IReadOnlyCollection<T>> rowGroups, string path, CancellationToken cancellation = default)
        where T : new() => WriteAsync(ToAsync(rowGroups), path, cancellation);

    public static Task WriteAsync<T>(IAsyncEnumerable<IReadOnlyCollection<T>> rowGroups, string path, CancellationToken cancellation = default)
        where T : new() =>
        AtomicFile.WriteAsync(path, async stream =>
        {
            bool first = true;
            await foreach (var group in rowGroups.WithCancellation(cancellation))
            {
                await ParquetSerializer.SerializeAsync(group, stream, new ParquetOptions { Append = !first }, cancellationToken: cancellation);
                first = false;
            }
            // An empty input still gives a readable file with the schema.
            if (first) await ParquetSerializer.SerializeAsync(Array.Empty<T>(), stream, cancellationToken: cancellation);
        });

    private static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> items)
    {
        foreach (var item in items) yield return item;
        await Task.CompletedTask;
    }
}
