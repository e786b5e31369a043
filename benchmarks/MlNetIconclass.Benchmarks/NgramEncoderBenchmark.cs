using BenchmarkDotNet.Attributes;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Training;
using static TorchSharp.torch;

namespace MlNetIconclass.Benchmarks;

/// <summary>
/// Encoding 512 Suriname query texts (titles and descriptions) with the n-gram encoder: its ONNX graph on ONNX Runtime,
/// which ranking now uses, against the TorchSharp tower it was exported from, which ranking used before. Target:
/// Ratio ≤ 1.11 (ONNX Runtime at 0.9 of TorchSharp's speed or better).
/// </summary>
public class NgramEncoderBenchmark
{
    private NgramTower _tower = null!;
    private NgramOnnxEncoder _onnx = null!;
    private string[] _texts = [];

    [GlobalSetup]
    public void Setup()
    {
        TorchSharpRuntime.EnsureLoaded();
        manual_seed(1);
        _tower = new NgramTower();
        _tower.eval();
        _onnx = (NgramOnnxEncoder)
            TextEncoderGraph.FromNgramWeights(_tower.ExportWeights()).CreateEmbedder(ComputeDevice.Cpu);
        var records = ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname).GetAwaiter().GetResult();
        _texts = records.Select(r => QueryText.Joined(r, QueryFields.TitlesAndDescriptions)).Take(512).ToArray();
    }

    [Benchmark(Baseline = true, Description = "TorchSharp n-gram tower, 512 texts (ranking before)")]
    public int TorchSharp()
    {
        using var noGrad = no_grad();
        using var embeddings = _tower.Encode(_texts, CPU);
        return embeddings.data<float>().ToArray().Length;
    }

    [Benchmark(Description = "ONNX Runtime n-gram graph, 512 texts")]
    public int OnnxRuntime() => _onnx.Embed(_texts).Length;

    [GlobalCleanup]
    public void Cleanup()
    {
        _tower.Dispose();
        _onnx.Dispose();
    }
}
