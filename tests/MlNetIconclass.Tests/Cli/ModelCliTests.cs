using MlNetIconclass.Cli;
using MlNetIconclass.Models;
using MlNetIconclass.Tests.Training;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Cli;

public class ModelCliTests
{
    [Fact]
    public void PredictUsesTheBundledModel()
    {
        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "predict",
            "--title",
            "nl=Gezicht op een suikerplantage aan de rivier",
            "--top",
            "5"
        );
        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Contains("25K182", stdout);
    }

    [Fact]
    public void PredictTakesThePretrainedModelByNameAndRanksAGermanTitleWithNoTraining()
    {
        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "predict",
            "--model",
            BundledModels.PretrainedName,
            "--title",
            "de=Die Kreuzigung Christi",
            "--top",
            "10"
        );
        Assert.True(exitCode == ExitCodes.Success, stderr);
        // 73D6: the crucifixion; its definitions are shown in German.
        Assert.Contains("73D6", stdout);
        Assert.Contains("gekreuzigt", stdout);
        Assert.Equal(BundledModels.Pretrained, BundledModels.Resolve(BundledModels.PretrainedName));
        Assert.Equal(BundledModels.Default, BundledModels.Resolve(null));
        Assert.Equal("mine.iconclass", BundledModels.Resolve("mine.iconclass"));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task EvaluateRefusesAModelTrainedOnTestRecords()
    {
        using var folder = new TempFolder();
        var records = (await TinyModels.TrainRecordsAsync()).Concat(await TinyModels.TestRecordsAsync()).ToList();
        using (var model = IconclassTrainer.Fit(BundledThesaurus.Instance, records, TinyModels.Options()))
            model.Save(folder.File("leaky.iconclass"));

        var (exitCode, _, stderr) = IconclassCli.Run("evaluate", "--model", folder.File("leaky.iconclass"));
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("read 10 of the", stderr);
    }

    [Fact]
    public void CorruptModelFileIsABadInput()
    {
        using var folder = new TempFolder();
        var path = folder.Write("broken.iconclass", "not a zip");
        var (exitCode, _, stderr) = IconclassCli.Run("predict", "--title", "nl=Plantage", "--model", path);
        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("broken.iconclass", stderr);
    }
}
