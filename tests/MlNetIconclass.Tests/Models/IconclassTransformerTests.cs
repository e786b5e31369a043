using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetIconclass.Collections;
using MlNetIconclass.Models;
using MlNetIconclass.Tests.Training;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Models;

/// <summary>The Iconclass transformer behaves as ML.NET components do.</summary>
public class IconclassTransformerTests
{
    private static async Task<IDataView> TestRows(MLContext mlContext) =>
        mlContext.Data.LoadArtworks(await TinyModels.TestRecordsAsync());

    [Fact]
    public async Task TransformKeepsTheInputColumnsAndRanksAsTheModelDoes()
    {
        var mlContext = new MLContext(seed: 1);
        var transformer = new IconclassTransformer(TinyModels.Shared, top: 5);
        var input = await TestRows(mlContext);
        var scored = transformer.Transform(input);

        Assert.Equal(
            input.Schema.Select(c => c.Name).Concat(["PredictedCodes", "Scores", "Problems"]),
            scored.Schema.Select(c => c.Name)
        );
        Assert.Equal(new VectorDataViewType(TextDataViewType.Instance), scored.Schema["PredictedCodes"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single), scored.Schema["Scores"].Type);
        Assert.Equal(scored.Schema, transformer.GetOutputSchema(input.Schema));
        var rows = mlContext.Data.CreateEnumerable<ScoredArtworkRow>(scored, reuseRowObject: false).ToArray();
        var records = await TinyModels.TestRecordsAsync();
        Assert.Equal(records.Select(r => r.Id), rows.Select(r => r.Id));
        var expected = TinyModels.Shared.RankBatch(records, 5);
        Assert.Equal(expected.Select(ranking => ranking.Select(c => c.Code)), rows.Select(r => r.PredictedCodes));
        Assert.All(rows, row => Assert.Equal(row.Scores.OrderByDescending(s => s), row.Scores));
    }

    [Fact]
    public void EachRowSaysWhatItsRankingCouldNotUse()
    {
        var mlContext = new MLContext(seed: 1);
        // Not disposed: disposing an engine disposes its transformer, and with it the shared model.
        var engine = mlContext.Model.CreatePredictionEngine<ArtworkRow, IconclassPrediction>(
            new IconclassTransformer(TinyModels.Shared, top: 3)
        );
        var plain = engine.Predict(
            new ArtworkRow
            {
                Id = "a",
                Titles = ["Plantage"],
                TitleLanguages = ["nl"],
            }
        );
        var unknown = engine.Predict(
            new ArtworkRow
            {
                Id = "b",
                Titles = ["Plantage"],
                TitleLanguages = ["xx"],
            }
        );

        Assert.Equal(3, plain.PredictedCodes.Length);
        Assert.Empty(plain.Problems);
        Assert.Equal(["record 'b': 'xx' is not a thesaurus language; ranked in English"], unknown.Problems);
    }

