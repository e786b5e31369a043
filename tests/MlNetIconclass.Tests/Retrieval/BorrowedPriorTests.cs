using System.IO.Compression;
using MlNetIconclass.Collections;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Tests.Training;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Tests.Retrieval;

/// <summary>The prior a model that remembers no records borrows from other collections' usage counts.</summary>
public class BorrowedPriorTests
{
    private static UsageCounts TinyUsage(TempFolder folder)
    {
        string path = folder.File("usage.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var writer = new StreamWriter(zip.CreateEntry("museum-counts.csv").Open()))
            writer.Write("notation,count\n61B2(RUBENS),5\n61B2,3\n31D14:31D15,2\nnot a notation,4\n");
        return UsageCounts.Load(path);
    }

    [Fact]
    public void UsesAreReadOntoTheLabelSpace()
    {
        using var folder = new TempFolder();
        var usage = TinyUsage(folder);
        var withName = BundledThesaurus.Instance.WithCollectionLabels(["61B2(RUBENS)"]);

        var prior = BorrowedPrior.From(usage, withName, ["museum"]);
        Assert.Equal(["museum"], prior.Collections);
        // Combined notations count once per part; what the thesaurus cannot place counts nowhere.
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["61B2(RUBENS)"] = 5,
                ["61B2"] = 3,
                ["31D14"] = 2,
                ["31D15"] = 2,
            },
            prior.Counts
        );

        // Without the name among the labels, its uses go to the label the protocol counts it as.
        var protocol = BorrowedPrior.From(usage, BundledThesaurus.Instance.WithCollectionLabels([]), ["museum"]);
        Assert.DoesNotContain("61B2(RUBENS)", protocol.Counts.Keys);
        Assert.Equal(12, protocol.Counts.Values.Sum());

        var unknown = Assert.Throws<ArgumentException>(() => BorrowedPrior.From(usage, withName, ["louvre"]));
        Assert.Contains("no collection 'louvre' (museum)", unknown.Message);
    }

    [Fact]
    public void TheHybridReadsABorrowedPriorInsteadOfItsMemorysFrequencies()
    {
        using var folder = new TempFolder();
        var model = TinyModels.Shared;
        var prior = BorrowedPrior.From(TinyUsage(folder), model.Thesaurus, ["museum"]);
        using var labels = new LabelIndexes(model.Thesaurus, model.Queries.Text, prior: prior);
        var record = new ArtworkRecord { Id = "r", Titles = [new("en", "a portrait")] };

        // Log uses, scaled by the most used label's; the records the model remembers (or learns) do not count.
        var (top, uses) = prior.Counts.MaxBy(c => c.Value);
        using (var components = new HybridComponents(labels, model.Queries, model.Memory))
        {
            var scores = components.Score(record);
            Assert.Equal(1, scores.Get(HybridComponent.Prior, top));
            Assert.Equal(Math.Log(1 + 2) / Math.Log(1 + uses), scores.Get(HybridComponent.Prior, "31D14"), 5);
        }

        // Without a borrowed prior (every model trained on a collection), the memory's codes are the prior.
        var remembered = model.Memory.Items.SelectMany(i => i.Labels).CountBy(l => l).MaxBy(c => c.Value).Key;
        using (var components = new HybridComponents(model.Labels, model.Queries, model.Memory))
            Assert.Equal(1, components.Score(record).Get(HybridComponent.Prior, remembered));
    }
}
