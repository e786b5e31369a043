using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Training;

/// <summary>
/// Small, fast training settings and a slice of the bundled sample, for tests of the training machinery.
/// </summary>
internal static class TinyModels
{
    public static DualEncoderOptions Options(int seed = 1) =>
        new()
        {
            NgramBuckets = 4096,
            NgramDimension = 32,
            Epochs = 2,
            ThesaurusEpochs = 1,
            ThesaurusExamplesPerEpoch = 400,
            DistillationEpochs = 0, // the teacher encodes the whole thesaurus: minutes (DistillationTests cover it)
            BatchSize = 32,
            Languages = ["nl"],
            Seed = seed,
            Device = ComputeDevice.Cpu,
            From = "scratch", // the shipped pretrained encoder is 65,536 buckets wide; WarmStartTests cover starts
        };

    /// <summary>
    /// The first 120 coded records of the train split; about 15 of them fall in the validation share.
    /// </summary>
    public static async Task<List<ArtworkRecord>> TrainRecordsAsync() =>
        (await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname))
            .Where(r => r.Codes.Count > 0 && !ProtocolSplit.IsTest(r.Id))
            .Take(120)
            .ToList();

    public static async Task<List<ArtworkRecord>> TestRecordsAsync() =>
        (await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname))
            .Where(r => r.Codes.Count > 0 && ProtocolSplit.IsTest(r.Id))
            .Take(10)
            .ToList();

    private static readonly Lazy<IconclassModel> SharedModel = new(() =>
        IconclassTrainer.Fit(BundledThesaurus.Instance, TrainRecordsAsync().GetAwaiter().GetResult(), Options())
    );

    /// <summary>
    /// One tiny model for the tests that only rank with it, trained once per test run; never dispose it.
    /// </summary>
    public static IconclassModel Shared => SharedModel.Value;

    private static readonly Lazy<IconclassModel> SharedZeroShotModel = new(() =>
    {
        var options = Options();
        options.UseCollection = false;
        return IconclassTrainer.Fit(BundledThesaurus.Instance, [], options);
    });

    /// <summary>
    /// One tiny model trained on no collection (its hybrid chosen with nothing remembered), for the tests that teach
    /// it records (<see cref="IconclassModel.Learn"/> leaves it as it is), trained once per test run; never dispose it.
    /// </summary>
    public static IconclassModel SharedZeroShot => SharedZeroShotModel.Value;

    /// <summary>
    /// A copy of the shared tiny model saved in <paramref name="folder"/> and loaded from there, for a test that
    /// changes it (learning takes over a model's parts, and a learning service writes its file); the caller disposes
    /// it.
    /// </summary>
    public static (IconclassModel Model, string Path) LoadCopy(TempFolder folder)
    {
        string path = folder.File($"tiny-{Guid.NewGuid():N}.iconclass");
        Shared.Save(path);
        return (Load(path), path);
    }

    /// <summary>A tiny model file loaded on the CPU.</summary>
    public static IconclassModel Load(string path) =>
        IconclassModel.Load(path, BundledThesaurus.Instance, new ModelLoadOptions { Device = ComputeDevice.Cpu });
}
