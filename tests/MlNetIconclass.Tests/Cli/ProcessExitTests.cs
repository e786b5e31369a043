using System.Text.Json.Nodes;
using MlNetIconclass.Cli;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Tests.Cli;

/// <summary>
/// The commands that load the most native libraries (libtorch, LightGBM with OpenMP, ONNX Runtime, SkiaSharp) end with
/// the exit code their documentation gives, run as a user runs them: a training that fits the learned fusion and
/// writes its report and chart, an evaluation with the fusion's ablations, and a scoring run.
/// </summary>
public class ProcessExitTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void TrainEvaluateAndScoreExitWithSuccess()
    {
        using var folder = new TempFolder();
        string model = folder.File("fused.iconclass");
        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "train",
            "--output",
            model,
            "--from",
            "scratch",
            "--ngram-buckets",
            "4096",
            "--ngram-dimension",
            "32",
            "--distillation-epochs",
            "0",
            "--epochs",
            "1",
            "--thesaurus-epochs",
            "0",
            "--thesaurus-examples",
            "500",
            "--no-epoch-validation"
        );
        Assert.True(exitCode == ExitCodes.Success, $"train exited with {exitCode}: {stderr}");
        var manifest = JsonNode.Parse(File.ReadAllText(folder.File("fused-report/report.json")))!["manifest"]!;
        Assert.True((bool)manifest["Fusion"]!["Learned"]!, "the learned fusion was not chosen: " + stdout);
        Assert.True(File.Exists(folder.File("fused-report/learning-curve.png")));

        (exitCode, stdout, stderr) = IconclassCli.Run("evaluate", "--model", model);
        Assert.True(exitCode == ExitCodes.Success, $"evaluate exited with {exitCode}: {stderr}");
        Assert.Contains("without Hierarchy features", stdout);

        (exitCode, _, stderr) = IconclassCli.Run(
            "score",
            "--model",
            model,
            "--input",
            BundledSamples.Saints,
            "--output",
            folder.File("scored.parquet")
        );
        Assert.True(exitCode == ExitCodes.Success, $"score exited with {exitCode}: {stderr}");
    }
}
