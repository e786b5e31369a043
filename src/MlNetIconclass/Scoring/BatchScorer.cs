using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Scoring;

public sealed record ScoringOptions
{
    /// <summary>Codes kept per record.</summary>
    public int Top { get; init; } = 20;

    /// <summary>Language of the definitions written; null takes each record's query language.</summary>
    public string? Language { get; init; }

    public ShardSpec Shard { get; init; } = ShardSpec.Whole;

    /// <summary>Continue a run that stopped: chunks already written to the parts folder are not scored again.</summary>
    public bool Resume { get; init; }
}

/// <summary>Where a scoring run is: chunks and rows done, rows in the dump when known.</summary>
public readonly record struct ScoringProgress(int Chunks, long Rows, long? TotalRows, long Errors);

public sealed record ScoringSummary(int Chunks, int ChunksResumed, long Rows, long Errors, long Warnings);

/// <summary>
/// Scores a collection dump a chunk at a time, so memory holds one chunk whatever the dump's size. Each chunk's
/// output is written atomically to <c>OUTPUT.parts/</c>; when all are there they are joined into the output file
/// (atomically too) and the parts removed. A killed run leaves complete parts only, and <see
/// cref="ScoringOptions.Resume"/> scores just the chunks that are missing. Every input row gets an output row: a record
/// that cannot be read or ranked gets its error, and the others go on.
/// </summary>
public sealed class BatchScorer(ICodeRanker ranker, IconclassThesaurus thesaurus, ArtworkImageFeatures? images = null)
{
    public static string PartsFolder(string outputPath) => outputPath + ".parts";

    /// <summary>Whether an earlier run to this output stopped before it finished (its parts are still there).</summary>
    public static bool HasUnfinishedRun(string outputPath) => Directory.Exists(PartsFolder(outputPath));

    public async Task<ScoringSummary> ScoreAsync(
        ScoringInput input,
        string outputPath,
        ScoringOptions options,
        IProgress<ScoringProgress>? progress = null,
        CancellationToken cancellation = default
    )
    {
        if (options.Language is { } language)
            thesaurus.EnsureLanguage(language);
        string parts = PartsFolder(outputPath);
        if (HasUnfinishedRun(outputPath) && !options.Resume)
            throw new InvalidOperationException(
                $"'{parts}' holds the parts of an earlier run: resume it, or delete the folder to start again."
            );
        Directory.CreateDirectory(parts);
        var done = Directory.GetFiles(parts, "chunk-*.parquet").Select(ChunkOf).ToHashSet();

        long? total = await input.CountRowsAsync(cancellation);
        long rows = 0,
            errors = 0,
            warnings = 0;
        int chunks = 0;
        await foreach (var chunk in input.ReadAsync(options.Shard.Owns, cancellation))
        {
            if (!done.Contains(chunk.Index))
            {
                var scored = Score(chunk, options);
                await ParquetRowGroups.WriteAsync([scored], PartPath(parts, chunk.Index), cancellation);
                errors += scored.Count(row => row.Error is not null);
                warnings += scored.Count(row => row.Warning is not null);
            }
            chunks++;
            rows += chunk.Rows.Count;
            progress?.Report(
                new ScoringProgress(chunks, rows, total is null ? null : total / options.Shard.Count, errors)
            );
        }

        // Joined in chunk order; the parts go only once the whole output is in place.
        var partFiles = Directory.GetFiles(parts, "chunk-*.parquet").OrderBy(ChunkOf).ToArray();
        await ScoredParquet.ConcatenateAsync(partFiles, outputPath, cancellation);
        Directory.Delete(parts, recursive: true);
        return new ScoringSummary(chunks, done.Count, rows, errors, warnings);
    }

    /// <summary>Records ranked together: one matrix product per dense index for all of them.</summary>
    private const int RankingBatch = 256;

    private IReadOnlyCollection<ScoredRecord> Score(InputChunk chunk, ScoringOptions options)
    {
        var output = chunk
            .Rows.Select(row => new ScoredRecord
            {
                Row = row.Row,
                Id = row.Id,
                Error = row.Error,
            })
            .ToArray();
        var rows = Enumerable.Range(0, chunk.Rows.Count).Where(i => chunk.Rows[i].Record is not null).ToArray();
        foreach (var batch in rows.Chunk(RankingBatch))
        {
            var records = batch.Select(i => chunk.Rows[i].Record!).ToArray();
            IReadOnlyList<IReadOnlyList<ScoredCode>>? rankings = null;
            try
            {
                rankings = ranker.RankBatch(records, options.Top);
            }
            catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
            {
                // One bad record must not cost the others: rank them one by one to find it.
            }
            for (int j = 0; j < batch.Length; j++)
                Fill(output[batch[j]], records[j], rankings?[j], options);
        }
        // The model featurized the chunk's images as it ranked; memory holds one chunk's.
        images?.Clear();
        return output;
    }

    private void Fill(
        ScoredRecord output,
        ArtworkRecord record,
        IReadOnlyList<ScoredCode>? ranking,
        ScoringOptions options
    )
    {
        try
        {
            string language = options.Language ?? QueryText.Language(record);
            foreach (var code in ranking ?? ranker.Rank(record, options.Top))
            {
                output.Codes.Add(code.Code);
                output.Scores.Add(code.Score);
                output.Definitions.Add(thesaurus.GetText(code.Code, language)?.Text ?? "");
            }
            output.Warning = images?.Problem(record);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            output.Codes.Clear();
            output.Scores.Clear();
            output.Definitions.Clear();
            output.Error = $"record '{record.Id}': {exception.Message}";
        }
    }

    private static string PartPath(string parts, int chunk) => Path.Combine(parts, $"chunk-{chunk:D6}.parquet");

    private static int ChunkOf(string partPath) =>
        int.Parse(Path.GetFileNameWithoutExtension(partPath)["chunk-".Length..]);
}
