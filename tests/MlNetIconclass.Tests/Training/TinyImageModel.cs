using MlNetIconclass.Collections;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Tests.Features;
using MlNetIconclass.Training;
using SkiaSharp;

namespace MlNetIconclass.Tests.Training;

/// <summary>
/// A tiny model whose images alone tell two codes apart: red pictures are crucifixions (73D6), blue ones saint
/// Jerome (11H(JEROME)), and every title is the same word. Trained once per test run for the tests that only rank with
/// it; its images stay in a folder of their own until the run ends.
/// </summary>
internal static class TinyImageModel
{
    public const string Red = "73D6";

    public const string Blue = "11H(JEROME)";

    /// <summary>Where the shared model's training images are.</summary>
    public static string Folder { get; } =
        Directory
            .CreateDirectory(
                Path.Combine(Path.GetTempPath(), "mlnet-iconclass-tests", $"images-{Environment.ProcessId}")
            )
            .FullName;

    /// <summary>A record with a picture of one colour written into <paramref name="folder"/>.</summary>
    public static ArtworkRecord Record(string folder, string id, SKColor color, string code, bool withTitle = true) =>
        new()
        {
            Id = id,
            Titles = withTitle ? [new LocalizedText("nl", "schilderij")] : [],
            Image = Path.GetFileName(TestImages.Write(Path.Combine(folder, $"{id}.png"), color, 48 + id.Length, 40)),
            Codes = [code],
        };

    public static List<ArtworkRecord> Records(string folder) =>
        Enumerable
            .Range(0, 12)
            .SelectMany(i =>
                new[]
                {
                    Record(folder, $"red-{i}", new SKColor((byte)(200 + i * 4), (byte)(i * 5), 20), Red),
                    Record(folder, $"blue-{i}", new SKColor(20, (byte)(i * 5), (byte)(200 + i * 4)), Blue),
                }
            )
            .ToList();

    public static DualEncoderOptions Options(string folder)
    {
        var options = TinyModels.Options();
        options.Modalities = [QueryModality.Text, QueryModality.Image];
        options.ImageFolder = folder;
        options.VisionSteps = 150;
        return options;
    }

    private static readonly Lazy<IconclassModel> SharedModel = new(() =>
        IconclassTrainer.Fit(
            BundledThesaurus.Instance,
            TinyModels.TrainRecordsAsync().GetAwaiter().GetResult().Concat(Records(Folder)).ToList(),
            Options(Folder)
        )
    );

    /// <summary>The shared model; never dispose it.</summary>
    public static IconclassModel Shared => SharedModel.Value;

    public static int RankOf(IReadOnlyList<ScoredCode> ranking, string code)
    {
        int index = ranking.Select(c => c.Code).ToList().IndexOf(code);
        return index < 0 ? int.MaxValue : index;
    }
}
