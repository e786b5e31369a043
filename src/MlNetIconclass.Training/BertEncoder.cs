using MlNetIconclass.Features;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>
/// A BERT encoder in TorchSharp with MiniLM's shape, trainable end to end. Field names follow the Hugging Face
/// parameter names (<c>encoder.layer.0.attention.self.query.weight</c>), which are also the names of the ONNX
/// initializers, so <see cref="OnnxBertWeights"/> can map weights both ways.
/// </summary>
internal sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly BertEmbeddings embeddings;
    private readonly BertStack encoder;

    public BertEncoder(
        int layers = MiniLmPackage.Layers,
        int hidden = MiniLmPackage.HiddenSize,
        int heads = MiniLmPackage.Heads,
        int intermediate = MiniLmPackage.IntermediateSize,
        int vocabulary = MiniLmPackage.VocabularySize,
        int positions = MiniLmPackage.MaxPositions
    )
        : base(nameof(BertEncoder))
    {
        embeddings = new BertEmbeddings(vocabulary, positions, hidden);
        encoder = new BertStack(layers, hidden, heads, intermediate);
        HiddenSize = hidden;
        RegisterComponents();
    }

    public int HiddenSize { get; }

    /// <summary>The last hidden state, <c>[batch, length, hidden]</c>.</summary>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        // Padding gets -10000 before the softmax, as in the exported graph.
        var additiveMask = (1.0f - attentionMask.unsqueeze(1).unsqueeze(2).to_type(ScalarType.Float32)) * -10000.0f;
        return encoder.forward(embeddings.forward(inputIds, tokenTypeIds), additiveMask).MoveToOuterDisposeScope();
    }

    /// <summary>Sentence embeddings: the mean of the last hidden state over real tokens, L2-normalised.</summary>
    public Tensor Embed(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var hidden = forward(inputIds, attentionMask, tokenTypeIds);
        var mask = attentionMask.unsqueeze(-1).to_type(ScalarType.Float32);
        var mean = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9);
        return nn.functional.normalize(mean, p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    private sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Embedding word_embeddings;
        private readonly Embedding position_embeddings;
        private readonly Embedding token_type_embeddings;
        private readonly LayerNorm LayerNorm;

        public BertEmbeddings(int vocabulary, int positions, int hidden)
            : base("embeddings")
        {
            word_embeddings = nn.Embedding(vocabulary, hidden);
            position_embeddings = nn.Embedding(positions, hidden);
            token_type_embeddings = nn.Embedding(2, hidden);
            LayerNorm = nn.LayerNorm(hidden, MiniLmPackage.LayerNormEpsilon);
            RegisterComponents();
        }

        public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
        {
            using var positions = arange(inputIds.shape[1], dtype: ScalarType.Int64, device: inputIds.device)
                .unsqueeze(0);
            return LayerNorm.forward(
                word_embeddings.forward(inputIds)
                    + token_type_embeddings.forward(tokenTypeIds)
                    + position_embeddings.forward(positions)
            );
        }
    }

    private sealed class BertStack : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly ModuleList<BertLayer> layer;

        public BertStack(int layers, int hidden, int heads, int intermediate)
            : base("encoder")
        {
            layer = nn.ModuleList(
                Enumerable.Range(0, layers).Select(_ => new BertLayer(hidden, heads, intermediate)).ToArray()
            );
            RegisterComponents();
        }

        public override Tensor forward(Tensor hidden, Tensor additiveMask)
        {
            var current = hidden;
            foreach (var block in layer)
                current = block.forward(current, additiveMask);
            return current;
        }
    }

    private sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly BertAttention attention;
        private readonly DenseOnly intermediate;
        private readonly DenseAndNorm output;

        public BertLayer(int hidden, int heads, int intermediateSize)
            : base("layer")
        {
            attention = new BertAttention(hidden, heads);
            intermediate = new DenseOnly(hidden, intermediateSize);
            output = new DenseAndNorm(intermediateSize, hidden);
            RegisterComponents();
        }

        public override Tensor forward(Tensor hidden, Tensor additiveMask)
        {
            var attended = attention.forward(hidden, additiveMask);
            // Exact (erf) GELU, as the exported graph computes it.
            return output.forward(nn.functional.gelu(intermediate.forward(attended)), attended);
        }
    }

    private sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly SelfAttention self;
        private readonly DenseAndNorm output;

        public BertAttention(int hidden, int heads)
            : base("attention")
        {
            self = new SelfAttention(hidden, heads);
            output = new DenseAndNorm(hidden, hidden);
            RegisterComponents();
        }

        public override Tensor forward(Tensor hidden, Tensor additiveMask) =>
            output.forward(self.forward(hidden, additiveMask), hidden);
    }

    private sealed class SelfAttention : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Linear query;
        private readonly Linear key;
        private readonly Linear value;
        private readonly int _heads;

        public SelfAttention(int hidden, int heads)
            : base("self")
        {
            query = nn.Linear(hidden, hidden);
            key = nn.Linear(hidden, hidden);
            value = nn.Linear(hidden, hidden);
            _heads = heads;
            RegisterComponents();
        }

        public override Tensor forward(Tensor hidden, Tensor additiveMask)
        {
            long batch = hidden.shape[0],
                length = hidden.shape[1],
                width = hidden.shape[2],
                headSize = width / _heads;
            Tensor Split(Tensor x) => x.view(batch, length, _heads, headSize).transpose(1, 2);
            var scores =
                Split(query.forward(hidden)).matmul(Split(key.forward(hidden)).transpose(-1, -2)) / Math.Sqrt(headSize);
            var weights = (scores + additiveMask).softmax(-1);
            return weights.matmul(Split(value.forward(hidden))).transpose(1, 2).reshape(batch, length, width);
        }
    }

    private sealed class DenseOnly : nn.Module<Tensor, Tensor>
    {
        private readonly Linear dense;

        public DenseOnly(int input, int output)
            : base("intermediate")
        {
            dense = nn.Linear(input, output);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => dense.forward(x);
    }

    /// <summary>Dense, then a residual connection and LayerNorm: BERT's output sublayers.</summary>
    private sealed class DenseAndNorm : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Linear dense;
        private readonly LayerNorm LayerNorm;

        public DenseAndNorm(int input, int output)
            : base("output")
        {
            dense = nn.Linear(input, output);
            LayerNorm = nn.LayerNorm(output, MiniLmPackage.LayerNormEpsilon);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x, Tensor residual) => LayerNorm.forward(dense.forward(x) + residual);
    }
}
