using System.Numerics.Tensors;

namespace MlNetIconclass.Retrieval;

/// <summary>Exact top-k by dot product over normalised vectors (row-major), with a key per row.</summary>
public sealed class DenseIndex
{
    private readonly float[] _vectors;

    public DenseIndex(IReadOnlyList<string> keys, float[] vectors, int dimension)
    {
        if (vectors.Length != keys.Count * dimension)
            throw new ArgumentException($"{vectors.Length} values are not {keys.Count} rows of {dimension}.", nameof(vectors));
        Keys = keys;
        _vectors = vectors;
        Dimension = dimension;
    }

    public IReadOnlyList<string> Keys { get; }

    public int Dimension { get; }

    public ReadOnlySpan<float> Vector(int row) => _vectors.AsSpan(row * Dimension, Dimension);

    /// <summary>The <paramref name="count"/> rows most similar to the query, best first.</summary>
    public IReadOnlyList<ScoredCode> Search(ReadOnlySpan<float> query, int count) =>
        SearchRows(query, count).Select(hit => new ScoredCode(Keys[hit.Row], hit.Score)).ToArray();

    public IReadOnlyList<(int Row, float Score)> SearchRows(ReadOnlySpan<float> query, int count)
    {
        var scores = new float[Keys.Count];
        for (int row = 0; row < scores.Length; row++) scores[row] = TensorPrimitives.Dot(query, Vector(row));
        var top = new PriorityQueue<int, float>();
        for (int row = 0; row < scores.Length; row++)
        {
            if (top.Count < count) top.Enqueue(row, scores[row]);
            else if (scores[row] > scores[top.Peek()]) top.EnqueueDequeue(row, scores[row]);
        }
        var result = new (int, float)[top.Count];
        for (int i = result.Length - 1; i >= 0; i--)
        {
            int row = top.Dequeue();
            result[i] = (row, scores[row]);
        }
        return result;
    }
}
