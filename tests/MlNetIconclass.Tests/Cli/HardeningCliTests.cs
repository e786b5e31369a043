using System.Diagnostics;
using MlNetIconclass.Cli;
using MlNetIconclass.Collections;
using MlNetIconclass.Scoring;

namespace MlNetIconclass.Tests.Cli;

/// <summary>Bad input at the command line: refused before any work with a clear message, or warned about.</summary>
public class HardeningCliTests
{
    [Fact]
    public void AScoreThatCannotStartLeavesNothingBehind()
    {
        using var folder = new TempFolder();
        string output = folder.File("out.parquet");
        var (exitCode, _, stderr) = IconclassCli.Run(
            "score",
            "--input",
            folder.File("missing.parquet"),
            "--output",
            output
        );
        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("missing.parquet' does not exist", stderr);
        Assert.False(Directory.Exists(BatchScorer.PartsFolder(output)));

        (exitCode, _, stderr) = IconclassCli.Run(
            "score",
            "--input",
            BundledSamples.RijksmuseumSuriname,
            "--output",
            BundledSamples.RijksmuseumSuriname
        );
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("is the input", stderr);
    }

    [Fact]
    public void ImportNeverWritesOverItsInput()
    {
        using var folder = new TempFolder();
        string csv = folder.Write("c.csv", "id,titel\n1,Leeuw\n");
        var (exitCode, _, stderr) = IconclassCli.Run(
            "import",
            "--format",
            "csv",
            "--input",
            csv,
            "--output",
            csv,
            "--id",
            "id",
            "--title",
            "nl=titel"
        );
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("is the input", stderr);
        Assert.Equal("id,titel\n1,Leeuw\n", File.ReadAllText(csv));
    }

    [Fact]
    public void EvaluateChecksItsReportPathsBeforeRanking()
    {
        using var folder = new TempFolder();
        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "evaluate",
            "--no-model",
            "--baselines",
            "--per-code",
            folder.File("no/such/folder/codes.parquet")
        );
        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("--per-code", stderr);
        Assert.DoesNotContain("R@10", stdout);
    }

    [Fact]
    public void MergeRefusesAnIncompleteSetOfShards()
    {
        using var folder = new TempFolder();
        var (exitCode, _, stderr) = IconclassCli.Run(
            "merge",
            BundledSamples.RijksmuseumSuriname,
            "--output",
            folder.File("merged.parquet")
        );
        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("is not the output of `iconclass score`", stderr);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void PredictRefusesABlankTitleAndAnswersAForeignOneInEnglish()
    {
        var (exitCode, _, stderr) = IconclassCli.Run("predict", "--title", "nl=   ");
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("the text after '=' is blank", stderr);

        (exitCode, var stdout, stderr) = IconclassCli.Run("predict", "--title", "xx=Gezicht op Paramaribo");
        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Contains("warning: 'xx' is not a language of the thesaurus", stderr);
        Assert.Contains("notation", stdout);

        (exitCode, _, stderr) = IconclassCli.Run("predict", "--title", "nl=Leeuw", "--language", "xx");
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("Unknown language 'xx'", stderr);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task ScoringWithATextOnlyModelSaysItsImagesWereNotRead()
    {
        using var folder = new TempFolder();
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
        var (exitCode, _, stderr) = IconclassCli.Run("score", "--input", dump, "--output", folder.File("o.parquet"));
        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Contains("warning: 1 rows have an image, which this model does not read", stderr);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task SigtermStopsScoringWithAMessageAndTheRunResumes()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        var records = await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname);
        string dump = folder.File("dump.parquet");
        await ArtworkParquet.WriteAsync(records, dump, rowGroupSize: 20);
        string output = folder.File("scored.parquet");
        string[] arguments = ["score", "--input", dump, "--output", output];

        using var process = IconclassCli.Start(AppContext.BaseDirectory, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        string parts = BatchScorer.PartsFolder(output);
        var waited = Stopwatch.StartNew();
        while (
            !process.HasExited
            && (!Directory.Exists(parts) || Directory.GetFiles(parts, "chunk-*.parquet").Length == 0)
            && waited.Elapsed < TimeSpan.FromMinutes(2)
        )
            await Task.Delay(20);
        // (Standard error is read only after the signal: awaiting it before would wait for the run to end.)
        Assert.False(process.HasExited, "the run ended before it could be stopped");
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            await kill.WaitForExitAsync();
        await process.WaitForExitAsync();

        Assert.Equal(ExitCodes.Stopped, process.ExitCode);
        Assert.Contains("run the same command with --resume", await stderr);
        Assert.False(File.Exists(output));
        _ = await stdout;

        var (exitCode, resumed, error) = IconclassCli.Run([.. arguments, "--resume"]);
        Assert.True(exitCode == ExitCodes.Success, error);
        Assert.Contains("from an earlier run", resumed);
        Assert.Equal(records.Select(r => r.Id), (await ScoredParquet.ReadAllAsync(output)).Select(r => r.Id));
    }
}
