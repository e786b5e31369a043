using MlNetIconclass.Cli;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Tests.Cli;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Training;

/// <summary>
/// Training that starts from a saved model (<see cref="DualEncoderOptions.From"/>), a pretrained model ranking with no
/// training, and the transfer curve.
/// </summary>
public class WarmStartTests
{
    /// <summary>The shared tiny model, saved once for the tests that start from it.</summary>
    private static readonly Lazy<string> StartModelPath = new(() =>
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlneticonclass-start-{Guid.NewGuid():N}.iconclass");
        TinyModels.Shared.Save(path);
        return path;
    });

    private static DualEncoderOptions OneEpochFrom(string from)
    {
        var options = TinyModels.Options();
        options.From = from;
        options.Epochs = 1;
        options.ThesaurusEpochs = 0;
        options.LearnedFusion = false;
        return options;
    }

    [Fact]
    public void TheNewEncoderHoldsTheStartModelsWeights()
    {
        var thesaurus = BundledThesaurus.Instance;
        var start = StartModel.Resolve(OneEpochFrom(StartModelPath.Value), thesaurus)!;
        using var encoder = DualEncoder.Create(TinyModels.Options());
        start.LoadInto(encoder);

        var saved = start.Encoder.NgramWeights();
        var loaded = ((NgramTower)encoder.Tower).ExportWeights();
        Assert.Equal(saved.Bag, loaded.Bag);
        Assert.Equal(saved.HiddenWeight, loaded.HiddenWeight);
        Assert.Equal(saved.OutputBias, loaded.OutputBias);
        Assert.StartsWith(Path.GetFileName(StartModelPath.Value) + " (SHA-256 ", start.Description);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task AWarmStartBeginsAheadOfAColdOne()
    {
        var records = await TinyModels.TrainRecordsAsync();
        using var warm = IconclassTrainer.Fit(BundledThesaurus.Instance, records, OneEpochFrom(StartModelPath.Value));
        using var cold = IconclassTrainer.Fit(BundledThesaurus.Instance, records, OneEpochFrom(StartModel.Scratch));

        var (warmEpoch, coldEpoch) = (warm.Manifest.Epochs[0], cold.Manifest.Epochs[0]);
        Assert.True(
            warmEpoch.ValidationMrr > coldEpoch.ValidationMrr,
            $"first epoch's validation MRR from the start model {warmEpoch.ValidationMrr:0.000}, from scratch "
                + $"{coldEpoch.ValidationMrr:0.000}"
        );
        Assert.StartsWith(Path.GetFileName(StartModelPath.Value), warm.Manifest.StartModel);
        Assert.Equal(StartModel.Scratch, cold.Manifest.StartModel);
    }

    [Fact]
    public void AnIncompatibleOrMissingStartModelIsRefusedBeforeAnyWork()
    {
        var options = OneEpochFrom(StartModelPath.Value);
        options.NgramBuckets = 2048;
        var wrongShape = Assert.Throws<ArgumentException>(() =>
            IconclassTrainer.Fit(BundledThesaurus.Instance, [], options)
        );
        Assert.Contains("has 4,096 buckets, the options ask for 2,048", wrongShape.Message);

        using var folder = new TempFolder();
        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "train",
            "--output",
            folder.File("m.iconclass"),
            "--from",
            StartModelPath.Value,
            "--ngram-dimension",
            "16"
        );
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("is 32 wide, the options ask for 16", stderr);
        Assert.DoesNotContain("epoch", stdout);

        (exitCode, _, stderr) = IconclassCli.Run(
            "train",
            "--output",
            folder.File("m.iconclass"),
            "--from",
            folder.Write("not-a-model.iconclass", "text")
        );
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("not-a-model.iconclass' is not a usable MlNetIconclass model", stderr);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void AModelTrainedOnTheThesaurusAloneBorrowsAPriorRanksGermanTitlesAndHasNoHybridToRetune()
    {
        using var folder = new TempFolder();
        var options = TinyModels.Options();
        options.UseCollection = false;
        options.Languages = ["de"];
        options.ThesaurusExamplesPerEpoch = 2000;
        IReadOnlyDictionary<string, long> prior;
        using (var model = IconclassTrainer.Fit(BundledThesaurus.Instance, [], options))
        {
            model.Save(folder.File("pretrained.iconclass"));
            // Remembering no records, it borrows its prior from the usage counts of the other collections.
            Assert.Equal(DualEncoderOptions.DefaultPriorCollections, model.Labels.Prior.Collections);
            prior = model.Labels.Prior.Counts;
            Assert.True(prior["31D14"] > 0);
            // It remembers no validation records to choose its hybrid on again.
            var refused = Assert.Throws<ArgumentException>(() => HybridRetuning.Retune(model));
            Assert.Contains("remembers no validation records", refused.Message);
        }
        using (var loaded = TinyModels.Load(folder.File("pretrained.iconclass")))
            Assert.Equal(prior, loaded.Labels.Prior.Counts);

        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "predict",
            "--model",
            folder.File("pretrained.iconclass"),
            "--title",
            "de=Die Kreuzigung Christi",
            "--top",
            "20"
        );
        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.DoesNotContain("warning", stderr);
        // Ranked against, and answered with, the German definitions.
        Assert.Contains("Kreuz", stdout);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task TheTransferCurveRunsOnATinyCollection()
    {
        using var folder = new TempFolder();
        var records = (await TinyModels.TrainRecordsAsync()).Take(60).Concat(await TinyModels.TestRecordsAsync());
        await ArtworkParquet.WriteAsync(records, folder.File("tiny.parquet"));

        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "train",
            "--learning-curve",
            "--data",
            folder.File("tiny.parquet"),
            "--from",
            StartModelPath.Value,
            "--ngram-buckets",
            "4096",
            "--ngram-dimension",
            "32",
            "--epochs",
            "1",
            "--thesaurus-epochs",
            "0",
            "--distillation-epochs",
            "0",
            "--thesaurus-examples",
            "200",
            "--languages",
            "nl",
            "--learned-fusion",
            "false",
            "--report",
            folder.File("curve")
        );
        Assert.True(exitCode == ExitCodes.Success, stderr);
        var table = File.ReadAllText(folder.File("curve/transfer-curve.md"));
        // The shares collapse to 0 and all of the tiny collection's training records.
        Assert.Equal(4, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("| 0 |", table);
        Assert.Equal(
            [0x89, (byte)'P', (byte)'N', (byte)'G'],
            File.ReadAllBytes(folder.File("curve/transfer-curve.png"))[..4]
        );
        Assert.Contains("wrote the transfer curve to", stdout);
    }
}
