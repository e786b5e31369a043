using System.Globalization;
using System.IO.Compression;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Tests.Training;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Tests.Models;

public class ModelFileTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Models", "Fixtures", name);

    [Fact]
    public async Task SavedModelRanksExactlyAsTheFittedOne()
    {
        using var folder = new TempFolder();
        var fitted = TinyModels.Shared;
        var path = folder.File("model.iconclass");
        fitted.Save(path);
        using var loaded = IconclassModel.Load(
            path,
            BundledThesaurus.Instance,
            new ModelLoadOptions { Device = ComputeDevice.Cpu }
        );

        Assert.Equal(fitted.Manifest.Weights, loaded.Manifest.Weights);
        Assert.Equal(ModelManifest.CurrentFormat, loaded.Manifest.Format);
        Assert.Equal(
            [
                "collection-labels.txt",
                "encoder.onnx",
                "manifest.json",
                "memory.jsonl",
                "ngram-table.f16",
                "seen-records.txt",
            ],
            Entries(path)
        );
        Assert.NotEmpty(loaded.Thesaurus.CollectionLabels);
        Assert.Equal(fitted.Thesaurus.LabelSpace, loaded.Thesaurus.LabelSpace);
        foreach (var record in await TinyModels.TestRecordsAsync())
            AssertSameRanking(fitted.Rank(record, 20), loaded.Rank(record, 20));
    }

    /// <summary>
    /// A model saved before the n-gram encoder became an ONNX graph (format 1: TorchSharp weights as encoder.f16)
    /// loads, and ranks as it did then: the codes and scores it gave are kept beside it.
    /// </summary>
    [Fact]
    public async Task FormatOneModelLoadsAndRanksAsItDid()
    {
        using var model = IconclassModel.Load(Fixture("format1-ngram.iconclass"), BundledThesaurus.Instance);
        Assert.Equal(1, model.Manifest.Format);
        var expected = File.ReadAllLines(Fixture("format1-ngram.rankings.tsv"))
            .Select(line => line.Split('\t'))
            .ToDictionary(
                fields => fields[0],
                fields =>
                    fields[1]
                        .Split(' ')
                        .Select(code =>
                        {
                            int equals = code.LastIndexOf('=');
                            return new ScoredCode(
                                code[..equals],
                                float.Parse(code[(equals + 1)..], CultureInfo.InvariantCulture)
                            );
                        })
                        .ToArray()
            );
        foreach (var record in await TinyModels.TestRecordsAsync())
            AssertSameRankingUpToTies(expected[record.Id], model.Rank(record, 10), tolerance: 1e-4f);
    }

    [Fact]
    public void ModelFromAnotherLabelSetIsRefused()
    {
        var dutchOnly = IconclassThesaurus.LoadBundled(["nl"]);
        var error = Assert.Throws<InvalidDataException>(() =>
            IconclassModel.Load(Fixture("format1-ngram.iconclass"), dutchOnly)
        );
        Assert.Contains("another label set", error.Message);
    }

    [Fact]
    public void ABlankLineInTheMemoryIsRefusedNotATruncatedMemory()
    {
        using var folder = new TempFolder();
        var path = folder.File("blank-line.iconclass");
        File.Copy(Fixture("format1-ngram.iconclass"), path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var memory = zip.GetEntry("memory.jsonl")!;
            string[] lines;
            using (var reader = new StreamReader(memory.Open()))
                lines = reader.ReadToEnd().Split('\n');
            memory.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("memory.jsonl").Open());
            writer.Write(string.Join('\n', lines.Take(3).Append("").Concat(lines.Skip(3))));
        }
        var error = Assert.Throws<InvalidDataException>(() => IconclassModel.Load(path, BundledThesaurus.Instance));
        Assert.Contains("memory.jsonl: line 4 is not a record", error.Message);
        Assert.Contains("blank-line.iconclass", error.Message);
    }

    /// <summary>
    /// The same scores rank by rank, and the same codes, except where two codes' scores are within
    /// <paramref name="tolerance"/> of each other (a near tie that another summation order may turn round).
    /// </summary>
    private static void AssertSameRankingUpToTies(
        IReadOnlyList<ScoredCode> expected,
        IReadOnlyList<ScoredCode> actual,
        float tolerance
    )
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First.Score, pair.Second.Score, tolerance));
        float lowest = expected[^1].Score;
        foreach (var code in expected.Select(c => c.Code).Except(actual.Select(c => c.Code)))
            Assert.True(
                expected.Single(c => c.Code == code).Score - lowest <= tolerance,
                $"{code} is no longer ranked"
            );
    }

    private static string[] Entries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.Select(entry => entry.FullName).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The same codes in the same order; scores equal up to float noise (multi-threaded BLAS may sum in another order
    /// when other tests run beside it).
    /// </summary>
    internal static void AssertSameRanking(
        IReadOnlyList<ScoredCode> expected,
        IReadOnlyList<ScoredCode> actual,
        float tolerance = 1e-5f
    )
    {
        Assert.Equal(expected.Select(c => c.Code), actual.Select(c => c.Code));
        Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First.Score, pair.Second.Score, tolerance));
    }
}
