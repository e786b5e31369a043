using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using MlNetIconclass.Features;
using MlNetIconclass.Training;

namespace MlNetIconclass.Benchmarks;

/// <summary>
/// Encoding 128 sentences with the MiniLM graph exported from the TorchSharp encoder against the packaged graph,
/// both on ONNX Runtime. Target: Ratio ≤ 1.11 (the export at 0.9 of the packaged speed or better).
/// </summary>
public class OnnxEncoderBenchmark
{
    private BertOnnxEncoder _packaged = null!;
    private BertOnnxEncoder _exported = null!;
    private string[] _sentences = [];

    [GlobalSetup]
    public void Setup()
    {
        var packaged = MiniLmPackage.ReadOnnxModel();
        using var bert = new BertEncoder();
        var graph = Onnx.ModelProto.Parser.ParseFrom(packaged);
        OnnxBertWeights.Import(bert, graph);
        _packaged = new BertOnnxEncoder(packaged, MiniLmPackage.CreateTokenizer(), ComputeDevice.Cpu);
        _exported = new BertOnnxEncoder(
            OnnxBertWeights.Export(bert, graph).ToByteArray(),
            MiniLmPackage.CreateTokenizer(),
            ComputeDevice.Cpu
        );
        string[] words =
        [
            "portrait",
            "of",
            "a",
            "man",
            "plantation",
            "river",
            "with",
            "boats",
            "saint",
            "paul",
            "writing",
            "lion",
            "sleeping",
        ];
        var random = new Random(1);
        _sentences = Enumerable
            .Range(0, 128)
            .Select(_ =>
                string.Join(' ', Enumerable.Range(0, 6 + random.Next(10)).Select(_ => words[random.Next(words.Length)]))
            )
            .ToArray();
    }

    [Benchmark(Baseline = true, Description = "packaged MiniLM graph")]
    public int Packaged() => _packaged.Encode(_sentences).Length;

    [Benchmark(Description = "graph exported from TorchSharp")]
    public int Exported() => _exported.Encode(_sentences).Length;

    [GlobalCleanup]
    public void Cleanup()
    {
        _packaged.Dispose();
        _exported.Dispose();
    }
}
