using Microsoft.ML;
using MlNetIconclass.Features;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Training;

/// <summary>Entry point in ML.NET's catalog style: <c>mlContext.Iconclass().DualEncoder(...)</c>.</summary>
public static class IconclassCatalogExtensions
{
    public static IconclassCatalog Iconclass(this MLContext mlContext) => new(mlContext);
}

public sealed class IconclassCatalog(MLContext mlContext)
{
    /// <summary>An estimator that trains the dual encoder and its hybrid ranker.</summary>
    public IconclassEstimator DualEncoder(IconclassThesaurus thesaurus, DualEncoderOptions? options = null, int top = 20,
        Action<string>? log = null, IProgress<TrainingProgress>? progress = null) =>
        new(mlContext, thesaurus, options ?? new DualEncoderOptions(), top, log, progress);

    /// <summary>Loads a model file saved by <see cref="IconclassTransformer.Save"/>.</summary>
    public IconclassTransformer LoadModel(string path, IconclassThesaurus thesaurus, ComputeDevice device = ComputeDevice.Auto, int top = 20,
        Action<string>? log = null) =>
        new(mlContext, IconclassModel.Load(path, thesaurus, device, log), top);
}
