namespace MlNetIconclass.Features;

/// <summary>Texts to L2-normalised vectors, for dense retrieval; row-major <c>[texts, Dimension]</c>.</summary>
public interface ITextEmbedder
{
    int Dimension { get; }

    float[] Embed(IReadOnlyList<string> texts);
}

/// <summary>The text encoders a dual encoder can use.</summary>
public enum TextEncoderKind
{
    /// <summary>Hashed character n-grams and words, trained from scratch: language-agnostic and small.</summary>
    Ngram,

    /// <summary>The packaged MiniLM (English-pretrained BERT), fine-tuned end to end.</summary>
    MiniLm,
}
