using MlNetIconclass.Features;
using Microsoft.ML.Tokenizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>The text encoders a dual encoder can use.</summary>
public enum TextEncoderKind
{
    /// <summary>Hashed character n-grams and words, trained from scratch: language-agnostic and small.</summary>
    Ngram,
    /// <summary>The packaged MiniLM (English-pretrained BERT), fine-tuned end to end.</summary>
    MiniLm,
}

/// <summary>Turns texts into L2-normalised embeddings, differentiably.</summary>
public abstract class TextTower(string name) : nn.Module(name)
{
    public abstract int Dimension { get; }

    public abstract Tensor Encode(IReadOnlyList<string> texts, Device device);
}

/// <summary>
/// Hashed n-grams into a mean embedding bag, then a small residual network. Trained from scratch, so it learns
/// whatever languages its training pairs hold.
/// </summary>
public sealed class NgramTower : TextTower
{
    private readonly EmbeddingBag bag;
    private readonly Linear hidden;
    private readonly Linear output;
    private readonly HashedNgrams _features;

    public NgramTower(int buckets = 1 << 16, int dimension = 128) : base(nameof(NgramTower))
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
}

/// <summary>The MiniLM <see cref="BertEncoder"/> with its WordPiece tokenizer, mean-pooled.</summary>
public sealed class MiniLmTower : TextTower
{
    private readonly BertEncoder bert;
    private readonly BertTokenizer _tokenizer;
    private readonly int _maxLength;

    /// <summary>Tokens per text, [CLS] and [SEP] included; ONNX inference of a saved model uses the same.</summary>
    public const int MaxLength = 64;

    public MiniLmTower(BertEncoder bert, BertTokenizer tokenizer, int maxLength = MaxLength) : base(nameof(MiniLmTower))
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
        return bert.Embed(tensor(batch.InputIds, shape, device: device), tensor(batch.AttentionMask, shape, device: device),
            tensor(batch.TokenTypeIds, shape, device: device)).MoveToOuterDisposeScope();
    }
}
