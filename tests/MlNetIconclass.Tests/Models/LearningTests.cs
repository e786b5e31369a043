using MlNetIconclass.Cli;
using MlNetIconclass.Collections;
using MlNetIconclass.Models;
using MlNetIconclass.Tests.Cli;
using MlNetIconclass.Tests.Training;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Models;

/// <summary>A model taught records after training: they join its memory, without retraining.</summary>
public class LearningTests : IDisposable
{
    private const string Title = "Zwarte kat op een blauwe ladder bij maanlicht";
    private const string Code = "73D6";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// A copy of the shared tiny model, loaded from a file of its own: learning takes over its parts.
    /// </summary>
    private IconclassModel LoadTiny() => TinyModels.LoadCopy(_folder).Model;

    private static ArtworkRecord Taught(string id, string code) =>
        new()
        {
            Id = id,
            Titles = [new LocalizedText("nl", Title)],
            Codes = [code],
        };

    private static int RankOf(IconclassModel model, string code)
    {
        var query = new ArtworkRecord { Id = "query", Titles = [new LocalizedText("nl", Title)] };
        var ranking = model.Rank(query, 50);
        int index = ranking.Select(c => c.Code).ToList().IndexOf(code);
        return index < 0 ? int.MaxValue : index + 1;
    }

    [Fact]
    public void ALearnedRecordChangesTheNextSuggestionAndIsSavedWithTheModel()
    {
        using var model = LoadTiny();
        int before = RankOf(model, Code);
        using var learned = model.Learn([Taught("NEW-1", Code)]);

        Assert.Equal(1, RankOf(learned, Code));
        Assert.True(before > 1, $"{Code} was already first before learning");
        Assert.Contains("NEW-1", learned.SeenRecordIds);
        Assert.Equal(1, learned.Manifest.Seen.Single(part => part.Part == LearnedRecords.Part).Count);

        string path = _folder.File("learned.iconclass");
        learned.Save(path);
        using var loaded = IconclassModel.Load(path, BundledThesaurus.Instance);
        Assert.Equal(1, RankOf(loaded, Code));
        Assert.Contains("NEW-1", loaded.MemoryIds);
    }

    [Fact]
    public void AnExplanationNamesTheRememberedRecordThatVotedAndTheComponentsShares()
    {
        using var model = LoadTiny();
        using var learned = model.Learn([Taught("NEW-1", Code)]);
        var query = new ArtworkRecord { Id = "query", Titles = [new LocalizedText("nl", Title)] };
        var ranking = learned.Rank(query, 3);

        var explanation = learned.Explain(query, ranking)[0];

        Assert.Equal(Code, explanation.Code);
        var voter = Assert.Single(explanation.Voters, v => v.Id == "NEW-1" && v.Memory == "lexical");
        Assert.Equal(Title, voter.Title);
        Assert.Equal(1, voter.Similarity, 4);
        Assert.Contains(explanation.Voters, v => v.Id == "NEW-1" && v.Memory == "dense");
        Assert.Equal(1, explanation.Shares.Values.Sum(), 3);
        Assert.True(explanation.Shares["lexical_memory"] > 0);
        Assert.Equal(3, learned.Explain(query, ranking).Count);
        Assert.Contains("voted by NEW-1", explanation.ToString());
    }

    [Fact]
    public void ARecordTaughtAgainIsReplacedNotDoubled()
    {
        using var model = LoadTiny();
        int remembered = model.MemoryIds.Count();
        using var once = model.Learn([Taught("NEW-1", "25F23(LION)")]);
        using var twice = once.Learn([Taught("NEW-1", Code)]);

        Assert.Equal(remembered + 1, twice.MemoryIds.Count());
        Assert.Single(twice.MemoryIds, id => id == "NEW-1");
        Assert.Equal(1, RankOf(twice, Code));
    }

    /// <summary>
    /// Retuned after learning, the model chooses its hybrid on the validation records it remembers, with the rest of
    /// its grown memory as the memory; what it learnt stays, and it saves and loads as any model.
    /// </summary>
    [Fact]
    public async Task RetuningAfterLearningChoosesTheHybridAgainWithTheGrownMemory()
    {
        using var model = LoadTiny();
        var known = model.MemoryIds.ToHashSet();
        var more = (await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname))
            .Where(r => r.Codes.Count > 0 && !ProtocolSplit.IsTest(r.Id) && !known.Contains(r.Id))
            .Take(40)
            .Append(Taught("NEW-1", Code))
            .ToList();
        using var learned = model.Learn(more);
        var log = new List<string>();

        using var retuned = HybridRetuning.Retune(learned, log: log.Add);

        int validation = learned.MemoryIds.Count(ValidationSplit.IsValidation);
        int memory = learned.MemoryIds.Count() - validation;
        Assert.True(validation > 0, "the tiny model remembers no validation records");
        Assert.True(memory > known.Count(id => !ValidationSplit.IsValidation(id)), "the memory did not grow");
        Assert.StartsWith($"hybrid chosen again on {validation} validation records with {memory} remembered", log[0]);
        Assert.Equal(learned.MemoryIds, retuned.MemoryIds);
        Assert.Equal(learned.SeenRecordIds, retuned.SeenRecordIds);
        Assert.Equal(retuned.Manifest.Fusion!.Learned, retuned.HasLearnedFusion);
        Assert.NotNull(retuned.Manifest.Calibration);
        Assert.Equal(1, RankOf(retuned, Code));

