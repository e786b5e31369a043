using BenchmarkDotNet.Attributes;
using MlNetIconclass.Retrieval;
using static TorchSharp.torch;

namespace MlNetIconclass.Benchmarks;

/// <summary>
/// Ranking a batch of queries against all 40,698 labels (scores and top 100 for each) against the bare matrix
/// product of the same shapes. Target: Ratio ≤ 2 (ranking at no less than half the product's speed).
/// </summary>
public class DenseRankingBenchmark
{
    private const int Labels = 40_698;
    private const int Queries = 256;

    [Params(128, 384)]
    public int Dimension { get; set; }

    private DenseIndex _index = null!;
    private float[] _queries = [];
    private Tensor _labelMatrix = null!;
    private Tensor _queryMatrix = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        float[] Vectors(int rows) => Enumerable.Range(0, rows * Dimension).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var labels = Vectors(Labels);
        _queries = Vectors(Queries);
        _index = new DenseIndex(Enumerable.Range(0, Labels).Select(i => i.ToString()).ToArray(), labels, Dimension);
        _labelMatrix = tensor(labels, [Labels, Dimension]);
        _queryMatrix = tensor(_queries, [Queries, Dimension]);
    }

    [Benchmark(Baseline = true, Description = "bare matrix product [256 x d] x [d x 40,698]")]
    public float MatrixProduct()
    {
        using var product = _queryMatrix.mm(_labelMatrix.t());
        return product[0, 0].item<float>();
    }

    [Benchmark(Description = "DenseIndex.SearchBatch, top 100 each")]
    public int Rank() => _index.SearchBatch(_queries, 100).Length;
}
