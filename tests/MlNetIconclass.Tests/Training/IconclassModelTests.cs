using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetIconclass.Collections;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Training;

public class IconclassModelTests
{
    [Fact]
    public async Task SavedModelRanksExactlyAsTheFittedOne()
    {
        using var folder = new TempFolder();
        var thesaurus = BundledThesaurus.Instance;
        using var fitted = IconclassModel.Fit(thesaurus, await TinyModels.TrainRecordsAsync(), TinyModels.Options());
        var path = folder.File("model.iconclass");
        fitted.Save(path);
        using var loaded = IconclassModel.Load(path, thesaurus, MlNetIconclass.Features.ComputeDevice.Cpu);

        Assert.Equal(fitted.Manifest.Weights, loaded.Manifest.Weights);
        Assert.Equal(fitted.Manifest.LabelSetHash, loaded.Manifest.LabelSetHash);
        foreach (var record in await TinyModels.TestRecordsAsync())
            AssertSameRanking(fitted.Rank(record, 20), loaded.Rank(record, 20));
    }

    [Fact]
    public async Task TrainingIsReproducibleWithASeedOnCpu()
    {
        var records = await TinyModels.TrainRecordsAsync();
        using var first = IconclassModel.Fit(BundledThesaurus.Instance, records, TinyModels.Options(seed: 5));
        using var second = IconclassModel.Fit(BundledThesaurus.Instance, records, TinyModels.Options(seed: 5));
        Assert.Equal(first.Manifest.Epochs.Select(e => e.Loss), second.Manifest.Epochs.Select(e => e.Loss));
        var record = (await TinyModels.TestRecordsAsync())[0];
        AssertSameRanking(first.Rank(record, 10), second.Rank(record, 10));
    }

    /// <summary>
    /// The same codes in the same order; scores equal up to float noise (multi-threaded BLAS may sum in another order
    /// when other tests run beside it).
    /// </summary>
    private static void AssertSameRanking(IReadOnlyList<MlNetIconclass.Retrieval.ScoredCode> expected, IReadOnlyList<MlNetIconclass.Retrieval.ScoredCode> actual)
    {
        Assert.Equal(expected.Select(c => c.Code), actual.Select(c => c.Code));
        Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 1e-5f));
    }

    [Fact]
    public async Task ModelFromAnotherLabelSetIsRefused()
    {
        using var folder = new TempFolder();
        using var fitted = IconclassModel.Fit(BundledThesaurus.Instance, await TinyModels.TrainRecordsAsync(), TinyModels.Options());
        var path = folder.File("model.iconclass");
        fitted.Save(path);
        var dutchOnly = MlNetIconclass.Thesaurus.IconclassThesaurus.LoadBundled(["nl"]);
        var error = Assert.Throws<InvalidDataException>(() => IconclassModel.Load(path, dutchOnly));
        Assert.Contains("another label set", error.Message);
    }

    [Fact]
    public async Task EstimatorFitsAndTransformAppendsRankedCodes()
    {
        var mlContext = new MLContext(seed: 1);
        var train = mlContext.Data.LoadArtworks(await TinyModels.TrainRecordsAsync());
        var estimator = mlContext.Iconclass().DualEncoder(BundledThesaurus.Instance, TinyModels.Options(), top: 5);

        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(new SchemaShape([])));
        Assert.Contains("'Id'", missing.Message);

        using var transformer = estimator.Fit(train);
        var scored = transformer.Transform(mlContext.Data.LoadArtworks(await TinyModels.TestRecordsAsync()));
        var rows = mlContext.Data.CreateEnumerable<ScoredArtworkRow>(scored, reuseRowObject: false).ToArray();
        Assert.Equal(10, rows.Length);
        Assert.All(rows, row =>
        {
            Assert.Equal(5, row.PredictedCodes.Length);
            Assert.Equal(row.Scores.OrderByDescending(s => s), row.Scores);
        });
    }
}
