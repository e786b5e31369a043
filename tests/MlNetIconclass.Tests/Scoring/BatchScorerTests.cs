using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Scoring;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Tests.Scoring;

public class BatchScorerTests
{
    internal static readonly Lazy<Task<(ICodeRanker Ranker, List<ArtworkRecord> Dump)>> Setup = new(async () =>
    {
        var records = await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname);
        var train = new LabeledRecords(
            records.Where(r => !ProtocolSplit.IsTest(r.Id)).Take(400),
            new GoldCodeNormalizer(BundledThesaurus.Instance)
        );
        var knn = Baselines.Fit(BundledThesaurus.Instance, train, QueryFields.Titles).Single(r => r.Name == "knn");
        return (knn, records.Take(230).ToList());
    });

    /// <summary>A dump of 230 records in row groups of 25: ten chunks, the last one short.</summary>
    internal static async Task<(BatchScorer Scorer, string Dump)> DumpAsync(TempFolder folder)
    {
        var (ranker, records) = await Setup.Value;
        string dump = folder.File("dump.parquet");
        await ArtworkParquet.WriteAsync(records, dump, rowGroupSize: 25);
        return (
            new BatchScorer(new TextArtworkRanker(ranker, BundledThesaurus.Instance), BundledThesaurus.Instance),
            dump
        );
    }

    internal static async Task<List<ScoredRecord>> ScoreAsync(
        BatchScorer scorer,
        string dump,
        string output,
        ScoringOptions? options = null
    )
    {
        await scorer.ScoreAsync(ScoringInput.Parquet(dump), output, options ?? new ScoringOptions { Top = 5 });
        return await ScoredParquet.ReadAllAsync(output);
    }

    private static void AssertSame(IReadOnlyList<ScoredRecord> expected, IReadOnlyList<ScoredRecord> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal((e.Row, e.Id, e.Error, e.Warning), (a.Row, a.Id, a.Error, a.Warning));
            Assert.Equal(e.Codes, a.Codes);
            Assert.Equal(e.Scores, a.Scores);
            Assert.Equal(e.Definitions, a.Definitions);
        }
    }

    [Fact]
    public async Task EveryRowIsScoredInOrderWithDefinitions()
    {
        using var folder = new TempFolder();
        var (scorer, dump) = await DumpAsync(folder);
        var scored = await ScoreAsync(
            scorer,
            dump,
            folder.File("out.parquet"),
            new ScoringOptions { Top = 5, Language = "en" }
        );

        var (_, records) = await Setup.Value;
        Assert.Equal(records.Select(r => r.Id), scored.Select(s => s.Id));
        Assert.Equal(Enumerable.Range(0, records.Count).Select(i => (long)i), scored.Select(s => s.Row));
        Assert.All(scored, row => Assert.Equal(5, row.Codes.Count));
        Assert.Equal(BundledThesaurus.Instance.GetText(scored[0].Codes[0], "en")!.Text, scored[0].Definitions[0]);
        Assert.False(Directory.Exists(BatchScorer.PartsFolder(folder.File("out.parquet"))));
        Assert.Equal(10, await ArtworkParquet.CountRowGroupsAsync(folder.File("out.parquet")));
    }

    [Fact]
    public async Task RunKilledMidwayAndResumedGivesTheUninterruptedOutput()
    {
        using var folder = new TempFolder();
        var (scorer, dump) = await DumpAsync(folder);
        var uninterrupted = await ScoreAsync(scorer, dump, folder.File("whole.parquet"));

        string output = folder.File("resumed.parquet");
        using var kill = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Chunks == 4)
                kill.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            scorer.ScoreAsync(ScoringInput.Parquet(dump), output, new ScoringOptions { Top = 5 }, progress, kill.Token)
        );
        Assert.False(File.Exists(output));
        string parts = BatchScorer.PartsFolder(output);
        Assert.Equal(4, Directory.GetFiles(parts, "chunk-*.parquet").Length);
        // A part being written when the process died: never renamed, so never taken for a finished chunk.
        File.WriteAllText(Path.Combine(parts, "chunk-000004.parquet.partial"), "half a row group");

        var again = () => scorer.ScoreAsync(ScoringInput.Parquet(dump), output, new ScoringOptions { Top = 5 });
        Assert.Contains("--resume", (await Assert.ThrowsAsync<IOException>(again)).Message);
        var summary = await scorer.ScoreAsync(
            ScoringInput.Parquet(dump),
            output,
            new ScoringOptions { Top = 5, Resume = true }
        );
        Assert.Equal(4, summary.ChunksResumed);
        AssertSame(uninterrupted, await ScoredParquet.ReadAllAsync(output));
    }

    [Fact]
    public async Task FourShardsTogetherEqualOneRun()
    {
        using var folder = new TempFolder();
        var (scorer, dump) = await DumpAsync(folder);
        var single = await ScoreAsync(scorer, dump, folder.File("single.parquet"));

        var shards = new List<string>();
        for (int i = 1; i <= 4; i++)
        {
            shards.Add(folder.File($"shard-{i}.parquet"));
            await scorer.ScoreAsync(
                ScoringInput.Parquet(dump),
                shards[^1],
                new ScoringOptions { Top = 5, Shard = new ShardSpec(i, 4) }
            );
        }
        var sizes = await Task.WhenAll(shards.Select(async s => (await ScoredParquet.ReadAllAsync(s)).Count));
        Assert.Equal([75, 55, 50, 50], sizes); // chunks 0,4,8 / 1,5,9 (9 holds the last 5 rows) / 2,6 / 3,7

        await ScoredParquet.MergeAsync(shards, folder.File("merged.parquet"));
        AssertSame(single, await ScoredParquet.ReadAllAsync(folder.File("merged.parquet")));
    }

    [Fact]
    public async Task BadRowsAreReportedAndEveryGoodRowIsScored()
    {
        using var folder = new TempFolder();
        var (ranker, _) = await Setup.Value;
        var csv = folder.Write(
            "dump.csv",
            "id,titel,codes\n"
                + "A,Gezicht op Paramaribo,\n"
                + ",Een plantage,\n"
                + // no id
                "C,,\n"
                + // no title and no image
                "D,Portret van een man,\n"
                + "E,Explodes,\n"
        );
        var mapping = new ColumnMapping
        {
            Id = "id",
            Titles = [new LanguageColumn("nl", "titel")],
            Codes = ["codes"],
        };
        var scorer = new BatchScorer(
            new TextArtworkRanker(new Failing(ranker, "E"), BundledThesaurus.Instance),
            BundledThesaurus.Instance
        );
        var input = ScoringInput.Text(
            csv,
            SourceFormat.Csv,
            mapping,
            new CollectionImporter(BundledThesaurus.Instance),
            chunkSize: 2
        );
        var summary = await scorer.ScoreAsync(input, folder.File("out.parquet"), new ScoringOptions { Top = 3 });
        var scored = await ScoredParquet.ReadAllAsync(folder.File("out.parquet"));

        Assert.Equal(5, scored.Count);
        Assert.Equal(3, summary.Errors);
        Assert.Equal(["A", "", "C", "D", "E"], scored.Select(s => s.Id));
        Assert.Null(scored[0].Error);
        Assert.Equal(3, scored[0].Codes.Count);
        Assert.Contains("line 3", scored[1].Error);
        Assert.Contains("id", scored[1].Error);
        Assert.Contains("record 'C'", scored[2].Error);
        Assert.Contains("title", scored[2].Error);
        Assert.Equal(3, scored[3].Codes.Count);
        Assert.Equal("record 'E': cannot rank this one", scored[4].Error);
        Assert.Empty(scored[4].Codes);
    }

    [Theory]
    [InlineData("0/4")]
    [InlineData("5/4")]
    [InlineData("1-4")]
    public void MalformedShardsAreRefused(string text) => Assert.Throws<FormatException>(() => ShardSpec.Parse(text));

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void ATopBelowOneIsRefusedWhereTheOptionsAreMade(int top)
    {
        var error = Assert.Throws<ArgumentException>(() => new ScoringOptions { Top = top });
        Assert.Equal($"--top: keep at least one code per record, not {top}.", error.Message);
    }

    internal sealed class SynchronousProgress(Action<ScoringProgress> report) : IProgress<ScoringProgress>
    {
        public void Report(ScoringProgress value) => report(value);
    }

    /// <summary>A ranker that fails on one record, as a bug or a bad value would.</summary>
    private sealed class Failing(ICodeRanker inner, string failingId) : ICodeRanker
    {
        public string Name => inner.Name;

        public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count) =>
            record.Id == failingId
                ? throw new InvalidOperationException("cannot rank this one")
                : inner.Rank(record, count);
    }
}
