using MlNetIconclass.Collections;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Scoring;

namespace MlNetIconclass.Tests.Scoring;

/// <summary>The careless and hostile cases of scoring and merging: each refused before any work, or reported.</summary>
public class ScoringHardeningTests
{
    private static readonly ScoringOptions TopFive = new() { Top = 5 };

    [Fact]
    public async Task AFileOfAnotherSchemaIsRefusedAndLeavesNothing()
    {
        using var folder = new TempFolder();
        var (scorer, dump) = await BatchScorerTests.DumpAsync(folder);
        await BatchScorerTests.ScoreAsync(scorer, dump, folder.File("scored.parquet"));

        // A scored output fed back in would be records without text, every one ranked on the prior.
        string output = folder.File("again.parquet");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            scorer.ScoreAsync(ScoringInput.Parquet(folder.File("scored.parquet")), output, TopFive)
        );
        Assert.Contains("is not an artwork collection", error.Message);
        Assert.Contains("'titles'", error.Message);
        Assert.False(Directory.Exists(BatchScorer.PartsFolder(output)));
    }

    [Fact]
    public async Task AMissingOrCorruptInputLeavesNoPartsFolder()
    {
        using var folder = new TempFolder();
        var (scorer, _) = await BatchScorerTests.DumpAsync(folder);
        string output = folder.File("out.parquet");
        await Assert.ThrowsAsync<FileNotFoundException>(() =>
            scorer.ScoreAsync(ScoringInput.Parquet(folder.File("missing.parquet")), output, TopFive)
        );
        await Assert.ThrowsAsync<InvalidDataException>(() =>
            scorer.ScoreAsync(ScoringInput.Parquet(folder.Write("corrupt.parquet", "PAR1 not really")), output, TopFive)
        );
        Assert.False(Directory.Exists(BatchScorer.PartsFolder(output)));
    }

    [Fact]
    public async Task TheOutputIsNeverTheInputNorInTheInputFolder()
    {
        using var folder = new TempFolder();
        var (scorer, dump) = await BatchScorerTests.DumpAsync(folder);
        long size = new FileInfo(dump).Length;
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            scorer.ScoreAsync(ScoringInput.Parquet(dump), dump, TopFive)
        );
        Assert.Contains("is the input", error.Message);
        error = await Assert.ThrowsAsync<ArgumentException>(() =>
            scorer.ScoreAsync(ScoringInput.Parquet(folder.Path), folder.File("scored.parquet"), TopFive)
        );
        Assert.Contains("is in the input folder", error.Message);
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() =>
            scorer.ScoreAsync(ScoringInput.Parquet(dump), folder.File("no/such/folder/out.parquet"), TopFive)
        );
        Assert.Equal(size, new FileInfo(dump).Length);
    }

    [Fact]
    public async Task AResumeOfAnotherRunIsRefusedNamingWhatDiffers()
    {
        using var folder = new TempFolder();
        var (scorer, dump) = await BatchScorerTests.DumpAsync(folder);
        string output = folder.File("out.parquet");
        await StopAfterTwoChunksAsync(scorer, dump, output, TopFive);

        var error = await Assert.ThrowsAsync<IOException>(() =>
            scorer.ScoreAsync(ScoringInput.Parquet(dump), output, new ScoringOptions { Top = 3, Resume = true })
        );
        Assert.Contains("--top (5 then, 3 now)", error.Message);

        var (ranker, records) = await BatchScorerTests.Setup.Value;
        var otherModel = new BatchScorer(
            new TextArtworkRanker(ranker, BundledThesaurus.Instance, "another model"),
            BundledThesaurus.Instance
        );
        error = await Assert.ThrowsAsync<IOException>(() =>
            otherModel.ScoreAsync(ScoringInput.Parquet(dump), output, TopFive with { Resume = true })
        );
        Assert.Contains("the model (the knn ranker then, another model now)", error.Message);

        await ArtworkParquet.WriteAsync(records.Take(100), dump, rowGroupSize: 25);
        error = await Assert.ThrowsAsync<IOException>(() =>
            scorer.ScoreAsync(ScoringInput.Parquet(dump), output, TopFive with { Resume = true })
        );
        Assert.Contains("the input", error.Message);
    }

    [Fact]
    public async Task AStrayFileInThePartsFolderIsNamed()
    {
        using var folder = new TempFolder();
        var (scorer, dump) = await BatchScorerTests.DumpAsync(folder);
        string output = folder.File("out.parquet");
        await StopAfterTwoChunksAsync(scorer, dump, output, TopFive);
        File.WriteAllText(Path.Combine(BatchScorer.PartsFolder(output), "chunk-abc.parquet"), "");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            scorer.ScoreAsync(ScoringInput.Parquet(dump), output, TopFive with { Resume = true })
        );
        Assert.Contains("'chunk-abc.parquet', which no scoring run writes", error.Message);
    }

    [Fact]
    public async Task RecordsWithNothingToRankOrAForeignLanguageAreWarnedAbout()
    {
        using var folder = new TempFolder();
        var (ranker, _) = await BatchScorerTests.Setup.Value;
        string dump = folder.File("dump.parquet");
        await ArtworkParquet.WriteAsync(
            [
                new ArtworkRecord { Id = "empty" },
                new ArtworkRecord { Id = "tagged", Titles = [new LocalizedText("xx", "Gezicht op Paramaribo")] },
            ],
            dump
        );
        var summary = await new BatchScorer(
            new TextArtworkRanker(ranker, BundledThesaurus.Instance),
            BundledThesaurus.Instance
        ).ScoreAsync(ScoringInput.Parquet(dump), folder.File("out.parquet"), TopFive);
        var scored = await ScoredParquet.ReadAllAsync(folder.File("out.parquet"));

        Assert.Equal((0, 2), (summary.Errors, summary.Warnings));
        Assert.Contains("no title, description or image", scored[0].Warning);
        Assert.Contains("'xx' is not a thesaurus language; ranked in English", scored[1].Warning);
        Assert.Equal(5, scored[1].Codes.Count);
        Assert.Equal(BundledThesaurus.Instance.GetText(scored[1].Codes[0], "en")!.Text, scored[1].Definitions[0]);
    }

    [Fact]
    public async Task ImagesARankerDoesNotReadAreCounted()
    {
        using var folder = new TempFolder();
        var (ranker, _) = await BatchScorerTests.Setup.Value;
        string dump = folder.File("dump.parquet");
        await ArtworkParquet.WriteAsync(
            [
                new ArtworkRecord
                {
                    Id = "a",
                    Titles = [new LocalizedText("nl", "Portret")],
                    Image = "a.jpg",
                },
            ],
            dump
        );
        var summary = await new BatchScorer(
            new TextArtworkRanker(ranker, BundledThesaurus.Instance),
            BundledThesaurus.Instance
        ).ScoreAsync(ScoringInput.Parquet(dump), folder.File("out.parquet"), TopFive);
        Assert.Equal(1, summary.ImagesNotRead);
    }

    [Fact]
    public async Task MergeTakesEveryShardOfOneRunOnceAndNothingElse()
    {
        using var folder = new TempFolder();
        var (scorer, dump) = await BatchScorerTests.DumpAsync(folder);
        var shards = new List<string>();
        for (int i = 1; i <= 3; i++)
        {
            shards.Add(folder.File($"shard-{i}.parquet"));
            await scorer.ScoreAsync(
                ScoringInput.Parquet(dump),
                shards[^1],
                TopFive with
                {
                    Shard = new ShardSpec(i, 3),
                }
            );
        }
        string otherRun = folder.File("other.parquet");
        await scorer.ScoreAsync(
            ScoringInput.Parquet(dump),
            otherRun,
            new ScoringOptions { Top = 3, Shard = new ShardSpec(3, 3) }
        );
        string merged = folder.File("merged.parquet");

        async Task<string> Refused(params string[] inputs) =>
            (await Assert.ThrowsAnyAsync<Exception>(() => ScoredParquet.MergeAsync(inputs, merged))).Message;

        Assert.Contains("Shard 3/3 of the run missing", await Refused(shards[0], shards[1]));
        Assert.Contains("Shard 2/3 is given twice", await Refused(shards[0], shards[1], shards[1], shards[2]));
        Assert.Contains("is not the output of `iconclass score`", await Refused(shards[0], shards[1], dump));
        Assert.Contains("--top (5 then, 3 now)", await Refused(shards[0], shards[1], otherRun));
        Assert.False(File.Exists(merged));

        await ScoredParquet.MergeAsync(shards, merged);
        var run = await ScoredParquet.ReadRunAsync(merged);
        Assert.Equal((1, 1, 5), (run.Shard, run.Shards, run.Top));
        // The merged file is a whole run's output: merging it again as the only shard gives it back.
        await ScoredParquet.MergeAsync([merged], folder.File("again.parquet"));
        Assert.Equal(230, (await ScoredParquet.ReadAllAsync(folder.File("again.parquet"))).Count);
    }

    [Fact]
    public async Task MergeNeverWritesOverAShard()
    {
        using var folder = new TempFolder();
        var (scorer, dump) = await BatchScorerTests.DumpAsync(folder);
        string whole = folder.File("whole.parquet");
        await scorer.ScoreAsync(ScoringInput.Parquet(dump), whole, TopFive);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => ScoredParquet.MergeAsync([whole], whole));
        Assert.Contains("is one of the shards", error.Message);
    }

    private static async Task StopAfterTwoChunksAsync(
        BatchScorer scorer,
        string dump,
        string output,
        ScoringOptions options
    )
    {
        using var stop = new CancellationTokenSource();
        var progress = new BatchScorerTests.SynchronousProgress(p =>
        {
            if (p.Chunks == 2)
                stop.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            scorer.ScoreAsync(ScoringInput.Parquet(dump), output, options, progress, stop.Token)
        );
    }
}
