using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Tests.Training;

namespace MlNetIconclass.Tests.Retrieval;

/// <summary>
/// Label vectors kept between processes are used only when everything that made them is the same and they are whole.
/// </summary>
public class LabelVectorCacheTests
{
    private static readonly string[] Documents = ["de kruisiging", "een landschap"];

    private static (Func<float[]> Embed, Func<int> Calls) Counting(float value)
    {
        int calls = 0;
        return (
            () =>
            {
                calls++;
                return [value, value / 2, -value, 0.25f];
            },
            () => calls
        );
    }

    [Fact]
    public void VectorsAreEmbeddedOnceThenReadBackAsTheyWere()
    {
        using var folder = new TempFolder();
        var (embed, calls) = Counting(1.5f);
        var first = new LabelVectorCache(folder.Path, "model", ComputeDevice.Cpu).GetOrAdd("nl", Documents, embed);
        // Another process: a new cache over the same folder.
        var again = new LabelVectorCache(folder.Path, "model", ComputeDevice.Cpu).GetOrAdd("nl", Documents, embed);
        Assert.Equal(1, calls());
        Assert.Equal(first, again);
    }

    [Fact]
    public void AnotherModelLanguageDeviceOrDocumentEmbedsAgain()
    {
        using var folder = new TempFolder();
        var (embed, calls) = Counting(1);
        new LabelVectorCache(folder.Path, "model", ComputeDevice.Cpu).GetOrAdd("nl", Documents, embed);
        new LabelVectorCache(folder.Path, "other model", ComputeDevice.Cpu).GetOrAdd("nl", Documents, embed);
        new LabelVectorCache(folder.Path, "model", ComputeDevice.Cpu).GetOrAdd("de", Documents, embed);
        new LabelVectorCache(folder.Path, "model", ComputeDevice.Cuda).GetOrAdd("nl", Documents, embed);
        new LabelVectorCache(folder.Path, "model", ComputeDevice.Cpu).GetOrAdd("nl", ["de kruisiging"], embed);
        Assert.Equal(5, calls());
    }

    [Fact]
    public void ADamagedEntryIsEmbeddedAgainAndReplaced()
    {
        using var folder = new TempFolder();
        var (embed, calls) = Counting(2);
        var cache = new LabelVectorCache(folder.Path, "model", ComputeDevice.Cpu);
        var expected = cache.GetOrAdd("nl", Documents, embed);
        string entry = Directory.GetFiles(folder.Path, "*.f16").Single();
        var bytes = File.ReadAllBytes(entry);
        bytes[10] ^= 0xFF;
        File.WriteAllBytes(entry, bytes);
        Assert.Equal(expected, cache.GetOrAdd("nl", Documents, embed));
        File.WriteAllBytes(entry, bytes[..12]);
        Assert.Equal(expected, cache.GetOrAdd("nl", Documents, embed));
        Assert.Equal(3, calls());
        Assert.Equal(expected, cache.GetOrAdd("nl", Documents, embed));
        Assert.Equal(3, calls());
        Assert.Empty(Directory.GetFiles(folder.Path, "*.partial"));
    }

    [Fact]
    public void TheEntriesUsedLongestAgoGoWhenTheFolderIsFull()
    {
        using var folder = new TempFolder();
        var (embed, _) = Counting(3);
        // One entry: a count (8 bytes), 4 half-precision values and a SHA-256: 48 bytes; room for two.
        var cache = new LabelVectorCache(folder.Path, "model", ComputeDevice.Cpu, maxBytes: 100);
        cache.GetOrAdd("nl", Documents, embed);
        string oldest = Directory.GetFiles(folder.Path, "*.f16").Single();
        File.SetLastWriteTimeUtc(oldest, DateTime.UtcNow.AddHours(-1));
        cache.GetOrAdd("de", Documents, embed);
        cache.GetOrAdd("fr", Documents, embed);
        var kept = Directory.GetFiles(folder.Path, "*.f16");
        Assert.Equal(2, kept.Length);
        Assert.DoesNotContain(oldest, kept);
    }

    [Fact]
    public async Task AModelLoadedAgainRanksWithItsCachedLabelVectorsExactlyAsWithout()
    {
        using var folder = new TempFolder();
        string path = folder.File("tiny.iconclass");
        TinyModels.Shared.Save(path);
        var records = await TinyModels.TestRecordsAsync();
        IReadOnlyList<IReadOnlyList<ScoredCode>> Rank(bool cache)
        {
            var options = new ModelLoadOptions { Device = ComputeDevice.Cpu, CacheLabelVectors = cache };
            using var model = IconclassModel.Load(path, BundledThesaurus.Instance, options);
            return model.RankBatch(records, 20);
        }
        var without = Rank(cache: false);
        Rank(cache: true);
        Assert.Equal(without, Rank(cache: true));
    }
}
