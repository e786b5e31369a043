using MlNetIconclass.Cli;
using MlNetIconclass.Collections;
using MlNetIconclass.Scoring;

namespace MlNetIconclass.Tests.Cli;

public class ScoreCliTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task ScoresACsvDumpWithTheBundledModel()
    {
        using var folder = new TempFolder();
        var dump = folder.Write("dump.csv", "id,titel\nA,Gezicht op Paramaribo\nB,\nC,Suikerplantage aan de rivier\n");
        var output = folder.File("scored.parquet");

        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "score",
            "--input",
            dump,
            "--format",
            "csv",
            "--id",
            "id",
            "--title",
            "nl=titel",
            "--output",
            output,
            "--top",
            "5",
            "--language",
            "en"
        );

        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Contains("3 rows", stdout);
        Assert.Contains("1 rows could not be scored", stderr);
        var scored = await ScoredParquet.ReadAllAsync(output);
        Assert.Equal(["A", "B", "C"], scored.Select(s => s.Id));
        // At most --top codes, none below the bundled model's calibrated threshold (0.20, chosen on its validation
        // records), which applies when --threshold is not given.
        Assert.InRange(scored[0].Codes.Count, 1, 5);
        Assert.All(scored[0].Scores, score => Assert.True(score >= 0.2f, $"{score} is below the model's threshold"));
        Assert.Contains("record 'B'", scored[1].Error);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task ShardsMergeIntoTheSingleRunOutput()
    {
        using var folder = new TempFolder();
        var records = (await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname)).Take(60).ToList();
        var dump = folder.File("dump.parquet");
        await ArtworkParquet.WriteAsync(records, dump, rowGroupSize: 20);

        Assert.Equal(
            ExitCodes.Success,
            IconclassCli.Run("score", "--input", dump, "--output", folder.File("single.parquet")).ExitCode
        );
        Assert.Equal(
            ExitCodes.Success,
            IconclassCli.Run("score", "--input", dump, "--output", folder.File("a.parquet"), "--shard", "1/2").ExitCode
        );
        Assert.Equal(
            ExitCodes.Success,
            IconclassCli.Run("score", "--input", dump, "--output", folder.File("b.parquet"), "--shard", "2/2").ExitCode
        );
        Assert.Equal(
            ExitCodes.Success,
            IconclassCli
                .Run(
                    "merge",
                    folder.File("a.parquet"),
                    folder.File("b.parquet"),
                    "--output",
                    folder.File("merged.parquet")
                )
                .ExitCode
        );

        var single = await ScoredParquet.ReadAllAsync(folder.File("single.parquet"));
        var merged = await ScoredParquet.ReadAllAsync(folder.File("merged.parquet"));
        Assert.Equal(
            single.Select(s => (s.Row, s.Id, string.Join(' ', s.Codes))),
            merged.Select(s => (s.Row, s.Id, string.Join(' ', s.Codes)))
        );
    }

    [Fact]
    public void BadShardAndLeftoverPartsAreRefused()
    {
        using var folder = new TempFolder();
        var (exitCode, _, stderr) = IconclassCli.Run(
            "score",
            "--input",
            BundledSamples.RijksmuseumSuriname,
            "--output",
            folder.File("o.parquet"),
            "--shard",
            "3/2"
        );
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("1 <= I <= N", stderr);

        string parts = Directory.CreateDirectory(BatchScorer.PartsFolder(folder.File("o.parquet"))).FullName;
        File.Copy(BundledSamples.RijksmuseumSuriname, Path.Combine(parts, "chunk-000000.parquet"));
        (exitCode, _, stderr) = IconclassCli.Run(
            "score",
            "--input",
            BundledSamples.RijksmuseumSuriname,
            "--output",
            folder.File("o.parquet")
        );
        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("--resume", stderr);
    }
}
