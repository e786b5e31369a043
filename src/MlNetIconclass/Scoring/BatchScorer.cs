using System.Text.Json;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Persistence;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Scoring;

public sealed record ScoringOptions
{
    private readonly int _top = 20;

    /// <summary>Codes kept per record, at least one; refused here, where it is set, rather than on every row.</summary>
    public int Top
    {
        get => _top;
        init => _top = RankingOptions.CheckedCount(value);
    }

    private readonly double _threshold;

    /// <summary>
    /// The lowest score a code is written with (of a calibrated model, a probability; 0 keeps every code), from 0 to 1.
    /// </summary>
    public double Threshold
    {
        get => _threshold;
        init =>
            _threshold = value is >= 0 and <= 1
                ? value
                : throw new ArgumentException($"--threshold: {value} is not a number from 0 to 1.");
    }

    /// <summary>
    /// Whether each code is written with why it was suggested (<see cref="ScoredRecord.Explanations"/>); only a ranker
    /// that can say (<see cref="ICodeExplainer"/>) scores with it.
    /// </summary>
    public bool Explain { get; init; }

    /// <summary>Language of the definitions written; null takes each record's query language.</summary>
    public string? Language { get; init; }

    public ShardSpec Shard { get; init; } = ShardSpec.Whole;

    /// <summary>Continue a run that stopped: chunks already written to the parts folder are not scored again.</summary>
    public bool Resume { get; init; }

    /// <summary>Where the records' images are read from (for a model that reads images).</summary>
    public ImageAccess Images { get; init; } = new();
}

/// <summary>Where a scoring run is: chunks and rows done, rows in the dump when known.</summary>
public readonly record struct ScoringProgress(int Chunks, long Rows, long? TotalRows, long Errors);

/// <summary>
/// What a run did: chunks scored (and how many of them an earlier run had written), rows, rows with an error or a
/// warning, and rows whose image was not read because the model reads no images.
/// </summary>
public sealed record ScoringSummary(
    int Chunks,
    int ChunksResumed,
    long Rows,
    long Errors,
    long Warnings,
    long ImagesNotRead
);

/// <summary>
/// Scores a collection dump a chunk at a time, so memory holds one chunk whatever the dump's size. Each chunk's
/// output is written atomically to <c>OUTPUT.parts/</c>, beside <c>run.json</c>, which says what run they belong to;
/// when all are there they are joined into the output file (atomically too, with the run in its footer) and the parts
/// removed. A killed run leaves complete parts only, and <see cref="ScoringOptions.Resume"/> scores just the chunks
/// that are missing, if it is the same run (same input, model and options). Every input row gets an output row: a
/// record that cannot be read or ranked gets its error, and the others go on.
/// </summary>
public sealed class BatchScorer(IArtworkRanker ranker, IconclassThesaurus thesaurus)
{
    private const string RunFile = "run.json";

    private static readonly JsonSerializerOptions ExplanationJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static string PartsFolder(string outputPath) => outputPath + ".parts";

