using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Training;

/// <summary>
/// The evaluator refuses a model whose training read any record it is asked to test on, however it read it: a
/// zero-shot model remembers no record, yet its image projection was fitted to the records it was given.
/// </summary>
public class EvaluationGuardTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void AZeroShotImageModelTrainedOnEveryRecordIsRefused()
    {
        using var folder = new TempFolder();
        var records = TinyImageModel.Records(folder.Path);
        var testIds = records.Where(r => ProtocolSplit.IsTest(r.Id)).Select(r => r.Id).ToArray();
        Assert.NotEmpty(testIds);
        var options = TinyImageModel.Options(folder.Path);
        options.UseCollection = false;

        using var model = IconclassTrainer.Fit(BundledThesaurus.Instance, records, options);
        Assert.Empty(model.MemoryIds);
        Assert.Contains(model.Manifest.Seen, part => part.Part == "image projection" && part.Count > 0);
        Assert.StartsWith($"{testIds.Length} records of the protocol's test split", model.Manifest.Split);
        model.Save(folder.File("zero-shot.iconclass"));
        using var loaded = IconclassModel.Load(folder.File("zero-shot.iconclass"), BundledThesaurus.Instance);
        Assert.Superset(testIds.ToHashSet(), loaded.SeenRecordIds.ToHashSet());

        var refused = Assert.Throws<ArgumentException>(() =>
            new Evaluator(BundledThesaurus.Instance).Evaluate(
                records,
                new EvaluationOptions { Baselines = false },
                _ => loaded.UnderTest(images: new ImageAccess(folder.Path))
            )
        );
        Assert.Contains($"read {testIds.Length} of the {testIds.Length} records", refused.Message);
    }
}
