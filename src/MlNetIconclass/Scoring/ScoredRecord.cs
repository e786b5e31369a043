using System.Text.Json.Serialization;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Scoring;

/// <summary>
/// One row of a scoring output: the input row's position and id, its ranked codes with their scores and definitions,
/// and an error (the record could not be scored) or a warning (it was scored without something, such as its image).
/// </summary>
public sealed class ScoredRecord
{
    /// <summary>Position of the row in the input dump (0-based), so shard outputs can be put back in order.</summary>
    [JsonPropertyName("row")]
    public long Row { get; set; }

    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    [JsonPropertyName("codes")]
    public List<string> Codes { get; set; } = [];

    [JsonPropertyName("scores")]
    public List<float> Scores { get; set; } = [];

    [JsonPropertyName("definitions")]
    public List<string> Definitions { get; set; } = [];

    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("warning")]
    public string? Warning { get; set; }
}

/// <summary>Scoring outputs as Parquet: one row group per input chunk.</summary>
public static class ScoredParquet
{
    public static async IAsyncEnumerable<IList<ScoredRecord>> ReadRowGroupsAsync(
        string path,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation = default
    )
    {
        int groups = await ArtworkParquet.CountRowGroupsAsync(path, cancellation);
        for (int group = 0; group < groups; group++)
        {
            var rows = await ParquetRowGroups.ReadAsync<ScoredRecord>(path, group, "scored records", cancellation);
            // Parquet gives null for an empty list.
            foreach (var row in rows)
            {
                row.Codes ??= [];
                row.Scores ??= [];
                row.Definitions ??= [];
            }
            yield return rows;
        }
    }

    public static async Task<List<ScoredRecord>> ReadAllAsync(string path, CancellationToken cancellation = default)
    {
        var rows = new List<ScoredRecord>();
        await foreach (var group in ReadRowGroupsAsync(path, cancellation))
            rows.AddRange(group);
        return rows;
    }

    /// <summary>Files whose rows are already in order, one after another, a row group at a time.</summary>
    public static Task ConcatenateAsync(
        IReadOnlyList<string> files,
        string path,
        CancellationToken cancellation = default
    )
    {
        async IAsyncEnumerable<IReadOnlyCollection<ScoredRecord>> Groups()
        {
            foreach (var file in files)
            await foreach (var group in ReadRowGroupsAsync(file, cancellation))
                yield return group.ToArray();
        }
        return ParquetRowGroups.WriteAsync(Groups(), path, cancellation);
    }

    /// <summary>
    /// Joins the outputs of shards (<c>score --shard I/N</c>) into one file in input order, exactly the output a
    /// single run would have written; row groups are streamed, so memory holds one group per shard.
    /// </summary>
    public static async Task MergeAsync(
        IReadOnlyList<string> shardOutputs,
        string path,
        CancellationToken cancellation = default
    )
    {
        var readers = shardOutputs
            .Select(shard => ReadRowGroupsAsync(shard, cancellation).GetAsyncEnumerator(cancellation))
            .ToList();
        try
        {
            var heads = new List<(IAsyncEnumerator<IList<ScoredRecord>> Reader, IList<ScoredRecord> Group)>();
            foreach (var reader in readers)
                if (await reader.MoveNextAsync())
                    heads.Add((reader, reader.Current));
            async IAsyncEnumerable<IReadOnlyCollection<ScoredRecord>> InOrder()
            {
                while (heads.Count > 0)
                {
                    var next = heads.MinBy(head => head.Group.Count == 0 ? long.MaxValue : head.Group[0].Row);
                    heads.Remove(next);
                    if (next.Group.Count > 0)
                        yield return next.Group.ToArray();
                    if (await next.Reader.MoveNextAsync())
                        heads.Add((next.Reader, next.Reader.Current));
                }
            }
            await ParquetRowGroups.WriteAsync(InOrder(), path, cancellation);
        }
        finally
        {
            foreach (var reader in readers)
                await reader.DisposeAsync();
        }
    }
}
