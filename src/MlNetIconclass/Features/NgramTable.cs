using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using MlNetIconclass.Persistence;

namespace MlNetIconclass.Features;

/// <summary>
/// The n-gram encoder's table of bucket vectors (<c>[buckets, dimension]</c>, row-major), and the mean of a text's
/// bucket vectors computed from it in place: the embedding bag that starts the encoder. Kept at half precision on disk
/// and as floats in memory.
/// </summary>
internal sealed class NgramTable
{
    public NgramTable(int buckets, int dimension, float[] vectors)
    {
        if (buckets <= 0 || dimension <= 0 || vectors.LongLength != (long)buckets * dimension)
            throw new InvalidDataException(
                $"an n-gram table of {vectors.Length} values is not {buckets} buckets of {dimension}"
            );
        Buckets = buckets;
        Dimension = dimension;
        Vectors = vectors;
    }

    public int Buckets { get; }

    public int Dimension { get; }

    public float[] Vectors { get; }

    /// <summary>
    /// The mean of each text's bucket vectors, row-major <c>[texts, Dimension]</c>; texts are spread over the cores.
    /// </summary>
    public float[] Mean(IReadOnlyList<IReadOnlyList<int>> texts)
    {
        var pooled = new float[texts.Count * Dimension];
        Parallel.For(0, texts.Count, text => MeanOf(texts[text], pooled.AsSpan(text * Dimension, Dimension)));
        return pooled;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MeanOf(IReadOnlyList<int> buckets, Span<float> sum)
    {
        foreach (int bucket in buckets)
            TensorPrimitives.Add(sum, Vectors.AsSpan(bucket * Dimension, Dimension), sum);
        TensorPrimitives.Divide(sum, Math.Max(1, buckets.Count), sum);
    }

    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Buckets);
        writer.Write(Dimension);
        HalfPrecision.WriteValues(writer, Vectors);
    }

    public static NgramTable Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        int buckets = reader.ReadInt32();
        int dimension = reader.ReadInt32();
        if (buckets <= 0 || dimension <= 0)
            throw new InvalidDataException(
                $"an n-gram table needs positive buckets and dimension, not {buckets} and {dimension}"
            );
        return new NgramTable(buckets, dimension, HalfPrecision.ReadValues(reader, (long)buckets * dimension));
    }
}
