using MlNetIconclass.Retrieval;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>A trained <see cref="DualEncoder"/> as an <see cref="ITextEmbedder"/> for retrieval.</summary>
public sealed class DualEncoderEmbedder(DualEncoder model, Device device) : ITextEmbedder
{
    public int Dimension => model.Tower.Dimension;

    public float[] Embed(IReadOnlyList<string> texts)
    {
        model.eval();
        return model.EncodeForIndex(texts, device);
    }
}
