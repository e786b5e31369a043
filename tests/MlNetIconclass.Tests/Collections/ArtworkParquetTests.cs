using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Tests.Collections;

public class ArtworkParquetTests
{
    private static List<ArtworkRecord> SampleRecords() =>
        [
            new()
            {
                Id = "SK-A-1",
                Titles = [new("nl", "Gezicht op Paramaribo"), new("en", "View of Paramaribo")],
                Descriptions = [new("nl", "Een rivier met boten.")],
                Image = "images/sk-a-1.jpg",
                Codes = ["25I1(PARAMARIBO)", "46C232"],
            },
            new()
            {
                Id = "SK-A-2",
                Titles = [new("nl", "Plantage")],
                Codes = [],
            },
            new()
            {
                Id = "SK-A-3",
                Titles = [new("de", "Ein Löwe")],
                Codes = ["25F23(LION)(+46)"],
            },
        ];

    [Fact]
    public async Task RoundTripsWithoutLoss()
    {
        using var folder = new TempFolder();
        var path = folder.File("records.parquet");
        await ArtworkParquet.WriteAsync(SampleRecords(), path, rowGroupSize: 2);

        Assert.Equal(2, await ArtworkParquet.CountRowGroupsAsync(path));
        AssertSame(SampleRecords(), await ArtworkParquet.ReadAllAsync(path));
    }

    [Fact]
    public async Task RoundTripsThroughAnMLNetDataView()
    {
        using var folder = new TempFolder();
        var mlContext = new MLContext(seed: 1);
        var source = folder.File("in.parquet");
        var copy = folder.File("out.parquet");
        await ArtworkParquet.WriteAsync(SampleRecords(), source);

        var data = mlContext.Data.LoadArtworksFromParquet(source);
        Assert.NotNull(data.Schema.GetColumnOrNull("TitleLanguages"));
        Assert.Equal(3, data.GetColumn<string>("Id").Count());
        mlContext.Data.SaveArtworksAsParquet(data, copy);

        AssertSame(SampleRecords(), await ArtworkParquet.ReadAllAsync(copy));
    }

    [Fact]
    public async Task TruncatedFileIsAClearErrorNamingTheFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("truncated.parquet");
        await ArtworkParquet.WriteAsync(SampleRecords(), path);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ArtworkParquet.ReadAllAsync(path));
        Assert.Contains("truncated.parquet", error.Message);
        Assert.Contains("not a readable Parquet file", error.Message);
    }

    [Fact]
    public async Task WriteLeavesNoPartialFileBehind()
    {
        using var folder = new TempFolder();
        var path = folder.File("records.parquet");
        await ArtworkParquet.WriteAsync(SampleRecords(), path);
        Assert.Equal(new[] { "records.parquet" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    private static void AssertSame(IReadOnlyList<ArtworkRecord> expected, IReadOnlyList<ArtworkRecord> actual)
    {
        static string Texts(IEnumerable<LocalizedText> texts) =>
            string.Join(";", texts.Select(t => t.Language + ":" + t.Text));
        static string Describe(ArtworkRecord r) =>
            $"{r.Id}|{Texts(r.Titles)}|{Texts(r.Descriptions)}|{r.Image}|{string.Join(";", r.Codes)}";
        Assert.Equal(expected.Select(Describe), actual.Select(Describe));
    }
}
