using Microsoft.ML;
using MlNetIconclass.Models;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Tests.Models;

/// <summary>docs/library.md's PredictionEngine example, as written there (keep the two the same).</summary>
public class ReadmeExampleTests
{
    public class Artwork
    {
        public string[] Titles { get; set; } = [];
        public string[] TitleLanguages { get; set; } = [];
        public string[] Descriptions { get; set; } = [];
        public string[] DescriptionLanguages { get; set; } = [];
        public string Image { get; set; } = "";
    }

    public class Codes
    {
        public string[] PredictedCodes { get; set; } = [];
        public float[] Scores { get; set; } = [];
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void PredictionEngineExampleRuns()
    {
        using var folder = new TempFolder();
        string path = folder.File("iconclass-pipeline.zip");

        // --- docs/library.md's example, from here
        var mlContext = new MLContext(seed: 1);
        var thesaurus = IconclassThesaurus.LoadBundled();
        // Before mlContext.Model.Load, as ML.NET custom components need.
        mlContext.ComponentCatalog.RegisterIconclass(thesaurus);

        // The bundled model as an ML.NET transformer, saved in an ML.NET model file like any other.
        using (var transformer = mlContext.Iconclass().LoadModel(BundledModels.Default, thesaurus, top: 5))
        {
            var schema = mlContext.Data.LoadFromEnumerable(Array.Empty<Artwork>()).Schema;
            mlContext.Model.Save(transformer, schema, path);
        }

        var model = mlContext.Model.Load(path, out _);
        var engine = mlContext.Model.CreatePredictionEngine<Artwork, Codes>(model);
        var codes = engine.Predict(new Artwork { Titles = ["Gezicht op een suikerplantage"], TitleLanguages = ["nl"] });
        // codes.PredictedCodes: 25K182, 47A12, ...; codes.Scores: 0.89, 0.29, ...
        // --- to here

        Assert.Equal(5, codes.PredictedCodes.Length);
        Assert.Equal("25K182", codes.PredictedCodes[0]);
        Assert.Equal("47A12", codes.PredictedCodes[1]);
        Assert.Equal(0.89f, codes.Scores[0], 0.01f);
        Assert.Equal(0.29f, codes.Scores[1], 0.01f);
        (model as IDisposable)?.Dispose();
    }
}
