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

    /// <summary>
    /// With <c>score --explain</c>, why each code was suggested, as JSON (a <see
    /// cref="Retrieval.CodeExplanation"/> in snake case), one per code; else null.
    /// </summary>
    [JsonPropertyName("explanations")]
    public List<string>? Explanations { get; set; }

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
    internal static Task ConcatenateAsync(
        IReadOnlyList<string> files,
        string path,
        ScoringRun run,
        CancellationToken cancellation = default
    )
    {
        async IAsyncEnumerable<IReadOnlyCollection<ScoredRecord>> Groups()
        {
            foreach (var file in files)
            await foreach (var group in ReadRowGroupsAsync(file, cancellation))
                yield return group.ToArray();
        }
        return ParquetRowGroups.WriteAsync(Groups(), path, cancellation, RunMetadata(run));
    }

    /// <summary>The run that wrote a scoring output, from its footer.</summary>
    public static async Task<ScoringRun> ReadRunAsync(string path, CancellationToken cancellation = default)
    {
        var footer = await ParquetRowGroups.ReadFooterAsync(path, cancellation);
        return ScoringRun.FromJson(footer.Metadata.GetValueOrDefault(ScoringRun.MetadataKey))
            ?? throw new InvalidDataException(
                $"'{path}' is not the output of `iconclass score`: its footer does not say what run wrote it."
            );
    }

    /// <summary>
    /// Joins the outputs of shards (<c>score --shard I/N</c>) into one file in input order, exactly the output a
    /// single run would have written; row groups are streamed, so memory holds one group per shard. The shards must be
    /// every shard of one run, each once: a missing, repeated or foreign shard is refused, naming it.
    /// </summary>
    public static async Task MergeAsync(
        IReadOnlyList<string> shardOutputs,
        string path,
        CancellationToken cancellation = default
    )
    {
        var run = await CheckShardsAsync(shardOutputs, path, cancellation);
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
            await ParquetRowGroups.WriteAsync(InOrder(), path, cancellation, RunMetadata(run));
        }
        finally
        {
            foreach (var reader in readers)
                await reader.DisposeAsync();
        }
    }

    /// <summary>The run the merged output is: the shards' run, whole.</summary>
    private static async Task<ScoringRun> CheckShardsAsync(
        IReadOnlyList<string> shardOutputs,
        string path,
        CancellationToken cancellation
    )
    {
        if (shardOutputs.Count == 0)
            throw new ArgumentException("Name the shards' output files to merge.");
        Persistence.OutputPaths.CheckNotAnInput(path, shardOutputs, "one of the shards");
        Persistence.OutputPaths.CheckFile(path, "output");
        var runs = new List<(string File, ScoringRun Run)>();
        foreach (var shard in shardOutputs)
            runs.Add((shard, await ReadRunAsync(shard, cancellation)));

        var (firstFile, first) = runs[0];
        foreach (var (file, run) in runs.Skip(1))
        {
            var differences = run.Differences(first, shard: false).ToList();
            if (run.Shards != first.Shards)
                differences.Add($"the shard count ({first.Shards} in '{firstFile}', {run.Shards} here)");
            if (differences.Count > 0)
                throw new InvalidDataException(
                    $"'{file}' is a shard of another run than '{firstFile}' ({string.Join("; ", differences)})."
                );
        }
        foreach (var repeated in runs.GroupBy(shard => shard.Run.Shard).Where(group => group.Count() > 1))
            throw new InvalidDataException(
                $"Shard {repeated.First().Run.ShardSpec} is given twice: "
                    + $"{string.Join(" and ", repeated.Select(shard => $"'{shard.File}'"))}."
            );
        var missing = Enumerable.Range(1, first.Shards).Except(runs.Select(shard => shard.Run.Shard)).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException(
                $"Shard{(missing.Length > 1 ? "s" : "")} "
                    + $"{string.Join(", ", missing.Select(i => $"{i}/{first.Shards}"))} "
                    + $"of the run missing: the merged output would lack {(missing.Length > 1 ? "their" : "its")} rows."
            );
        return first with { Shard = ShardSpec.Whole.Index, Shards = ShardSpec.Whole.Count };
    }

    private static Dictionary<string, string> RunMetadata(ScoringRun run) =>
        new() { [ScoringRun.MetadataKey] = run.ToJson() };
}