        string path = _folder.File("retuned.iconclass");
        retuned.Save(path);
        using var loaded = TinyModels.Load(path);
        Assert.Equal(retuned.Manifest.Weights, loaded.Manifest.Weights);
        Assert.Equal(retuned.Manifest.Neighbours, loaded.Manifest.Neighbours);
        Assert.Equal(1, RankOf(loaded, Code));
    }

    /// <summary>
    /// A model trained on no collection chose its hybrid with nothing remembered: records it learns leave its ranking
    /// exactly as it was, until retuning chooses the hybrid again with them voting; then a learnt title finds its code.
    /// </summary>
    [Fact]
    public async Task AZeroShotModelRanksAsBeforeWhenItLearnsAndReadsWhatItLearntOnceRetuned()
    {
        var zeroShot = TinyModels.SharedZeroShot;
        var records = (await TinyModels.TrainRecordsAsync()).Append(Taught("NEW-1", Code)).ToList();
        var query = new ArtworkRecord { Id = "query", Titles = [new LocalizedText("nl", Title)] };

        using var learned = zeroShot.Learn(records);

        Assert.False(learned.Manifest.RanksWithMemory);
        Assert.Equal(zeroShot.Rank(query, 50), learned.Rank(query, 50));
        int before = RankOf(learned, Code);

        using var retuned = HybridRetuning.Retune(learned);

        Assert.True(retuned.Manifest.HybridChosenWithMemory);
        Assert.Equal(1, RankOf(retuned, Code));
        Assert.True(before > 1, $"{Code} was first before retuning");
        string path = _folder.File("zero-shot-retuned.iconclass");
        retuned.Save(path);
        using var loaded = TinyModels.Load(path);
        Assert.True(loaded.Manifest.RanksWithMemory);
        Assert.Equal(1, RankOf(loaded, Code));
    }

    [Theory]
    [InlineData("", Code, "record 1, id")]
    [InlineData("BAD", "not a code", "record 'BAD', codes: 'not a code'")]
    [InlineData("BAD", "", "record 'BAD', codes: ''")]
    public void ABadRecordIsRefusedNamingItAndTheFieldAndNothingIsLearnt(string id, string code, string named)
    {
        using var model = LoadTiny();
        int remembered = model.MemoryIds.Count();
        var bad = Taught(id, code);
        var error = Assert.Throws<LearningException>(() => model.Learn([Taught("GOOD", Code), bad]));

        Assert.Contains(named, error.Message);
        Assert.Equal(1, error.Record);
        Assert.Equal(id == "" ? "id" : "codes", error.Field);
        Assert.Equal(remembered, model.MemoryIds.Count());
        Assert.DoesNotContain("GOOD", model.MemoryIds);
        Assert.True(RankOf(model, Code) > 1);
    }

    [Fact]
    public async Task TheLearnCommandWritesATaughtModelAndSkipsRecordsWithoutCodes()
    {
        string model = _folder.File("tiny.iconclass");
        TinyModels.Shared.Save(model);
        string data = _folder.File("more.parquet");
        await ArtworkParquet.WriteAsync(
            [Taught("NEW-1", Code), new ArtworkRecord { Id = "NEW-2", Titles = [new LocalizedText("nl", "Kat")] }],
            data
        );
        string output = _folder.File("taught.iconclass");

        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "learn",
            "--model",
            model,
            "--data",
            data,
            "--output",
            output
        );

        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Contains("1 records learnt (1 without codes skipped)", stdout);
        using (var taught = IconclassModel.Load(output, BundledThesaurus.Instance))
            Assert.Equal(1, RankOf(taught, Code));

        // The taught model retuned, with nothing more to learn.
        string retunedPath = _folder.File("retuned.iconclass");
        (exitCode, stdout, stderr) = IconclassCli.Run("learn", "--model", output, "--output", retunedPath, "--retune");
        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Contains("hybrid chosen again on", stderr);
        Assert.Contains("its hybrid chosen again", stdout);
        using var retuned = IconclassModel.Load(retunedPath, BundledThesaurus.Instance);
        Assert.Equal(1, RankOf(retuned, Code));
        Assert.Equal(
            ExitCodes.Usage,
            IconclassCli.Run("learn", "--model", model, "--data", data, "--output", model).ExitCode
        );
        (exitCode, _, stderr) = IconclassCli.Run("learn", "--model", model, "--output", output);
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("Give --data with the records to learn, --retune, or both.", stderr);
        Assert.DoesNotContain("ranks as before", stderr);
    }

    /// <summary>
    /// The pretrained model is taught by name, and the command says that it ranks as before until it is retuned.
    /// </summary>
    [Fact]
    public async Task TheLearnCommandTeachesThePretrainedModelByNameAndSaysItNeedsARetune()
    {
        string data = _folder.File("more.parquet");
        await ArtworkParquet.WriteAsync([Taught("NEW-1", Code)], data);
        string output = _folder.File("taught.iconclass");

        var (exitCode, stdout, stderr) = IconclassCli.Run(
            "learn",
            "--model",
            BundledModels.PretrainedName,
            "--data",
            data,
            "--output",
            output
        );

        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Contains("the memory holds 1 records (it held 0)", stdout);
        Assert.Contains("so it ranks as before; 'iconclass learn --retune'", stderr);
    }
}
