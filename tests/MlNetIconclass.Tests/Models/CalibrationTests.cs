using System.IO.Compression;
using MlNetIconclass.Collections;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Scoring;
using MlNetIconclass.Tests.Scoring;
using MlNetIconclass.Tests.Training;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Models;

/// <summary>A trained model's scores are probabilities, and its suggestions stop where validation said.</summary>
public class CalibrationTests
{
    private static readonly ArtworkRecord Query = new()
    {
        Id = "q",
        Titles = [new LocalizedText("nl", "Gezicht op een suikerplantage")],
    };

    [Fact]
    public void TrainingCalibratesTheScoresWithoutChangingTheRanking()
    {
        var model = TinyModels.Shared;
        Assert.NotNull(model.Manifest.Calibration);
        Assert.NotNull(model.Manifest.Suggestions);

        var calibrated = model.Rank(Query, 50);
        ICodeRanker uncalibrated = model.HasLearnedFusion
            ? new LearnedFusion(model.LinearFusion, model.Fusion!, new FusionFeatures(model.Thesaurus), "fused")
            : model.LinearFusion;
        var fused = uncalibrated.Rank(Query, 50);
        Assert.Equal(fused.Select(code => code.Code), calibrated.Select(code => code.Code));
        Assert.Equal(
            fused.Select(code => (float)model.Manifest.Calibration.Apply(code.Score)),
            calibrated.Select(code => code.Score)
        );
        Assert.All(calibrated, code => Assert.InRange(code.Score, 0, 1));
    }

    [Fact]
    public void CalibratingATrainedModelAgainGivesWhatTrainingGave()
    {
        using var again = ModelCalibration.Calibrate(TinyModels.Shared);
        Assert.Equal(TinyModels.Shared.Manifest.Suggestions, again.Manifest.Suggestions);
        var (trained, recalibrated) = (TinyModels.Shared.Manifest.Calibration!, again.Manifest.Calibration!);
        Assert.Equal(trained.Method, recalibrated.Method);
        Assert.Equal(trained.Scores, recalibrated.Scores);
        Assert.Equal(trained.Probabilities, recalibrated.Probabilities);
        Assert.Equal(TinyModels.Shared.Rank(Query, 20), again.Rank(Query, 20));
    }

    [Fact]
    public async Task AModelThatRemembersNoRecordsIsCalibratedOnTheRecordsItIsGivenAndOnlyOnThose()
    {
        // As the pretrained model: the tiny model with its memory emptied.
        using var folder = new TempFolder();
        string path = folder.File("forgetful.iconclass");
        TinyModels.Shared.Save(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry("memory.jsonl")!.Delete();
            zip.CreateEntry("memory.jsonl").Open().Dispose();
        }
        using var forgetful = TinyModels.Load(path);
        Assert.Empty(forgetful.MemoryIds);
        var refused = Assert.Throws<ArgumentException>(() => ModelCalibration.Calibrate(forgetful));
        Assert.Contains("remembers no validation records", refused.Message);

        var records = await TinyModels.TrainRecordsAsync();
        using var calibrated = ModelCalibration.Calibrate(forgetful, validation: records);
        Assert.NotNull(calibrated.Manifest.Calibration);
        Assert.Equal(
            forgetful.Rank(Query, 20).Select(code => code.Code),
            calibrated.Rank(Query, 20).Select(code => code.Code)
        );
        // A model that remembers records is calibrated on its own validation records, not on others.
        Assert.Throws<ArgumentException>(() => ModelCalibration.Calibrate(TinyModels.Shared, validation: records));
    }

    [Fact]
    public async Task ScoringWritesNoCodeBelowTheThreshold()
    {
        using var folder = new TempFolder();
        var (scorer, dump) = await BatchScorerTests.DumpAsync(folder);
        var all = await BatchScorerTests.ScoreAsync(scorer, dump, folder.File("all.parquet"));
        var kept = await BatchScorerTests.ScoreAsync(
            scorer,
            dump,
            folder.File("kept.parquet"),
            new ScoringOptions { Top = 5, Threshold = 0.5 }
        );
        Assert.All(kept, row => Assert.All(row.Scores, score => Assert.True(score >= 0.5)));
        Assert.Equal(
            all.Select(row => row.Codes.Where((_, i) => row.Scores[i] >= 0.5)),
            kept.Select(row => (IEnumerable<string>)row.Codes)
        );
        Assert.Throws<ArgumentException>(() => new ScoringOptions { Threshold = 1.5 });
    }

    [Fact]
    public async Task ScoringWithExplainWritesAnExplanationPerCodeAndRefusesARankerThatCannotSay()
    {
        using var folder = new TempFolder();
        string dump = folder.File("dump.parquet");
        await ArtworkParquet.WriteAsync((await TinyModels.TestRecordsAsync()).Take(3).ToList(), dump);
        var scorer = new BatchScorer(TinyModels.Shared, BundledThesaurus.Instance);
        await scorer.ScoreAsync(
            ScoringInput.Parquet(dump),
            folder.File("explained.parquet"),
            new ScoringOptions { Top = 2, Explain = true }
        );
        var rows = await ScoredParquet.ReadAllAsync(folder.File("explained.parquet"));
        Assert.All(
            rows,
            row =>
            {
                Assert.Equal(row.Codes.Count, row.Explanations!.Count);
                var first = System.Text.Json.Nodes.JsonNode.Parse(row.Explanations[0])!;
                Assert.Equal(row.Codes[0], (string)first["code"]!);
                Assert.NotNull(first["shares"]!["dense"]);
            }
        );

        var (knnScorer, knnDump) = await BatchScorerTests.DumpAsync(folder);
        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            knnScorer.ScoreAsync(
                ScoringInput.Parquet(knnDump),
                folder.File("knn.parquet"),
                new ScoringOptions { Explain = true }
            )
        );
        Assert.Contains("--explain", refused.Message);
    }
}
