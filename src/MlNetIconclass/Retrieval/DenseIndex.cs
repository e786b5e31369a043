using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using MlNetIconclass.Features;
using Onnx;
using static MlNetIconclass.Features.OnnxGraphs;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// Exact top-k by dot product over normalised vectors (row-major), with a key per row. A batch of queries is scored
/// and ranked by one small ONNX graph (<c>Gemm</c> against the rows, then <c>TopK</c>) on ONNX Runtime, whose matrix
/// product is multi-threaded and cache-blocked, so ranking costs little more than the product itself. The rows are
/// handed to ONNX Runtime in place (pinned), not copied.
/// </summary>
internal sealed class DenseIndex : IDisposable
{
    private static readonly ConcurrentDictionary<ComputeDevice, Lazy<InferenceSession>> Searches = new();

    private readonly OrtValue? _rows;
    private readonly InferenceSession? _search;

    public DenseIndex(
        IReadOnlyList<string> keys,
        float[] vectors,
        int dimension,
        ComputeDevice device = ComputeDevice.Auto
    )
    {
        if (dimension <= 0)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "the dimension must be positive");
        if (vectors.LongLength != (long)keys.Count * dimension)
            throw new ArgumentException(
                $"{vectors.Length} values are not {keys.Count} rows of {dimension}.",
                nameof(vectors)
            );
        Keys = keys;
        Dimension = dimension;
        Vectors = vectors;
        if (keys.Count == 0)
            return;
        _rows = OrtValue.CreateTensorValueFromMemory(vectors, [keys.Count, dimension]);
        _search = Searches
            .GetOrAdd(
                device,
                key => new Lazy<InferenceSession>(() => OnnxSessions.Create(SearchGraph().ToByteArray(), key))
            )
            .Value;
    }

    public IReadOnlyList<string> Keys { get; }

    public int Dimension { get; }

    /// <summary>The indexed vectors, row-major.</summary>
    public float[] Vectors { get; }

    /// <summary>The <paramref name="count"/> rows most similar to the query, best first.</summary>
    public IReadOnlyList<ScoredCode> Search(ReadOnlySpan<float> query, int count) =>
        SearchBatch(query, count)[0].Select(hit => new ScoredCode(Keys[hit.Row], hit.Score)).ToArray();

    /// <summary>
    /// Top <paramref name="count"/> rows for each of a batch of queries (row-major <c>[queries, Dimension]</c>).
    /// </summary>
    public IReadOnlyList<(int Row, float Score)>[] SearchBatch(ReadOnlySpan<float> queries, int count)
    {
        int batch = queries.Length / Dimension;
        int k = Math.Min(count, Keys.Count);
        var result = new IReadOnlyList<(int, float)>[batch];
        if (batch == 0 || k <= 0 || _search is null)
        {
            Array.Fill(result, []);
            return result;
        }
        using var queryValue = OrtValue.CreateTensorValueFromMemory(queries.ToArray(), [batch, Dimension]);
        using var kValue = OrtValue.CreateTensorValueFromMemory(new long[] { k }, [1]);
        using var options = new RunOptions();
        using var outputs = _search.Run(
            options,
            ["queries", "rows", "k"],
            [queryValue, _rows!, kValue],
            ["scores", "indices"]
        );
        var scores = outputs[0].GetTensorDataAsSpan<float>();
        var indices = outputs[1].GetTensorDataAsSpan<long>();
        for (int q = 0; q < batch; q++)
        {
            var hits = new (int, float)[k];
            for (int i = 0; i < k; i++)
                hits[i] = ((int)indices[q * k + i], scores[q * k + i]);
            result[q] = hits;
        }
        return result;
    }

    /// <summary>Scores of every row for each query, and the best k of them, best first.</summary>
    private static ModelProto SearchGraph()
    {
        var graph = new GraphProto { Name = "dense_search" };
        graph.Input.Add(Value("queries", DataType.Float, "queries", "dimension"));
        graph.Input.Add(Value("rows", DataType.Float, "rows", "dimension"));
        graph.Input.Add(Value("k", DataType.Int64, 1));
        graph.Output.Add(Value("scores", DataType.Float, "queries", "k"));
        graph.Output.Add(Value("indices", DataType.Int64, "queries", "k"));
        graph.Node.Add(Node("Gemm", ["queries", "rows"], ["products"], Attribute("transB", 1)));
        graph.Node.Add(
            Node("TopK", ["products", "k"], ["scores", "indices"], Attribute("largest", 1), Attribute("sorted", 1))
        );
        return Model(graph);
    }

    public void Dispose() => _rows?.Dispose();
}