    /// <summary>
    /// The checks of the output path that need nothing loaded, so that a command makes them before it loads a model:
    /// its folder exists, it is not the input, and an earlier run's parts are there only if the run is resumed.
    /// </summary>
    public static void CheckOutput(ScoringInput input, string outputPath, ScoringOptions options)
    {
        OutputPaths.CheckNotAnInput(outputPath, input.Files);
        OutputPaths.CheckFile(outputPath, "output");
        string output = Path.GetFullPath(outputPath);
        if (
            input.Folder is { } folder
            && Path.GetDirectoryName(output) == Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)
        )
            throw new ArgumentException(
                $"The output '{outputPath}' is in the input folder '{folder}', whose files are all read as input; "
                    + $"write elsewhere."
            );
        // Parts without a chunk are not worth keeping: a run that stopped before its first chunk starts again.
        string parts = PartsFolder(outputPath);
        if (!options.Resume && Directory.Exists(parts) && DoneChunks(parts).Count > 0)
            throw new IOException(
                $"'{parts}' holds the parts of an earlier run: resume it (score --resume), or "
                    + $"delete the folder to start again."
            );
    }

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
        if (options.Explain && ranker is not ICodeExplainer)
            throw new ArgumentException($"--explain: {ranker.Name} cannot say why it suggests a code.");
        CheckOutput(input, outputPath, options);
        long? total = await input.CheckAsync(cancellation);
        var run = new ScoringRun
        {
            Input = input.Describe(),
            Model = ranker.Fingerprint,
            Top = options.Top,
            Threshold = options.Threshold,
            Explain = options.Explain,
            Language = options.Language,
            Shard = options.Shard.Index,
            Shards = options.Shard.Count,
        };
        string parts = PartsFolder(outputPath);
        var done = OpenParts(parts, run);

        long rows = 0,
            errors = 0,
            warnings = 0,
            imagesNotRead = 0;
        int chunks = 0;
        await foreach (var chunk in input.ReadAsync(options.Shard.Owns, cancellation))
        {
            if (!done.Contains(chunk.Index))
            {
                var scored = Score(chunk, options, cancellation);
                await ParquetRowGroups.WriteAsync([scored], PartPath(parts, chunk.Index), cancellation);
                errors += scored.Count(row => row.Error is not null);
                warnings += scored.Count(row => row.Warning is not null);
            }
            if (!ranker.ReadsImages)
                imagesNotRead += chunk.Rows.Count(row => !string.IsNullOrWhiteSpace(row.Record?.Image));
            chunks++;
            rows += chunk.Rows.Count;
            progress?.Report(
                new ScoringProgress(chunks, rows, total is null ? null : total / options.Shard.Count, errors)
            );
        }

        // Joined in chunk order; the parts go only once the whole output is in place.
        var partFiles = Directory
            .GetFiles(parts, "chunk-*.parquet")
            .OrderBy(path => path, StringComparer.Ordinal)
            .ToArray();
        await ScoredParquet.ConcatenateAsync(partFiles, outputPath, run, cancellation);
        Directory.Delete(parts, recursive: true);
        return new ScoringSummary(chunks, done.Count, rows, errors, warnings, imagesNotRead);
    }

    /// <summary>
    /// The chunks an earlier run of the same run wrote, or none for a new run (whose parts folder and run.json are made
    /// here). An earlier run of another input, model or options is refused, naming what differs, as is a parts folder
    /// with files it does not know.
    /// </summary>
    private static HashSet<int> OpenParts(string parts, ScoringRun run)
    {
        string runFile = Path.Combine(parts, RunFile);
        if (Directory.Exists(parts))
        {
            // A run killed while it wrote a part leaves that part's temporary file: the chunk is scored again.
            foreach (var unfinished in Directory.EnumerateFiles(parts, "chunk-*.parquet.partial"))
                File.Delete(unfinished);
            var stray = Directory
                .EnumerateFileSystemEntries(parts)
                .Select(Path.GetFileName)
                .Where(name => name != RunFile && ChunkOf(name!) is null)
                .ToArray();
            if (stray.Length > 0)
                throw new InvalidDataException(
                    $"'{parts}' holds {string.Join(", ", stray.Select(name => $"'{name}'"))}, which no scoring run "
                        + "writes: remove it, or delete the folder to start again."
                );
            var chunks = DoneChunks(parts);
            if (chunks.Count > 0)
            {
                var earlier =
                    ScoringRun.FromJson(File.Exists(runFile) ? File.ReadAllText(runFile) : null)
                    ?? throw new InvalidDataException(
                        $"'{parts}' does not say what run it belongs to (no readable {RunFile}): delete it to start "
                            + "again."
                    );
                var differences = run.Differences(earlier).ToArray();
                if (differences.Length > 0)
                    throw new IOException(
                        $"'{parts}' holds the parts of another run; resuming would mix two outputs. What differs: "
                            + $"{string.Join("; ", differences)}. Run as before, or delete the folder to start again."
                    );
                return chunks;
            }
        }
        // A new run, or one stopped before its first chunk: nothing to keep.
        Directory.CreateDirectory(parts);
        File.WriteAllText(runFile, run.ToJson());
        return [];
    }

    private static HashSet<int> DoneChunks(string parts) =>
        Directory
            .EnumerateFiles(parts, "chunk-*.parquet")
            .Select(path => ChunkOf(Path.GetFileName(path)))
            .OfType<int>()
            .ToHashSet();

    /// <summary>
    /// Records ranked together: one matrix product per dense index for all of them. Its scores take 512 x 48,390
    /// floats (99 MB) for a moment; 256 made scoring 8% slower on 2 cores.
    /// </summary>
    public const int RankingBatch = 512;

    private IReadOnlyCollection<ScoredRecord> Score(
        InputChunk chunk,
        ScoringOptions options,
        CancellationToken cancellation
    )
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
        var ranking = new RankingOptions { Count = options.Top, Images = options.Images };
        foreach (var batch in rows.Chunk(RankingBatch))
        {
            cancellation.ThrowIfCancellationRequested();
            var records = batch.Select(i => chunk.Rows[i].Record!).ToArray();
            IReadOnlyList<RankedArtwork>? ranked = null;
            try
            {
                ranked = ranker.Rank(records, ranking);
            }
            catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
            {
                // One bad record must not cost the others: rank them one by one to find it.
            }
            for (int j = 0; j < batch.Length; j++)
                Fill(output[batch[j]], records[j], ranked?[j], chunk.Rows[batch[j]].Warning, options, ranking);
        }
        return output;
    }

    private void Fill(
        ScoredRecord output,
        ArtworkRecord record,
        RankedArtwork? ranked,
        string? rowWarning,
        ScoringOptions options,
        RankingOptions ranking
    )
    {
        try
        {
            ranked ??= ranker.Rank([record], ranking)[0];
            string language = thesaurus.RankingLanguage(options.Language ?? QueryText.Language(record));
            var kept = ranked.Codes.TakeWhile(code => code.Score >= options.Threshold).ToArray();
            foreach (var code in kept)
            {
                output.Codes.Add(code.Code);
                output.Scores.Add(code.Score);
                output.Definitions.Add(thesaurus.GetText(code.Code, language)?.Text ?? "");
            }
            if (options.Explain && kept.Length > 0)
                output.Explanations = ((ICodeExplainer)ranker)
                    .Explain(record, kept, options.Images)
                    .Select(explanation => JsonSerializer.Serialize(explanation, ExplanationJson))
                    .ToList();
            var problems = ranked.Problems.Select(problem => problem.Message);
            var warnings = (rowWarning is null ? problems : problems.Prepend(rowWarning)).ToArray();
            output.Warning = warnings.Length == 0 ? null : string.Join("; ", warnings);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            output.Codes.Clear();
            output.Scores.Clear();
            output.Definitions.Clear();
            output.Explanations = null;
            output.Error = $"record '{record.Id}': {exception.Message}";
        }
    }

    private static string PartPath(string parts, int chunk) => Path.Combine(parts, $"chunk-{chunk:D6}.parquet");

    /// <summary>The chunk a part file holds, or null for a name no part has.</summary>
    private static int? ChunkOf(string fileName) =>
        System.Text.RegularExpressions.Regex.Match(fileName, @"^chunk-(\d{6})\.parquet$") is { Success: true } match
            ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : null;
}
