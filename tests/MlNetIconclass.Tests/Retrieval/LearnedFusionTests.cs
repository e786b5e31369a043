using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Tests.Training;
using MlNetIconclass.Thesaurus;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Retrieval;

/// <summary>
/// The learned fusion: its trees score as ML.NET does, it travels in the model file and ranks the same after loading,
/// a broken ranker is refused by name, a collection too small keeps the linear fusion, and the tree features count
/// the votes of a candidate's relatives.
/// </summary>
public class LearnedFusionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private sealed class Row
    {
        public float Label { get; set; }
        public uint Group { get; set; }
        public float[] Features { get; set; } = [];
    }

    /// <summary>
    /// A LightGBM ranker fitted on random candidates whose relevance follows the dense score, with the schema it
    /// reads, and a few rows to score.
    /// </summary>
    private static (MLContext Ml, ITransformer Ranker, IDataView Data, Row[] Rows) FitSynthetic()
    {
        var random = new Random(7);
        var rows = new List<Row>();
        for (uint query = 1; query <= 60; query++)
        for (int candidate = 0; candidate < 30; candidate++)
        {
            var features = Enumerable.Range(0, FusionFeatures.Count).Select(_ => (float)random.NextDouble()).ToArray();
            rows.Add(
                new Row
                {
                    Label = features[0] > 0.8f ? 1 : 0,
                    Group = query,
                    Features = features,
                }
            );
        }
        var ml = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(
            NumberDataViewType.Single,
            FusionFeatures.Count
        );
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var fitted = ml
            .Transforms.Conversion.MapValueToKey("GroupKey", nameof(Row.Group))
            .Append(
                ml.Ranking.Trainers.LightGbm(
                    new LightGbmRankingTrainer.Options
                    {
                        RowGroupColumnName = "GroupKey",
                        LabelColumnName = nameof(Row.Label),
                        FeatureColumnName = nameof(Row.Features),
                        NumberOfLeaves = 7,
                        NumberOfIterations = 30,
                        NumberOfThreads = 1,
                        Silent = true,
                    }
                )
            )
            .Fit(data);
        return (ml, fitted.LastTransformer, data, rows.Take(200).ToArray());
    }

    [Fact]
    public void TheTreesScoreAsMlNetTransformDoes()
    {
        var (ml, ranker, data, rows) = FitSynthetic();
        var trees = FusionTrees.FromFitted(ml, ranker, data.Schema);
        var expected = ranker.Transform(data).GetColumn<float>("Score").Take(rows.Length).ToArray();
        var actual = rows.Select(row => trees.Score(row.Features)).ToArray();
        Assert.InRange(trees.TreeCount, 2, 30);
        Assert.Equal(rows.Length, expected.Length);
        for (int i = 0; i < rows.Length; i++)
            Assert.Equal(expected[i], actual[i], 1e-5f);
        // It learned what makes a candidate relevant: the first feature above 0.8.
        Assert.True(
            rows.Where(row => row.Features[0] > 0.8f).Average(row => trees.Score(row.Features))
                > rows.Where(row => row.Features[0] < 0.7f).Average(row => trees.Score(row.Features)) + 0.5
        );
    }

    /// <summary>The tiny model saved with a learned fusion: the manifest says so and the ranker is added.</summary>
    private string WithFusion(Action<ZipArchive>? writeRanker = null)
    {
        string path = _folder.File($"fused-{Guid.NewGuid():N}.iconclass");
        TinyModels.Shared.Save(path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        JsonObject manifest;
        using (var stream = zip.GetEntry("manifest.json")!.Open())
            manifest = JsonNode.Parse(stream)!.AsObject();
        manifest["Fusion"] = JsonNode.Parse("""{ "Learned": true, "Reason": "a test" }""");
        zip.GetEntry("manifest.json")!.Delete();
        using (var stream = zip.CreateEntry("manifest.json").Open())
            stream.Write(System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        (
            writeRanker
            ?? (
                archive =>
                {
                    var (ml, ranker, data, _) = FitSynthetic();
                    using var stream = archive.CreateEntry(FusionTrees.Entry).Open();
                    ml.Model.Save(ranker, data.Schema, stream);
                }
            )
        )(zip);
        return path;
    }

    private static IconclassModel Load(string path) =>
        IconclassModel.Load(path, BundledThesaurus.Instance, new ModelLoadOptions { Device = ComputeDevice.Cpu });

    [Fact]
    public async Task AModelWithALearnedFusionRanksTheSameAfterSavingAndLoadingAgain()
    {
        var records = await TinyModels.TestRecordsAsync();
        using var model = Load(WithFusion());
        Assert.True(model.HasLearnedFusion);
        Assert.IsType<LearnedFusion>(Assert.IsType<CalibratedRanker>(model.Ranker).Uncalibrated);
        Assert.Equal(1, model.ScoreBound);
        string again = _folder.File("again.iconclass");
        model.Save(again);
        using var loaded = Load(again);

        var first = model.RankBatch(records, 20);
        var second = loaded.RankBatch(records, 20);
        for (int i = 0; i < records.Count; i++)
            Assert.Equal(first[i], second[i]);
        // The ranker reorders the linear fusion's candidates, scores in [0, 1] falling along the list.
        var linear = model.LinearFusion.RankBatch(records, 20);
        Assert.Contains(Enumerable.Range(0, records.Count), i => !first[i].SequenceEqual(linear[i]));
        foreach (var ranking in first)
        {
            Assert.All(ranking, code => Assert.InRange(code.Score, 0f, 1f));
            Assert.Equal(ranking.Select(c => c.Score).OrderDescending(), ranking.Select(c => c.Score));
        }
        // A record with neither text nor image keeps the linear ranking (the most frequent codes, with a warning),
        // its scores calibrated.
        var empty = new ArtworkRecord { Id = "empty" };
        Assert.Equal(
            model.LinearFusion.Rank(empty, 10).Select(code => code.Code),
            model.Rank(empty, 10).Select(code => code.Code)
        );
        // The ablations set the linear fusion beside the learned one.
        Assert.Contains(model.Ablations(), ranker => ranker.Name == "dual-encoder, linear fusion");
    }

    [Fact]
    public async Task FeatureGroupAblationsRefitTheRankerWithoutEachGroup()
    {
        using var model = Load(WithFusion());
        var ablations = LearnedFusionTrainer.FeatureGroupAblations(model);
        Assert.Equal(
            Enum.GetValues<FusionFeatureGroup>().Select(group => $"dual-encoder without {group} features"),
            ablations.Select(ranker => ranker.Name)
        );
        var record = (await TinyModels.TestRecordsAsync())[0];
        Assert.All(ablations, ranker => Assert.NotEmpty(ranker.Rank(record, 10)));
        Assert.Empty(LearnedFusionTrainer.FeatureGroupAblations(TinyModels.Shared));
    }

    [Fact]
    public async Task AModelWithALearnedFusionAndNoMemoryHasNoFeatureGroupAblationsAndRanks()
    {
        // As the pretrained model: its fusion was fitted on validation records it does not keep.
        string path = WithFusion();
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry("memory.jsonl")!.Delete();
            zip.CreateEntry("memory.jsonl").Open().Dispose();
        }
        using var model = Load(path);
        Assert.Empty(model.Memory.Items);
        Assert.Empty(LearnedFusionTrainer.FeatureGroupAblations(model));
        Assert.NotEmpty(model.Rank((await TinyModels.TestRecordsAsync())[0], 10));
    }

    [Fact]
    public void ACorruptRankerIsRefusedNamingThePart()
    {
        string path = WithFusion(zip =>
        {
            using var stream = zip.CreateEntry(FusionTrees.Entry).Open();
            stream.Write("not a zip at all"u8);
        });
        var error = Assert.Throws<InvalidDataException>(() => Load(path));
        Assert.Contains("is not a usable MlNetIconclass model", error.Message);
        Assert.Contains("fusion-ranker.zip: not a readable ML.NET model", error.Message);
    }

    [Fact]
    public void AMissingRankerIsRefusedNamingThePart()
    {
        var error = Assert.Throws<InvalidDataException>(() => Load(WithFusion(_ => { })));
        Assert.Contains("is not a usable MlNetIconclass model: fusion-ranker.zip is missing", error.Message);
    }

    [Fact]
    public async Task TheRankersShapeIsChosenOutOfFoldAndRecordedInTheManifest()
    {
        var model = TinyModels.Shared;
        var known = model.MemoryIds.ToHashSet();
        var validation = new LabeledRecords(
            (await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname))
                .Where(r => r.Codes.Count > 0 && !ProtocolSplit.IsTest(r.Id) && !known.Contains(r.Id))
                .Take(120),
            GoldCodeNormalizer.Strict(model.Thesaurus)
        );

        var (trees, choice, _) = LearnedFusionTrainer.Fit(
            model.LinearFusion,
            validation,
            ValidationContext.Of(model, null, CancellationToken.None),
            seed: 1
        );

        Assert.True(choice.Queries >= LearnedFusionTrainer.MinimumQueries, choice.Reason);
        // Every shape tried is named with its figure, and the one kept is the best of them.
        var tried = LearnedFusionTrainer
            .Shapes.Select(shape =>
                System.Text.RegularExpressions.Regex.Match(choice.Reason, $@"{shape}: (\d\.\d{{3}})")
            )
            .Select(match => match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1)
            .ToArray();
        Assert.DoesNotContain(-1, tried);
        Assert.Equal(tried.Max(), choice.LearnedObjective, 3);
        if (choice.Learned)
        {
            var best = LearnedFusionTrainer.Shapes.Where((_, k) => tried[k] == tried.Max());
            Assert.Contains((choice.Leaves, choice.Trees), best.Select(shape => (shape.Leaves, shape.Trees)));
            Assert.InRange(trees!.TreeCount, 1, choice.Trees);
        }
        else
            Assert.Null(trees);
    }

    [Fact]
    public void ACollectionTooSmallKeepsTheLinearFusionAndSaysWhy()
    {
        var choice = TinyModels.Shared.Manifest.Fusion!;
        Assert.False(choice.Learned);
        Assert.Contains($"fewer than the {LearnedFusionTrainer.MinimumQueries} a learned fusion needs", choice.Reason);
        Assert.False(TinyModels.Shared.HasLearnedFusion);
        Assert.IsType<HybridRanker>(Assert.IsType<CalibratedRanker>(TinyModels.Shared.Ranker).Uncalibrated);
    }

    [Fact]
    public void TreeFeaturesCountTheVotesOfACandidatesRelatives()
    {
        var scores = new ComponentScores();
        scores.Set(HybridComponent.Memory, "73D61", 0.3f);
        scores.Set(HybridComponent.Memory, "73D62", 0.2f);
        scores.Set(HybridComponent.LexicalMemory, "73D6", 0.1f);
        scores.Set(HybridComponent.Dense, "73D61", 0.4f);
        scores.Set(HybridComponent.Dense, "73D62", 0.7f);
        ScoredCode[] candidates = [new("73D61", 3), new("73D62", 2), new("73D6", 1)];
        var features = new float[candidates.Length * FusionFeatures.Count];
        new FusionFeatures(BundledThesaurus.Instance).Write(scores, candidates, "en", features);

        float Feature(int candidate, string name) =>
            features[candidate * FusionFeatures.Count + FusionFeatures.Names.ToList().IndexOf(name)];
        Assert.Equal(0.5f, Feature(2, "descendant votes"), 1e-6f); // 73D6 gets its children's votes
        Assert.Equal(0.1f, Feature(0, "ancestor votes"), 1e-6f); // 73D61 gets its parent's
        Assert.Equal(0.2f, Feature(0, "sibling votes"), 1e-6f); // and its sibling's
        Assert.Equal(0.7f, Feature(2, "best child dense"), 1e-6f);
        Assert.Equal(2, Feature(0, "components proposing"));
        Assert.Equal(1f / 3, Feature(2, "linear reciprocal rank"), 1e-6f);

        var off = new HashSet<FusionFeatureGroup> { FusionFeatureGroup.Hierarchy };
        new FusionFeatures(BundledThesaurus.Instance).Write(scores, candidates, "en", features, off);
        Assert.Equal(0, Feature(2, "descendant votes"));
        Assert.Equal(2, Feature(0, "components proposing"));
    }
}
