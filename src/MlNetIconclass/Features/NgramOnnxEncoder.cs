using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MlNetIconclass.Features;

/// <summary>
/// The n-gram text encoder for ranking: texts hashed into n-gram buckets (<see cref="HashedNgrams"/>), the mean of
/// their bucket vectors from the <see cref="NgramTable"/>, and the network of <see cref="NgramEncoderGraph"/> on ONNX
/// Runtime (on the GPU when there is one).
/// </summary>
internal sealed class NgramOnnxEncoder : ITextEmbedder, IDisposable
{
    /// <summary>Texts per network run: the network is small, so runs are few and large.</summary>
    private const int BatchSize = 4096;

    private readonly InferenceSession _network;
    private readonly NgramTable _table;
    private readonly HashedNgrams _ngrams;

    public NgramOnnxEncoder(
        ModelProto network,
        NgramTable table,
        ComputeDevice device = ComputeDevice.Auto,
        Action<string>? log = null
    )
    {
        _table = table;
        _ngrams = new HashedNgrams(table.Buckets);
        _network = OnnxSessions.Create(Google.Protobuf.MessageExtensions.ToByteArray(network), device, log);
        Dimension = (int)_network.OutputMetadata[NgramEncoderGraph.Embeddings].Dimensions[^1];
        if (Dimension != table.Dimension)
            throw new InvalidDataException($"the n-gram table is {table.Dimension} wide, the network {Dimension}");
    }

    public int Dimension { get; }

    public float[] Embed(IReadOnlyList<string> texts)
    {
        var result = new float[texts.Count * Dimension];
        for (int start = 0; start < texts.Count; start += BatchSize)
        {
            int count = Math.Min(BatchSize, texts.Count - start);
            var ids = texts.Skip(start).Take(count).AsParallel().AsOrdered().Select(_ngrams.Featurize).ToArray();
            var pooled = _table.Mean(ids);
            using var input = OrtValue.CreateTensorValueFromMemory(pooled, [count, Dimension]);
            using var options = new RunOptions();
            using var output = _network.Run(
                options,
                [NgramEncoderGraph.Pooled],
                [input],
                [NgramEncoderGraph.Embeddings]
            );
            output[0].GetTensorDataAsSpan<float>().CopyTo(result.AsSpan(start * Dimension, count * Dimension));
        }
        return result;
    }

    public void Dispose() => _network.Dispose();
}
