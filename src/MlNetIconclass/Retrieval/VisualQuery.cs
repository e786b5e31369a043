using System.IO.Compression;
using MlNetIconclass.Features;
using MlNetIconclass.Persistence;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// The image side of the query tower: the trained projection and gate, and where image features come from (the
/// vision model, fine-tuned or not). Saves itself as <c>vision.f16</c>, and a fine-tuned vision model as
/// <c>vision-backbone.onnx</c>.
/// </summary>
internal sealed class VisualQuery(VisualFusion fusion, ArtworkImageFeatures images) : IDisposable
{
    private const string FineTunedModelEntry = "vision-backbone.onnx";

    public VisualFusion Fusion => fusion;

    public ArtworkImageFeatures Images => images;

    internal void Save(IModelEntryWriter writer)
    {
        fusion.Save(writer);
        if (!images.Featurizer.Model.IsFineTuned)
            return;
        using var entry = writer.Create(FineTunedModelEntry, CompressionLevel.Fastest);
        using var model = File.OpenRead(images.Featurizer.Model.ModelPath);
        model.CopyTo(entry);
    }

    /// <summary>
    /// The image side as saved, reading images through <paramref name="baseModel"/>, the vision model the query tower
    /// was trained with, or through its fine-tuned weights when the file has them.
    /// </summary>
    internal static VisualQuery Load(
        IModelEntryReader reader,
        ImageModelOptions baseModel,
        ComputeDevice device,
        Action<string>? log,
        Action<string>? warn,
        ImageAccess access
    )
    {
        var fusion = VisualFusion.Load(reader);
        var model = reader.Contains(FineTunedModelEntry)
            ? baseModel.WithFineTunedModel(FineTunedModel(reader))
            : baseModel;
        if (model.Dimension != fusion.FeatureDimension)
            throw new InvalidDataException(
                $"the image projection takes {fusion.FeatureDimension} features; {model.Name} gives {model.Dimension}"
            );
        return new VisualQuery(
            fusion,
            new ArtworkImageFeatures(new ImageFeaturizer(model, device, log: log), access, warn)
        );
    }

    private static byte[] FineTunedModel(IModelEntryReader reader)
    {
        var bytes = reader.ReadAllBytes(FineTunedModelEntry);
        OnnxGraphs.ParseSelfContained(bytes, FineTunedModelEntry);
        return bytes;
    }

    public void Dispose() => images.Dispose();
}
