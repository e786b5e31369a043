using System.Text.Json.Nodes;
using MlNetIconclass.Cli;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Tests.Cli;

public class CliTests
{
    private const string RijksmuseumHeader =
        "recordnummer;objectnummer;titel;beschrijving;vervaardiger;datering.datum.start;datering.datum.eind;"
        + "objectnaam;materiaal;classificatiecode;inhoud.classificatie.code;geografisch_trefwoord;"
        + "inhoud.hoofdmotief.algemeen;inhoud.hoofdmotief.specifiek;inhoud.onderwerp;inhoud.persoon.naam;"
        + "PID_data.URI;PID_werk.URI";

    private static string RijksmuseumRow(string id, string title, string codes) =>
        $"1;{id};{title};\"\";;;;;;\"\";{codes};;;;;;;";

    [Fact]
    public async Task ImportsARijksmuseumExportAndReportsProblems()
    {
        using var folder = new TempFolder();
        var input = folder.Write(
            "export.csv",
            string.Join(
                '\n',
                RijksmuseumHeader,
                RijksmuseumRow("SK-1", "Plantage in Suriname$Plantage", "25K182$25G3(PALM-TREE)"),
                RijksmuseumRow("SK-2", "\"\"", "61B2"),
                RijksmuseumRow("SK-3", "Portret", "61B2$6 1B"),
                ""
            )
        );
        var output = folder.File("out.parquet");

        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "import",
            "--format",
            "rijksmuseum",
            "--input",
            input,
            "--output",
            output
        );

        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Matches(@"records written\s*│\s*2", stdout);
        Assert.Contains("rejected: record 'SK-2' (line 3), title (column 'titel')", stderr);
        Assert.Contains(
            "dropped code: record 'SK-3' (line 4), codes (column 'inhoud.classificatie.code'): '6 1B'",
            stderr
        );
        var records = await ArtworkParquet.ReadAllAsync(output);
        Assert.Equal(new[] { "Plantage in Suriname", "Plantage" }, records[0].Titles.Select(t => t.Text));
    }

    [Fact]
    public void EvaluatesBaselinesAndWritesTheReport()
    {
        using var folder = new TempFolder();
        var report = folder.File("report.json");
        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "evaluate",
            "--baselines",
            "--no-model",
            "--k",
            "1,5,10,20",
            "--report",
            report
        );

        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Contains("n = 420", stdout);
        var json = JsonNode.Parse(File.ReadAllText(report))!;
        Assert.NotNull(json["baselines"]!["knn"]!["metrics"]!["R@20"]);
    }

    [Fact]
    public void PredictsCodesWithDefinitionsInTheQueryLanguage()
    {
        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "predict",
            "--title",
            "nl=Gezicht op een plantage",
            "--top",
            "3",
            "--ranker",
            "knn"
        );
        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Contains("25K182", stdout);
        Assert.Contains("Plantage", stdout);
    }

    [Theory]
    [InlineData(ExitCodes.Usage, "Unrecognized command or argument '--baseline'", "evaluate", "--baseline")]
    [InlineData(ExitCodes.Usage, "nothing to evaluate", "evaluate", "--no-model")]
    [InlineData(ExitCodes.Usage, "--k: 'ten'", "evaluate", "--baselines", "--k", "5,ten")]
    [InlineData(ExitCodes.Usage, "not a language code", "predict", "--title", "Dutch=Plantage")]
    [InlineData(ExitCodes.Usage, "Unknown language 'xx'", "predict", "--title", "nl=Plantage", "--language", "xx")]
    [InlineData(
        ExitCodes.BadInput,
        "does not exist",
        "evaluate",
        "--baselines",
        "--data",
        "/nonexistent/records.parquet"
    )]
    [InlineData(
        ExitCodes.BadInput,
        "does not exist",
        "import",
        "--format",
        "jsonl",
        "--input",
        "/nonexistent/r.jsonl",
        "--output",
        "/tmp/x.parquet",
        "--id",
        "id",
        "--title",
        "nl=t"
    )]
    public void BadArgumentsAndFilesGiveAClearErrorAndExitCode(
        int expectedExitCode,
        string message,
        params string[] arguments
    )
    {
        var (exitCode, _, stderr) = IconclassCli.Run(arguments);
        Assert.Equal(expectedExitCode, exitCode);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void TruncatedParquetIsABadInput()
    {
        using var folder = new TempFolder();
        var path = folder.File("broken.parquet");
        File.WriteAllBytes(path, File.ReadAllBytes(BundledSamples.RijksmuseumSuriname)[..5000]);
        var (exitCode, _, stderr) = IconclassCli.Run("evaluate", "--baselines", "--data", path);
        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("broken.parquet", stderr);
    }
}
