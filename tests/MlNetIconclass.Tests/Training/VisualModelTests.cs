using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Tests.Features;
using MlNetIconclass.Training;
using SkiaSharp;

namespace MlNetIconclass.Tests.Training;

/// <summary>The tiny model whose images alone tell two codes apart (<see cref="TinyImageModel"/>).</summary>
[Trait("Category", "Slow")]
public class VisualModelTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private ArtworkRecord Record(string id, SKColor color, string code, bool withTitle = true) =>
        TinyImageModel.Record(_folder.Path, id, color, code, withTitle);

    private List<ArtworkRecord> ImageRecords() => TinyImageModel.Records(_folder.Path);

    private DualEncoderOptions Options() => TinyImageModel.Options(_folder.Path);

    private static int RankOf(IReadOnlyList<ScoredCode> ranking, string code) => TinyImageModel.RankOf(ranking, code);

    /// <summary>The record's codes, its image read from the test's folder.</summary>
    private IReadOnlyList<ScoredCode> Rank(IconclassModel model, ArtworkRecord record, int count) =>
        model.Rank([record], new RankingOptions { Count = count, Images = new ImageAccess(_folder.Path) })[0].Codes;

    [Fact]
    public async Task ImageOnlyQueriesFindTheCodeTheImagesWereTrainedOn()
    {
        // The shared model was trained on these pictures (its own copies); this writes them into the test's folder
        // too, for the command line below.
        var model = TinyImageModel.Shared;
        _ = ImageRecords();
        Assert.True(model.ReadsImages);
        Assert.True(model.Manifest.ImageRecords > 0);

        var red = Record("query-red", new SKColor(230, 30, 10), "73D6", withTitle: false);
        var blue = Record("query-blue", new SKColor(10, 30, 230), "11H(JEROME)", withTitle: false);
        var redRanking = Rank(model, red, 20);
        var blueRanking = Rank(model, blue, 20);
        Assert.True(RankOf(redRanking, "73D6") < RankOf(redRanking, "11H(JEROME)"));
        Assert.True(RankOf(blueRanking, "11H(JEROME)") < RankOf(blueRanking, "73D6"));
        Assert.Contains(model.Ablations(), ranker => ranker.Name.EndsWith("image only"));
        Assert.Contains(model.Ablations(), ranker => ranker.Name.EndsWith("text only"));

        var path = _folder.File("visual.iconclass");
        model.Save(path);
        using var loaded = IconclassModel.Load(
            path,
            BundledThesaurus.Instance,
            new ModelLoadOptions { Device = ComputeDevice.Cpu }
        );
        Assert.True(loaded.ReadsImages);
        Assert.Equal(redRanking.Select(c => c.Code), Rank(loaded, red, 20).Select(c => c.Code));

        // Scored from the command line with an image root: the image outside it is the record's warning.
        string root = Directory.CreateDirectory(_folder.File("root")).FullName;
        File.Copy(_folder.File("red-0.png"), Path.Combine(root, "inside.png"));
        // Relative image paths start from the dump's folder.
        string dump = Path.Combine(root, "dump.parquet");
        await ArtworkParquet.WriteAsync(
            [
                new ArtworkRecord { Id = "inside", Image = "inside.png" },
                new ArtworkRecord { Id = "outside", Image = "../red-1.png" },
            ],
            dump
        );
        var (exitCode, _, stderr) = Cli.IconclassCli.Run(
            "score",
            "--model",
            path,
            "--input",
            dump,
            "--output",
            _folder.File("root-scored.parquet"),
            "--image-root",
            root
        );
        Assert.True(exitCode == 0, stderr);
        var scored = await MlNetIconclass.Scoring.ScoredParquet.ReadAllAsync(_folder.File("root-scored.parquet"));
        Assert.Null(scored.Single(row => row.Id == "inside").Warning);
        string warning = scored.Single(row => row.Id == "outside").Warning!;
        Assert.Contains("record 'outside', image: ", warning);
        Assert.Contains("red-1.png' is outside the image root", warning);
    }

    [Fact]
    public async Task FineTunedBackboneTravelsInTheModelFileAndRanksTheSameAfterLoading()
    {
        var options = Options();
        options.ImageBackboneEpochs = 1;
        var log = new List<string>();
        var records = (await TinyModels.TrainRecordsAsync()).Concat(ImageRecords()).ToList();
        using var model = IconclassTrainer.Fit(BundledThesaurus.Instance, records, options, log.Add);
        Assert.Equal(1, model.Manifest.ImageBackboneEpochs);
        Assert.Contains(log, line => line.StartsWith("image backbone epoch 1/1"));
        var images = model.ReadImages(new ImageAccess(_folder.Path))!;
        Assert.StartsWith($"{ImageModelOptions.ResNet18.Name}-finetuned-", images.Featurizer.Model.Name);

        var red = Record("query-red", new SKColor(230, 30, 10), "73D6", withTitle: false);
        var redRanking = Rank(model, red, 20);
        Assert.True(RankOf(redRanking, "73D6") < RankOf(redRanking, "11H(JEROME)"));

        var path = _folder.File("fine-tuned.iconclass");
        model.Save(path);
        using var loaded = IconclassModel.Load(
            path,
            BundledThesaurus.Instance,
            new ModelLoadOptions { Device = ComputeDevice.Cpu }
        );
        var loadedImages = loaded.ReadImages(new ImageAccess(_folder.Path))!;
        Assert.Equal(images.Featurizer.Model.Name, loadedImages.Featurizer.Model.Name);
        Assert.Equal(images.For(red), loadedImages.For(red));
        Assert.Equal(redRanking.Select(c => c.Code), Rank(loaded, red, 20).Select(c => c.Code));
    }

    [Fact]
    public void RecordWithABrokenImageIsRankedOnItsText()
    {
        var model = TinyImageModel.Shared;
        var textOnly = new ArtworkRecord { Id = "SK-9", Titles = [new LocalizedText("nl", "Gezicht op Paramaribo")] };
        var broken = new ArtworkRecord
        {
            Id = "SK-9",
            Titles = textOnly.Titles,
            Image = _folder.Write("broken.jpg", "not a jpeg"),
        };

        var ranked = model.Rank([textOnly, broken], new RankingOptions());
        Assert.Equal(ranked[0].Codes, ranked[1].Codes);
        Assert.Empty(ranked[0].Problems);
        var problem = Assert.Single(ranked[1].Problems);
        Assert.Equal("image", problem.Field);
        Assert.Contains("record 'SK-9'", problem.Message);
        Assert.Contains("broken.jpg", problem.Message);
    }

    [Fact]
    public async Task CollectionWithoutImagesGivesATextOnlyModel()
    {
        var log = new List<string>();
        using var model = IconclassTrainer.Fit(
            BundledThesaurus.Instance,
            await TinyModels.TrainRecordsAsync(),
            Options(),
            log.Add
        );
        Assert.False(model.ReadsImages);
        Assert.Contains(log, line => line.Contains("stays text-only"));
    }
}
