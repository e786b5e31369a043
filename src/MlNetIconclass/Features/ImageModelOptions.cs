using MlNetIconclass.Persistence;

namespace MlNetIconclass.Features;

/// <summary>
/// An ONNX vision model that turns a pixel tensor into a feature vector, and how to feed it: input size, pixel
/// scaling, an optional preprocessing model run before it, and the tensor names. The default is the ImageNet ResNet18
/// of Microsoft.ML.DnnImageFeaturizer.ResNet18 (512 features); a CLIP image encoder a user exported is another.
/// </summary>
public sealed record ImageModelOptions
{
    /// <summary>Names the model in manifests and feature caches; features of different models never mix.</summary>
    public required string Name { get; init; }

    public required string ModelPath { get; init; }

    public required string InputName { get; init; }

    public required string OutputName { get; init; }

    /// <summary>The length of the output vector.</summary>
    public required int Dimension { get; init; }

    public int Width { get; init; } = 224;

    public int Height { get; init; } = 224;

    /// <summary>
    /// Pixels (0 to 255, planar RGB unless <see cref="Interleave"/>) become <c>(pixel + Offset) * Scale</c>.
    /// </summary>
    public float Offset { get; init; }

    public float Scale { get; init; } = 1f;

    public bool Interleave { get; init; }

    /// <summary>
    /// An ONNX model run on the pixels before the main one (ResNet18's subtracts a mean image in BGR order).
    /// </summary>
    public string? PreprocessModelPath { get; init; }

    public string? PreprocessInputName { get; init; }

    public string? PreprocessOutputName { get; init; }

    /// <summary>
    /// Whether <see cref="ModelPath"/> holds weights fine-tuned on a collection (see <see cref="WithFineTunedModel"/>).
    /// </summary>
    public bool IsFineTuned { get; init; }

    private static string PackagedModels => BundledFiles.PathOf("DnnImageModels");

    public static ImageModelOptions ResNet18 { get; } =
        new()
        {
            Name = "resnet18-imagenet",
            ModelPath = Path.Combine(PackagedModels, "ResNet18Onnx", "ResNet18.onnx"),
            InputName = "Input247",
            OutputName = "Pooling395_Output_0",
            Dimension = 512,
            PreprocessModelPath = Path.Combine(PackagedModels, "ResNetPrepOnnx", "ResNetPreprocess.onnx"),
            PreprocessInputName = "OriginalInput",
            PreprocessOutputName = "PreprocessedInput",
        };

    /// <summary>The vision models that ship with the library, by name.</summary>
    public static IReadOnlyList<ImageModelOptions> Packaged { get; } = [ResNet18];

    /// <summary>
    /// The model a saved model was trained with: a packaged one found by its name (never by a path the file holds, so
    /// a model trained on another machine loads here), or the one the caller gives.
    /// </summary>
    public static ImageModelOptions Resolve(string name, ImageModelOptions? given = null)
    {
        if (given is not null)
            return given.Name == name
                ? given
                : throw new InvalidDataException($"the model reads images with '{name}', not '{given.Name}'");
        return Packaged.FirstOrDefault(model => model.Name == name)
            ?? throw new InvalidDataException(
                $"the model reads images with '{name}', which is not packaged with this library "
                    + $"({string.Join(", ", Packaged.Select(model => model.Name))}); pass its ImageModelOptions"
            );
    }

    /// <summary>
    /// This model with fine-tuned weights: the ONNX graph is written where ONNX Runtime can open it (a file named by
    /// its content hash in the user's private cache, <see cref="PrivateCache"/>), and the name carries the hash, so
    /// cached features of the original weights never stand in for the fine-tuned ones.
    /// </summary>
    public ImageModelOptions WithFineTunedModel(byte[] onnxModel)
    {
        string path = PrivateCache.Store("image-models", onnxModel, ".onnx");
        string hash = Path.GetFileNameWithoutExtension(path)[..16];
        return this with { Name = $"{Name}-finetuned-{hash}", ModelPath = path, IsFineTuned = true };
    }
}