    [Fact]
    public async Task ACursorThatReadsNoCodesRanksNothing()
    {
        var mlContext = new MLContext(seed: 1);
        var scored = new IconclassTransformer(TinyModels.Shared).Transform(await TestRows(mlContext));
        using var cursor = scored.GetRowCursor([scored.Schema["Id"]]);
        var id = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["Id"]);
        var ids = new List<string>();
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            id(ref value);
            ids.Add(value.ToString());
        }
        Assert.Equal(10, ids.Count);
        Assert.False(cursor.IsColumnActive(scored.Schema["PredictedCodes"]));
    }

    [Fact]
    public void ACustomThesaurusRegisteredBeforeIconclassIsKept()
    {
        var mlContext = new MLContext(seed: 1);
        var custom = BundledThesaurus.Instance.WithCollectionLabels(["25F23(LION)"]);
        mlContext.ComponentCatalog.RegisterIconclass(custom);
        mlContext.Iconclass();
        Assert.Same(custom, MlNetPersistence.ThesaurusFor(mlContext.ComponentCatalog));

        // A thesaurus registered later does replace it.
        var other = BundledThesaurus.Instance.WithCollectionLabels(["25F23(DOG)"]);
        mlContext.ComponentCatalog.RegisterIconclass(other);
        Assert.Same(other, MlNetPersistence.ThesaurusFor(mlContext.ComponentCatalog));
    }

    [Fact]
    public void ColumnsAreCheckedWithMlNetSchemaErrors()
    {
        var mlContext = new MLContext(seed: 1);
        var transformer = new IconclassTransformer(TinyModels.Shared);
        var noTitles = mlContext.Data.LoadFromEnumerable(new[] { new { Id = "a" } });
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Transform(noTitles));
        Assert.Contains("Could not find input column 'Titles'", missing.Message);
        Assert.Equal("inputSchema", missing.ParamName);

        var scalarTitles = mlContext.Data.LoadFromEnumerable(
            new[]
            {
                new TitleAsText { Titles = "Plantage", TitleLanguages = ["nl"] },
            }
        );
        var mismatch = Assert.Throws<ArgumentOutOfRangeException>(() =>
            transformer.GetOutputSchema(scalarTitles.Schema)
        );
        Assert.Contains(
            "Schema mismatch for input column 'Titles': expected Vector<String>, got String",
            mismatch.Message
        );

        var estimator = mlContext.Iconclass().DualEncoder(BundledThesaurus.Instance, TinyModels.Options());
        var noCodes = mlContext.Data.LoadFromEnumerable(
            new[]
            {
                new
                {
                    Id = "a",
                    Titles = new[] { "x" },
                    TitleLanguages = new[] { "nl" },
                },
            }
        );
        Assert.Contains(
            "Could not find input column 'Codes'",
            Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(noCodes)).Message
        );
        // The artwork columns as a SchemaShape (whose columns only ML.NET's own estimators make).
        var artworkShape = mlContext
            .Transforms.CustomMapping<Empty, ArtworkRow>((_, _) => { }, contractName: null)
            .GetOutputSchema(new SchemaShape([]));
        var shape = estimator.GetOutputSchema(artworkShape);
        Assert.Contains(
            shape,
            column => column.Name == "PredictedCodes" && column.Kind == SchemaShape.Column.VectorKind.VariableVector
        );
    }

    private sealed class Empty;

    private sealed class TitleAsText
    {
        public string Titles { get; set; } = "";
        public string[] TitleLanguages { get; set; } = [];
    }

    /// <summary>
    /// The whole ML.NET round trip: a pipeline that holds the estimator is fitted, saved with mlContext.Model.Save,
    /// loaded in a fresh context, and a PredictionEngine from the loaded model gives the codes Transform gave.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task PipelineSavesAndLoadsThroughMlNetAndItsPredictionEngineRanksAsTransform()
    {
        using var folder = new TempFolder();
        var mlContext = new MLContext(seed: 1);
        var train = mlContext.Data.LoadArtworks(await TinyModels.TrainRecordsAsync());
        var pipeline = mlContext
            .Transforms.CopyColumns("OriginalTitles", nameof(ArtworkRow.Titles))
            .Append(mlContext.Iconclass().DualEncoder(BundledThesaurus.Instance, TinyModels.Options(), top: 8));
        var fitted = pipeline.Fit(train);
        var test = await TestRows(mlContext);
        var transformed = mlContext
            .Data.CreateEnumerable<ScoredArtworkRow>(fitted.Transform(test), reuseRowObject: false)
            .ToArray();
        mlContext.Model.Save(fitted, train.Schema, folder.File("pipeline.zip"));

        var fresh = new MLContext(seed: 2);
        fresh.ComponentCatalog.RegisterIconclass(BundledThesaurus.Instance);
        var loaded = fresh.Model.Load(folder.File("pipeline.zip"), out var inputSchema);
        Assert.Equal(train.Schema.Select(c => c.Name), inputSchema.Select(c => c.Name));
        var engine = fresh.Model.CreatePredictionEngine<ArtworkRow, IconclassPrediction>(loaded);
        foreach (var (record, expected) in (await TinyModels.TestRecordsAsync()).Zip(transformed))
        {
            var prediction = engine.Predict(ArtworkRow.From(record));
            Assert.Equal(expected.PredictedCodes, prediction.PredictedCodes);
            Assert.Equal(expected.Scores, prediction.Scores, (a, b) => Math.Abs(a - b) <= 1e-5f);
        }
        (fitted as IDisposable)?.Dispose();
        (loaded as IDisposable)?.Dispose();
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task TheContextSeedIsTheDefaultSeed()
    {
        var records = await TinyModels.TrainRecordsAsync();
        EpochReportSummary Train(int contextSeed)
        {
            var mlContext = new MLContext(seed: contextSeed);
            var options = TinyModels.Options();
            options.Seed = null;
            using var transformer = mlContext
                .Iconclass()
                .DualEncoder(BundledThesaurus.Instance, options)
                .Fit(mlContext.Data.LoadArtworks(records));
            return new EpochReportSummary(
                transformer.Model.Manifest.Seed,
                transformer.Model.Manifest.Epochs.Select(e => e.Loss).ToArray()
            );
        }
        var first = Train(7);
        var second = Train(7);
        Assert.Equal(first.Seed, second.Seed);
        Assert.Equal(first.Losses, second.Losses);
        Assert.NotEqual(first.Seed, Train(8).Seed);
    }

    private sealed record EpochReportSummary(int Seed, double[] Losses);

    [Fact]
    public async Task FitTakesACancellation()
    {
        var mlContext = new MLContext(seed: 1);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var estimator = mlContext.Iconclass().DualEncoder(BundledThesaurus.Instance, TinyModels.Options());
        var train = mlContext.Data.LoadArtworks(await TinyModels.TrainRecordsAsync());
        Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(train, cancellation.Token));
    }
}
