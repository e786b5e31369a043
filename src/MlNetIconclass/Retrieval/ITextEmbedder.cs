namespace MlNetIconclass.Retrieval;

/// <summary>Texts to L2-normalised vectors, for dense retrieval; row-major <c>[texts, Dimension]</c>.</summary>
public interface ITextEmbedder
{
    int Dimension { get; }

    float[] Embed(IReadOnlyList<string> texts);
}
