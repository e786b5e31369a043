using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace MlNetIconclass.Features;

/// <summary>
/// Sentence embeddings from a BERT ONNX graph (the packaged MiniLM or a fine-tuned export) on ONNX Runtime: the mean
/// of <c>last_hidden_state</c> over real tokens, L2-normalised.
/// </summary>
public sealed class BertOnnxEncoder : ITextEmbedder, IDisposable
{
    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly int _maxLength;

    public BertOnnxEncoder(
        byte[] onnxModel,
        BertTokenizer tokenizer,
        ComputeDevice device = ComputeDevice.Auto,
        int maxLength = 128,
        Action<string>? log = null
    )
    {
        _session = OnnxSessions.Create(onnxModel, device, log);
        _tokenizer = tokenizer;
        _maxLength = maxLength;
        Dimension = (int)_session.OutputMetadata["last_hidden_state"].Dimensions[^1];
    }

    public int Dimension { get; }

    /// <summary>One normalised embedding per text, computed <paramref name="batchSize"/> texts at a time.</summary>
    public float[][] Encode(IReadOnlyList<string> texts, int batchSize = 64)
    {
        var embeddings = new float[texts.Count][];
        for (int start = 0; start < texts.Count; start += batchSize)
        {
            var batch = TokenBatch.Encode(_tokenizer, texts.Skip(start).Take(batchSize).ToArray(), _maxLength);
            var pooled = EncodeBatch(batch);
            for (int i = 0; i < batch.Count; i++)
                embeddings[start + i] = pooled[i];
        }
        return embeddings;
    }

    /// <summary>Row-major embeddings, as <see cref="ITextEmbedder"/> gives them.</summary>
    public float[] Embed(IReadOnlyList<string> texts) => Encode(texts).SelectMany(row => row).ToArray();

    /// <summary>The pooled, normalised embeddings of one tokenized batch.</summary>
    internal float[][] EncodeBatch(TokenBatch batch)
    {
        int[] shape = [batch.Count, batch.Length];
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(batch.InputIds, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(batch.AttentionMask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(batch.TokenTypeIds, shape)),
        };
        using var results = _session.Run(inputs, ["last_hidden_state"]);
        var hidden = results[0].AsTensor<float>();
        var pooled = new float[batch.Count][];
        for (int row = 0; row < batch.Count; row++)
        {
            var sum = new float[Dimension];
            int tokens = 0;
            for (int position = 0; position < batch.Length; position++)
            {
                if (batch.AttentionMask[row * batch.Length + position] == 0)
                    continue;
                tokens++;
                for (int d = 0; d < Dimension; d++)
                    sum[d] += hidden[row, position, d];
            }
            pooled[row] = Normalize(sum, Math.Max(tokens, 1));
        }
        return pooled;
    }

    private static float[] Normalize(float[] sum, int count)
    {
        double norm = 0;
        for (int d = 0; d < sum.Length; d++)
        {
            sum[d] /= count;
            norm += sum[d] * sum[d];
        }
        float scale = (float)(1 / Math.Max(Math.Sqrt(norm), 1e-12));
        for (int d = 0; d < sum.Length; d++)
            sum[d] *= scale;
        return sum;
    }

    public void Dispose() => _session.Dispose();
}
