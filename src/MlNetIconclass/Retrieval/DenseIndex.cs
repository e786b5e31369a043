using static TorchSharp.torch;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// Exact top-k by dot product over normalised vectors (row-major), with a key per row. Scores come from one matrix
/// product per batch of queries (BLAS through TorchSharp), so ranking costs little more than the product itself.
/// </summary>
public sealed class DenseIndex : IDisposable
{
    private readonly Tensor _vectors;
    private readonly float[] _values;

    public DenseIndex(IReadOnlyList<string> keys, float[] vectors, int dimension)
    {
        if (vectors.Length != keys.Count * dimension)
            throw new ArgumentException($"{vectors.Length} values are not {keys.Count} rows of {dimension}.", nameof(vectors));
        Keys = keys;
        Dimension = dimension;
        _values = vectors;
        _vectors = tensor(vectors, [keys.Count, dimension]);
    }

    public IReadOnlyList<string> Keys { get; }

    public int Dimension { get; }

    /// <summary>The indexed vectors, row-major.</summary>
    public float[] Vectors => _values;

    /// <summary>The <paramref name="count"/> rows most similar to the query, best first.</summary>
    public IReadOnlyList<ScoredCode> Search(ReadOnlySpan<float> query, int count) =>
        SearchRows(query, count).Select(hit => new ScoredCode(Keys[hit.Row], hit.Score)).ToArray();

    public IReadOnlyList<(int Row, float Score)> SearchRows(ReadOnlySpan<float> query, int count) => SearchBatch(query, count)[0];

    /// <summary>Top <paramref name="count"/> rows for each of a batch of queries (row-major <c>[queries, Dimension]</c>).</summary>
    public IReadOnlyList<(int Row, float Score)>[] SearchBatch(ReadOnlySpan<float> queries, int count)
    {
        int batch = queries.Length / Dimension;
        int k = Math.Min(count, Keys.Count);
        if (batch == 0 || k == 0) return Enumerable.Range(0, batch).Select(_ => (IReadOnlyList<(int, float)>)[]).ToArray();
        using var scope = NewDisposeScope();
        var scores = tensor(queries.ToArray(), [batch, Dimension]).mm(_vectors.t());
        var (values, indices) = scores.topk(k, dim: 1, largest: true, sorted: true);
        var topScores = values.data<float>().ToArray();
        var topRows = indices.data<long>().ToArray();
        var result = new IReadOnlyList<(int, float)>[batch];
        for (int q = 0; q < batch; q++)
            result[q] = Enumerable.Range(q * k, k).Select(i => ((int)topRows[i], topScores[i])).ToArray();
        return result;
    }

    public void Dispose() => _vectors.Dispose();
}
