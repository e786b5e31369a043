using MlNetIconclass.Tests.Models;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Training;

public class IconclassTrainerTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task TrainingIsReproducibleWithASeedOnCpu()
    {
        var records = await TinyModels.TrainRecordsAsync();
        using var first = IconclassTrainer.Fit(BundledThesaurus.Instance, records, TinyModels.Options(seed: 5));
        using var second = IconclassTrainer.Fit(BundledThesaurus.Instance, records, TinyModels.Options(seed: 5));
        Assert.Equal(first.Manifest.Epochs.Select(e => e.Loss), second.Manifest.Epochs.Select(e => e.Loss));
        var record = (await TinyModels.TestRecordsAsync())[0];
        ModelFileTests.AssertSameRanking(first.Rank(record, 10), second.Rank(record, 10));
    }

    [Fact]
    public async Task InvalidOptionsAreRefusedBeforeTrainingWithEveryField()
    {
        var options = TinyModels.Options();
        options.Epochs = 0;
        options.BatchSize = -1;
        options.Languages = ["nl", "xx"];
        options.ImageBackboneEpochs = 2;
        var records = await TinyModels.TrainRecordsAsync();
        var error = Assert.Throws<ArgumentException>(() =>
            IconclassTrainer.Fit(BundledThesaurus.Instance, records, options)
        );
        foreach (var field in new[] { "epochs:", "batchSize:", "languages[1]:", "imageBackboneEpochs:" })
            Assert.Contains(field, error.Message);
    }

    [Fact]
    public async Task CancellingStopsTraining()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var records = await TinyModels.TrainRecordsAsync();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            IconclassTrainer.Fit(
                BundledThesaurus.Instance,
                records,
                TinyModels.Options(),
                cancellation: cancellation.Token
            )
        );
    }
}
