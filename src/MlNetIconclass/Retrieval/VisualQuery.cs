using System.IO.Compression;
using MlNetIconclass.Features;
using MlNetIconclass.Persistence;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// The image side of the query tower: the trained projection and gate, and the vision model that gives image
/// features (fine-tuned or not). The images themselves come with each ranking call (<see cref="ReadImages"/>). Saves
/// itself as <c>vision.f16</c>, and a fine-tuned vision model as <c>vision-backbone.onnx</c>.
/// </summary>
internal sealed class VisualQuery(ImageProjection projection, ImageFeaturizer featurizer) : IDisposable
{
    private const string FineTunedModelEntry = "vision-backbone.onnx";

    public ImageProjection Projection => projection;

    /// <summary>
    /// Image features for one call or chunk, read through <paramref name="access"/>; the caller owns them.
    /// </summary>
    public ArtworkImageFeatures ReadImages(ImageAccess access, Action<string>? warn = null) =>
        new(featurizer, access, warn);

    internal void Save(IModelEntryWriter writer)
    {
        projection.Save(writer);
        if (!featurizer.Model.IsFineTuned)
            return;
        using var entry = writer.Create(FineTunedModelEntry, CompressionLevel.Fastest);
        using var model = File.OpenRead(featurizer.Model.ModelPath);
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
        Action<string>? log
    )
    {
        var projection = ImageProjection.Load(reader);
        var model = reader.Contains(FineTunedModelEntry)
            ? baseModel.WithFineTunedModel(FineTunedModel(reader))
            : baseModel;
        if (model.Dimension != projection.FeatureDimension)
            throw new InvalidDataException(
                $"the image projection takes {projection.FeatureDimension} features; "
                    + $"{model.Name} gives {model.Dimension}"
            );
        return new VisualQuery(projection, new ImageFeaturizer(model, device, log: log));
    }

    private static byte[] FineTunedModel(IModelEntryReader reader)
    {
        var bytes = reader.ReadAllBytes(FineTunedModelEntry);
        OnnxGraphs.ParseSelfContained(bytes, FineTunedModelEntry);
        return bytes;
    }

    public void Dispose() => featurizer.Dispose();
}
