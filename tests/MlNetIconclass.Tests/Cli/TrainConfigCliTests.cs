using System.Text.Json.Nodes;
using MlNetIconclass.Cli;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Tests.Cli;

public class TrainConfigCliTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void InitThenTrainWithTheConfigWritesModelAndReport()
    {
        using var folder = new TempFolder();
        var (exitCode, _, stderr) = IconclassCli.Run("init", "--output", folder.File("train.json"));
        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Equal(ExitCodes.Usage, IconclassCli.Run("init", "--output", folder.File("train.json")).ExitCode);

        // The user's edits: their collection, and a short run.
        File.Copy(BundledSamples.Saints, folder.File("my-collection.parquet"));
        var config = File.ReadAllText(folder.File("train.json"))
            .Replace("\"epochs\": 8,", "\"epochs\": 1,")
            .Replace("\"thesaurusEpochs\": null,", "\"thesaurusEpochs\": 0,")
            .Replace("\"distillationEpochs\": 4,", "\"distillationEpochs\": 0,");
        File.WriteAllText(folder.File("train.json"), config);

        (exitCode, _, stderr) = IconclassCli.Run("train", "--config", folder.File("train.json"));

        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.True(File.Exists(folder.File("my-model.iconclass")));
        var report = JsonNode.Parse(File.ReadAllText(folder.File("my-model-report/report.json")))!;
        Assert.NotNull(report["evaluation"]!["baselines"]!["knn"]);
        Assert.NotNull(report["evaluation"]!["metrics"]!["MRR"]);
        Assert.Single(report["manifest"]!["Epochs"]!.AsArray());
        var png = File.ReadAllBytes(folder.File("my-model-report/learning-curve.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public void ConfigMistakeAndMixedOptionsAreUsageErrors()
    {
        using var folder = new TempFolder();
        File.WriteAllText(
            folder.File("train.json"),
            """{ "data": [{ "path": "nowhere.parquet" }], "output": "m.iconclass", "epochs": -1 }"""
        );
        var (exitCode, _, stderr) = IconclassCli.Run("train", "--config", folder.File("train.json"));
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("data[0].path", stderr);
        Assert.Contains("epochs: must be positive", stderr);

        (exitCode, _, stderr) = IconclassCli.Run("train", "--config", folder.File("train.json"), "--epochs", "3");
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--epochs", stderr);

        (exitCode, _, stderr) = IconclassCli.Run(
            "train",
            "--output",
            folder.File("m.iconclass"),
            "--image-backbone-epochs",
            "2"
        );
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--image-backbone-epochs: fine-tuning the vision model needs the image modality", stderr);
    }

    [Fact]
    public void AnOutputThatCannotBeWrittenStopsTrainingBeforeItStarts()
    {
        using var folder = new TempFolder();
        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "train",
            "--output",
            folder.File("no/such/folder/m.iconclass"),
            "--epochs",
            "1"
        );
        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("The folder of the model file", stderr);
        Assert.DoesNotContain("epoch", stdout);

        File.WriteAllText(folder.File("taken"), "a file where the report folder would go");
        (exitCode, stdout, stderr) = IconclassCli.Run(
            "train",
            "--output",
            folder.File("m.iconclass"),
            "--report",
            folder.File("taken/report"),
            "--epochs",
            "1"
        );
        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("is a file", stderr);
        Assert.DoesNotContain("epoch", stdout);
    }
}
