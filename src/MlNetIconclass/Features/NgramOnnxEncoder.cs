using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MlNetIconclass.Features;

/// <summary>
/// The n-gram text encoder on ONNX Runtime: texts hashed into n-gram buckets (<see cref="HashedNgrams"/>) and run
/// through the graph of <see cref="NgramEncoderGraph"/>, on the GPU when there is one. Texts are run in batches of
/// similar length, so that little of each padded batch is padding.
/// </summary>
internal sealed class NgramOnnxEncoder : ITextEmbedder, IDisposable
{
    /// <summary>Padded ids per run: bounds the gathered vectors (ids x dimension floats) to a few tens of
    /// megabytes.</summary>
    private const int IdsPerRun = 1 << 16;

    private readonly InferenceSession _session;
    private readonly HashedNgrams _ngrams;

    public NgramOnnxEncoder(ModelProto graph, ComputeDevice device = ComputeDevice.Auto, Action<string>? log = null)
    {
        _ngrams = new HashedNgrams(NgramEncoderGraph.BucketsOf(graph));
        _session = OnnxSessions.Create(Google.Protobuf.MessageExtensions.ToByteArray(graph), device, log);
        Dimension = (int)_session.OutputMetadata[NgramEncoderGraph.Embeddings].Dimensions[^1];
    }

    public int Dimension { get; }

    public float[] Embed(IReadOnlyList<string> texts)
    {
        var ids = texts.Select(_ngrams.Featurize).ToArray();
        var result = new float[texts.Count * Dimension];
        var byLength = Enumerable.Range(0, texts.Count).OrderBy(i => ids[i].Count).ToArray();
        for (int start = 0; start < byLength.Length; )
        {
            // The batch grows while the padded batch (its count times its longest, the last in length order) fits.
            int end = start + 1;
            while (end < byLength.Length && (long)(end + 1 - start) * ids[byLength[end]].Count <= IdsPerRun)
                end++;
            var batch = byLength[start..end];
            var embeddings = EmbedBatch(batch.Select(i => ids[i]).ToArray());
            for (int j = 0; j < batch.Length; j++)
                embeddings.AsSpan(j * Dimension, Dimension).CopyTo(result.AsSpan(batch[j] * Dimension, Dimension));
            start = end;
        }
        return result;
    }

    private float[] EmbedBatch(IReadOnlyList<List<int>> texts)
    {
        int length = texts.Max(ids => ids.Count);
        var padded = new long[texts.Count * length];
        var mask = new float[texts.Count * length];
        var counts = new float[texts.Count];
        for (int text = 0; text < texts.Count; text++)
        {
            counts[text] = texts[text].Count;
            for (int i = 0; i < texts[text].Count; i++)
            {
                padded[text * length + i] = texts[text][i];
                mask[text * length + i] = 1;
            }
        }
        using var idValue = OrtValue.CreateTensorValueFromMemory(padded, [texts.Count, length]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [texts.Count, length]);
        using var countValue = OrtValue.CreateTensorValueFromMemory(counts, [counts.Length]);
        using var options = new RunOptions();
        using var results = _session.Run(
            options,
            [NgramEncoderGraph.Ids, NgramEncoderGraph.Mask, NgramEncoderGraph.Counts],
            [idValue, maskValue, countValue],
            [NgramEncoderGraph.Embeddings]
        );
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose() => _session.Dispose();
}
