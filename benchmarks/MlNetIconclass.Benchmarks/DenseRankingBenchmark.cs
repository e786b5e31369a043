using BenchmarkDotNet.Attributes;
using MlNetIconclass.Retrieval;
using static TorchSharp.torch;

namespace MlNetIconclass.Benchmarks;

/// <summary>
/// Ranking a batch of queries against all 40,698 labels (scores and top 100 for each): the <see cref="DenseIndex"/>
/// on ONNX Runtime (a Gemm and TopK graph) against the way it ranked before on TorchSharp (matrix product and topk),
/// and the bare TorchSharp product of the same shapes. Target: ONNX Runtime at least as fast as TorchSharp (Ratio ≤ 1),
/// so ranking without libtorch costs nothing.
/// </summary>
public class DenseRankingBenchmark
{
    private const int Labels = 40_698;
    private const int Queries = 256;
    private const int Top = 100;

    [Params(128, 384)]
    public int Dimension { get; set; }

    private DenseIndex _index = null!;
    private float[] _queries = [];
    private Tensor _labelMatrix = null!;

    [GlobalSetup]
    public void Setup()
    {
        MlNetIconclass.Training.TorchSharpRuntime.EnsureLoaded();
        var random = new Random(1);
        float[] Vectors(int rows) =>
            Enumerable.Range(0, rows * Dimension).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var labels = Vectors(Labels);
        _queries = Vectors(Queries);
        _index = new DenseIndex(
            Enumerable.Range(0, Labels).Select(i => i.ToString()).ToArray(),
            labels,
            Dimension,
            MlNetIconclass.Features.ComputeDevice.Cpu
        );
        _labelMatrix = tensor(labels, [Labels, Dimension]);
    }

    [Benchmark(Baseline = true, Description = "TorchSharp mm + topk, top 100 each (the ranking before)")]
    public int TorchSharpRanking()
    {
        using var scope = NewDisposeScope();
        var (values, indices) = tensor(_queries, [Queries, Dimension]).mm(_labelMatrix.t()).topk(Top, dim: 1);
        return values.data<float>().ToArray().Length + indices.data<long>().ToArray().Length;
    }

    [Benchmark(Description = "DenseIndex.SearchBatch on ONNX Runtime, top 100 each")]
    public int OnnxRuntimeRanking() => _index.SearchBatch(_queries, Top).Length;

    [Benchmark(Description = "bare TorchSharp matrix product [256 x d] x [d x 40,698]")]
    public float MatrixProduct()
    {
        using var scope = NewDisposeScope();
        return tensor(_queries, [Queries, Dimension]).mm(_labelMatrix.t())[0, 0].item<float>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index.Dispose();
        _labelMatrix.Dispose();
    }
}
