using Microsoft.ML.Tokenizers;
using MlNetIconclass.Features;
using MlNetIconclass.Persistence;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>Turns texts into L2-normalised embeddings, differentiably.</summary>
internal abstract class TextTower(string name) : nn.Module(name)
{
    public abstract int Dimension { get; }

    public abstract Tensor Encode(IReadOnlyList<string> texts, Device device);
}

/// <summary>
/// Hashed n-grams into a mean embedding bag, then a small residual network. Trained from scratch, so it learns
/// whatever languages its training pairs hold.
/// </summary>
internal sealed class NgramTower : TextTower
{
    private readonly EmbeddingBag bag;
    private readonly Linear hidden;
    private readonly Linear output;
    private readonly HashedNgrams _features;

    public NgramTower(int buckets = 1 << 16, int dimension = 128)
        : base(nameof(NgramTower))
    {
        _features = new HashedNgrams(buckets);
        bag = nn.EmbeddingBag(buckets, dimension, mode: EmbeddingBagMode.Mean);
        hidden = nn.Linear(dimension, dimension);
        output = nn.Linear(dimension, dimension);
        Dimension = dimension;
        RegisterComponents();
        using var noGrad = no_grad();
        nn.init.normal_(bag.weight!, std: 0.1);
    }

    public override int Dimension { get; }

    public override Tensor Encode(IReadOnlyList<string> texts, Device device)
    {
        using var scope = NewDisposeScope();
        var (ids, offsets) = _features.FeaturizeBatch(texts);
        var pooled = bag.forward(tensor(ids, device: device), tensor(offsets, device: device), null);
        var refined = pooled + output.forward(nn.functional.gelu(hidden.forward(pooled)));
        return nn.functional.normalize(refined, p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>Sets the weights to those of a saved encoder of the same shape (a warm start).</summary>
    public void ImportWeights(NgramEncoderWeights weights)
    {
        if (weights.Buckets != _features.Buckets || weights.Dimension != Dimension)
            throw new ArgumentException(
                $"an encoder of {weights.Buckets} buckets of {weights.Dimension} cannot load into one of "
                    + $"{_features.Buckets} of {Dimension}"
            );
        using var noGrad = no_grad();
        void Copy(Tensor parameter, float[] values)
        {
            using var source = tensor(values, parameter.shape);
            parameter.copy_(source);
        }
        Copy(bag.weight!, weights.Bag);
        Copy(hidden.weight!, weights.HiddenWeight);
        Copy(hidden.bias!, weights.HiddenBias);
        Copy(output.weight!, weights.OutputWeight);
        Copy(output.bias!, weights.OutputBias);
    }

    /// <summary>
    /// The weights rounded to half precision, for <see cref="NgramEncoderGraph"/>: the ONNX graph then computes what
    /// this module computes (the tests hold the two to 1e-5).
    /// </summary>
    public NgramEncoderWeights ExportWeights()
    {
        float[] Values(Tensor parameter)
        {
            using var cpu = parameter.detach().cpu().contiguous();
            return HalfPrecision.Rounded(cpu.data<float>().ToArray());
        }
        return new NgramEncoderWeights(
            _features.Buckets,
            Dimension,
            Values(bag.weight!),
            Values(hidden.weight!),
            Values(hidden.bias!),
            Values(output.weight!),
            Values(output.bias!)
        );
    }
}

/// <summary>The MiniLM <see cref="BertEncoder"/> with its WordPiece tokenizer, mean-pooled.</summary>
internal sealed class MiniLmTower : TextTower
{
    private readonly BertEncoder bert;
    private readonly BertTokenizer _tokenizer;
    private readonly int _maxLength;

    public MiniLmTower(BertEncoder bert, BertTokenizer tokenizer, int maxLength = MiniLmPackage.MaxTokens)
        : base(nameof(MiniLmTower))
    {
        this.bert = bert;
        _tokenizer = tokenizer;
        _maxLength = maxLength;
        RegisterComponents();
    }

    public BertEncoder Bert => bert;

    public override int Dimension => bert.HiddenSize;

    public override Tensor Encode(IReadOnlyList<string> texts, Device device)
    {
        using var scope = NewDisposeScope();
        var batch = TokenBatch.Encode(_tokenizer, texts, _maxLength);
        long[] shape = [batch.Count, batch.Length];
        return bert.Embed(
                tensor(batch.InputIds, shape, device: device),
                tensor(batch.AttentionMask, shape, device: device),
                tensor(batch.TokenTypeIds, shape, device: device)
            )
            .MoveToOuterDisposeScope();
    }
}
