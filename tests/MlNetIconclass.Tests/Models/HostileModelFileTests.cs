using System.IO.Compression;
using System.Text.Json.Nodes;
using Google.Protobuf;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Persistence;
using MlNetIconclass.Tests.Training;
using Onnx;

namespace MlNetIconclass.Tests.Models;

/// <summary>
/// A model file is input like any other: whatever it holds, loading either gives a model or says which part is not
/// usable, and never writes anywhere the file chooses or reads a file it names.
/// </summary>
public class HostileModelFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Models", "Fixtures", name);

    /// <summary>A copy of the tiny model (format 2, or the format-1 fixture) with some entries rewritten.</summary>
    private string Edited(Action<ZipArchive> edit, bool formatOne = false)
    {
        string path = _folder.File($"edited-{Guid.NewGuid():N}.iconclass");
        if (formatOne)
            File.Copy(Fixture("format1-ngram.iconclass"), path);
        else
            TinyModels.Shared.Save(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            edit(zip);
        return path;
    }

    private static void Replace(ZipArchive zip, string entry, Action<Stream> write)
    {
        zip.GetEntry(entry)?.Delete();
        using var stream = zip.CreateEntry(entry).Open();
        write(stream);
    }

    private static void EditManifest(ZipArchive zip, Action<JsonObject> edit)
    {
        JsonObject manifest;
        using (var stream = zip.GetEntry("manifest.json")!.Open())
            manifest = JsonNode.Parse(stream)!.AsObject();
        edit(manifest);
        Replace(
            zip,
            "manifest.json",
            stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()))
        );
    }

    private static string RefusedBecause(string path)
    {
        var error = Assert.Throws<InvalidDataException>(() => IconclassModel.Load(path, BundledThesaurus.Instance));
        Assert.Contains("is not a usable MlNetIconclass model", error.Message);
        return error.Message;
    }

    /// <summary>
    /// The projection and gate of an image side for the tiny model (32 wide, ResNet18's 512 features).
    /// </summary>
    private static void WriteVision(ZipArchive zip) =>
        Replace(
            zip,
            "vision.f16",
            stream =>
            {
                HalfPrecision.Write(stream, new float[32 * 512]);
                HalfPrecision.Write(stream, new float[32]);
                HalfPrecision.Write(stream, [0.5f]);
            }
        );

    [Fact]
    public void AnImageModelNamedByAPathIsRefusedAndNothingIsWritten()
    {
        string path = Edited(zip =>
        {
            EditManifest(
                zip,
                manifest =>
                    manifest["ImageModel"] = JsonNode.Parse(
                        """
                        { "Name": "../../escaped", "ModelPath": "/etc/passwd",
                          "InputName": "x", "OutputName": "y", "Dimension": 512 }
                        """
                    )
            );
            WriteVision(zip);
            Replace(zip, "vision-backbone.onnx", stream => stream.Write([1, 2, 3]));
        });
        var before = Directory.GetFiles(Path.GetDirectoryName(_folder.Path)!, "*", SearchOption.TopDirectoryOnly);
        Assert.Contains(
            "the model reads images with '../../escaped', which is not packaged with this library",
            RefusedBecause(path)
        );
        Assert.Equal(
            before,
            Directory.GetFiles(Path.GetDirectoryName(_folder.Path)!, "*", SearchOption.TopDirectoryOnly)
        );
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "escaped")));
    }

    [Fact]
    public void APathTheManifestGivesForAPackagedVisionModelIsNotRead()
    {
        string path = Edited(zip =>
        {
            EditManifest(
                zip,
                manifest =>
                    manifest["ImageModel"] = JsonNode.Parse(
                        """
                        { "Name": "resnet18-imagenet", "ModelPath": "/etc/passwd",
                          "InputName": "x", "OutputName": "y", "Dimension": 512 }
                        """
                    )
            );
            WriteVision(zip);
        });
        using var model = IconclassModel.Load(
            path,
            BundledThesaurus.Instance,
            new ModelLoadOptions { Device = ComputeDevice.Cpu }
        );
        Assert.Equal(
            ImageModelOptions.ResNet18.ModelPath,
            model.ReadImages(new ImageAccess())!.Featurizer.Model.ModelPath
        );
    }

    [Fact]
    public void AFineTunedVisionModelIsKeptInThePrivateCacheByItsHashAndChecked()
    {
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ImageModelOptions.ResNet18.ModelPath)).ToByteArray();
        var first = ImageModelOptions.ResNet18.WithFineTunedModel(graph);
        File.WriteAllBytes(first.ModelPath, [1, 2, 3]); // someone changed the cached file
        var second = ImageModelOptions.ResNet18.WithFineTunedModel(graph);
        Assert.Equal(first.ModelPath, second.ModelPath);
        Assert.Equal(graph, File.ReadAllBytes(second.ModelPath));
        Assert.StartsWith(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData),
            second.ModelPath,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public void AVisionModelThatRefersToOtherFilesIsRefused()
    {
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ImageModelOptions.ResNet18.ModelPath));
        var tensor = graph.Graph.Initializer[0];
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "/etc/passwd" });
        string path = Edited(zip =>
        {
            EditManifest(
                zip,
                manifest =>
                    manifest["ImageModel"] = JsonNode.Parse(
                        """
                        { "Name": "resnet18-imagenet", "ModelPath": "",
                          "InputName": "x", "OutputName": "y", "Dimension": 512 }
                        """
                    )
            );
            WriteVision(zip);
            Replace(zip, "vision-backbone.onnx", stream => graph.WriteTo(stream));
        });
        Assert.Contains("vision-backbone.onnx refers to tensor data outside the model file", RefusedBecause(path));
    }

    public static TheoryData<string, int, int, string> HostileTables() =>
        new()
        {
            { "buckets 2^31 - 1", int.MaxValue, 32, "ngram-table.f16: " },
            { "negative buckets", -5, 32, "ngram-table.f16: an n-gram table needs positive buckets" },
            {
                "zero dimension",
                4096,
                0,
                "ngram-table.f16: an n-gram table needs positive buckets and dimension, not 4096 and 0"
            },
        };

    [Theory]
    [MemberData(nameof(HostileTables))]
    public void HostileNumbersInTheNgramTableAreRefused(string _, int buckets, int dimension, string expected)
    {
        string path = Edited(zip =>
            Replace(
                zip,
                "ngram-table.f16",
                stream =>
                {
                    using var writer = new BinaryWriter(stream);
                    writer.Write(buckets);
                    writer.Write(dimension);
                    writer.Write(new byte[64]);
                }
            )
        );
        Assert.Contains(expected, RefusedBecause(path));
    }

    [Theory]
    [InlineData(1L << 60, "encoder.f16: ")]
    [InlineData(-1L, "encoder.f16: -1 half-precision values is not a size a model part has")]
    public void HostileShapesInFormatOneWeightsAreRefused(long axis, string expected)
    {
        string path = Edited(
            zip =>
                Replace(
                    zip,
                    "encoder.f16",
                    stream =>
                    {
                        using var writer = new BinaryWriter(stream);
                        writer.Write(1);
                        writer.Write("tower.bag.weight");
                        writer.Write(2);
                        writer.Write(axis);
                        writer.Write(128L);
                    }
                ),
            formatOne: true
        );
        Assert.Contains(expected, RefusedBecause(path));
    }

    [Theory]
    [InlineData("null", "memory.jsonl: line 1 is not a record")]
    [InlineData(
        """{ "id": "a", "titles": [], "descriptions": [], "codes": [null] }""",
        "memory.jsonl: line 1 is not a record"
    )]
    [InlineData(
        """{ "id": "a", "titles": [null], "descriptions": [], "codes": ["31A"] }""",
        "memory.jsonl: line 1 is not a record"
    )]
    [InlineData("not json", "memory.jsonl: ")]
    public void BrokenMemoryLinesAreRefused(string line, string expected)
    {
        string path = Edited(zip =>
            Replace(zip, "memory.jsonl", stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(line + "\n")))
        );
        Assert.Contains(expected, RefusedBecause(path));
    }

    [Theory]
    [InlineData(
        "99Z99(NOWHERE)\n",
        "collection-labels.txt: '99Z99(NOWHERE)' is not a notation this thesaurus can place"
    )]
    [InlineData("25g21(banana)\n", "collection-labels.txt: '25g21(banana)' is not a notation this thesaurus can place")]
    [InlineData("25G21(BANANA)\n", "the model was built for another label set")]
    public void CollectionLabelsThatDoNotMatchAreRefused(string labels, string expected)
    {
        string path = Edited(zip =>
            Replace(zip, "collection-labels.txt", stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(labels)))
        );
        Assert.Contains(expected, RefusedBecause(path));
    }

    [Theory]
    [InlineData("Neighbours", "-5", "manifest.json: -5 neighbours is not between 1 and 1,000")]
    [InlineData("Encoder", "7", "manifest.json: encoder 7 is unknown")]
    [InlineData("Languages", """["../x"]""", "manifest.json: the languages are not language codes")]
    [InlineData(
        "Weights",
        """{ "Dense": -1, "Memory": 0, "LexicalMemory": 0, "Bm25": 0, "Prior": 0 }""",
        "manifest.json: the hybrid weights"
    )]
    [InlineData("LabelSetHash", "null", "manifest.json: ")]
    public void HostileManifestValuesAreRefused(string field, string json, string expected)
    {
        string path = Edited(zip => EditManifest(zip, manifest => manifest[field] = JsonNode.Parse(json)));
        Assert.Contains(expected, RefusedBecause(path));
    }
}
