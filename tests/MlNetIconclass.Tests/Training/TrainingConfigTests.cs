using MlNetIconclass.Collections;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Training;

public class TrainingConfigTests
{
    private static TrainingConfig Load(TempFolder folder, string json) =>
        TrainingConfig.Load(folder.Write("train.json", json), BundledThesaurus.Instance);

    [Fact]
    public void StarterConfigReadsBackAsTheDefaults()
    {
        using var folder = new TempFolder();
        File.Copy(BundledSamples.RijksmuseumSuriname, folder.File("my-collection.parquet"));
        var plan = Load(folder, TrainingConfig.Starter).Plan();
        var options = plan.Options;
        var defaults = new DualEncoderOptions();

        Assert.Equal(
            (defaults.Encoder, defaults.Epochs, defaults.ThesaurusEpochs, defaults.BatchSize, defaults.QueryFields),
            (options.Encoder, options.Epochs, options.ThesaurusEpochs, options.BatchSize, options.QueryFields)
        );
        Assert.False(options.ReadsImages);
        Assert.Equal(1, options.Seed);
        Assert.Equal(0, options.ImageBackboneEpochs);
        Assert.Equal(defaults.DistillationEpochs, options.DistillationEpochs);
        Assert.Null(options.TeacherCacheFolder);
        Assert.Equal(folder.File("my-model.iconclass"), plan.ModelPath);
        Assert.Equal(folder.File("my-model-report"), plan.ReportFolder);
        Assert.Equal(TrainingSplit.Train, plan.Split);
    }

    [Fact]
    public void APlanFromAConfigHasItsPathsMadeAbsoluteFromTheConfigsFolder()
    {
        using var folder = new TempFolder();
        File.Copy(BundledSamples.RijksmuseumSuriname, folder.File("c.parquet"));
        var plan = Load(
                folder,
                """{ "data": [{ "path": "c.parquet" }], "output": "m.iconclass", "report": "r", "split": "all" }"""
            )
            .Plan();
        Assert.Equal(
            (folder.File("m.iconclass"), folder.File("r"), TrainingSplit.All),
            (plan.ModelPath, plan.ReportFolder, plan.Split)
        );
    }

    [Theory]
    [InlineData(
        """{ "data": [{ "path": "c.parquet" }], "output": "m", "encoder": "bert" }""",
        "field encoder (line 1)"
    )]
    [InlineData("""{ "data": [{ "path": "c.parquet" }], "output": "m", "epoch": 3 }""", "epoch")]
    [InlineData("""{ "data": [{ "path": "c.parquet" }], "output": "m", "epochs": "many" }""", "field epochs")]
    [InlineData("""{ "data": [{ "path": "c.parquet" }], "output": "m", "epochs": 0 }""", "epochs: must be positive")]
    [InlineData("""{ "data": [{ "path": "missing.parquet" }], "output": "m" }""", "data[0].path: '")]
    [InlineData(
        """{ "data": [{ "path": "c.parquet" }, { "path": "c.parquet", "format": "csv" }], "output": "m" }""",
        "data[1].columns: a Csv file needs its column mapping"
    )]
    [InlineData(
        """{ "data": [{ "path": "c.parquet" }], "output": "m", "languages": ["nl", "xx"] }""",
        "languages[1]: 'xx' is not a thesaurus language"
    )]
    [InlineData(
        """{ "data": [{ "path": "c.parquet" }], "output": "m", "priorCollections": ["rkd", "louvre"] }""",
        "priorCollections[1]: 'louvre' is not a collection of the usage counts (arkyves, rijksmuseum, rkd, staedel)"
    )]
    [InlineData(
        """{ "data": [{ "path": "c.parquet" }], "output": "m", "modalities": ["text", "video"] }""",
        "field modalities[1]"
    )]
    [InlineData(
        """{ "data": [{ "path": "c.parquet" }], "output": "m", "imageBackboneEpochs": 2 }""",
        "imageBackboneEpochs: fine-tuning the vision model needs the image modality"
    )]
    [InlineData("""{ "data": [{ "path": "c.parquet" }] }""", "output: name the model file")]
    [InlineData("""{ "data": [{ "path": "c.parquet" }], "output": "m", }  x""", "train.json")]
    [InlineData("""{ "data": null, "output": "m" }""", "field data")]
    [InlineData("""{ "data": [null], "output": "m" }""", "data[0]: null")]
    [InlineData("""{ "data": [{ "path": null }], "output": "m" }""", "field data[0].path")]
    [InlineData("""{ "data": [{ "path": "c.parquet" }], "output": null }""", "field output")]
    [InlineData(
        """{ "data": [{ "path": "c.parquet" }], "output": "m", "modalities": null }""",
        "modalities: the query tower needs text"
    )]
    [InlineData("""{ "data": [{ "path": "c.parquet" }], "output": "m", "languages": [null] }""", "languages[0]")]
    [InlineData(
        """{ "data": [{ "path": "c.parquet", "format": "csv", "columns": null }], "output": "m" }""",
        "data[0].columns: a Csv file needs its column mapping"
    )]
    [InlineData(
        """
            { "data": [{ "path": "c.parquet", "format": "csv", "columns": { "titles": { "nl": null } } }],
              "output": "m" }
            """,
        "data[0].columns.titles.nl: null"
    )]
    [InlineData(
        """{ "data": [{ "path": "c.parquet", "format": "csv", "columns": { "titles": null } }], "output": "m" }""",
        "field data[0].columns.titles"
    )]
    [InlineData(
        """
            { "data": [{ "path": "c.parquet", "format": "csv",
                         "columns": { "titles": { "nl": "t" }, "codes": [null] } }], "output": "m" }
            """,
        "data[0].columns.codes[0]: null"
    )]
    [InlineData("""{ "data": [{ "path": "c.parquet" }], "output": "no/such/folder/m" }""", "output: the folder '")]
    public void MistakesNameTheirField(string json, string expected)
    {
        using var folder = new TempFolder();
        File.Copy(BundledSamples.RijksmuseumSuriname, folder.File("c.parquet"));
        var error = Assert.Throws<FormatException>(() => Load(folder, json));
        Assert.Contains(expected, error.Message);
        Assert.Contains("train.json", error.Message);
    }

    [Fact]
    public async Task CsvSourceIsReadThroughItsColumnMapping()
    {
        using var folder = new TempFolder();
        folder.Write("c.csv", "nr,titel,img,ic\nA,Een leeuw,a.jpg,25F23(LION)\nB,Paramaribo,,25I1(PARAMARIBO)\n");
        var config = Load(
            folder,
            """
            { "data": [{ "path": "c.csv", "format": "csv",
                         "columns": { "id": "nr", "titles": { "nl": "titel" }, "image": "img", "codes": ["ic"] } }],
              "output": "m.iconclass", "modalities": ["text", "image"] }
            """
        );
        var (records, problems) = await config.ReadRecordsAsync(BundledThesaurus.Instance);
        Assert.Empty(problems);
        Assert.Equal(["A", "B"], records.Select(r => r.Id));
        Assert.Equal(folder.File("a.jpg"), records[0].Image);
        Assert.True(config.Plan().Options.ReadsImages);
    }
}
