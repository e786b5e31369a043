using System.Security.Cryptography;
using MlNetIconclass.Collections;

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

    /// <summary>Pixels (0 to 255, planar RGB unless <see cref="Interleave"/>) become <c>(pixel + Offset) * Scale</c>.</summary>
    public float Offset { get; init; }

    public float Scale { get; init; } = 1f;

    public bool Interleave { get; init; }

    /// <summary>An ONNX model run on the pixels before the main one (ResNet18's subtracts a mean image in BGR order).</summary>
    public string? PreprocessModelPath { get; init; }

    public string? PreprocessInputName { get; init; }

    public string? PreprocessOutputName { get; init; }

    private static string PackagedModels => BundledFiles.PathOf("DnnImageModels");

    public static ImageModelOptions ResNet18 { get; } = new()
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

    /// <summary>
    /// This model with fine-tuned weights: the ONNX graph is written where ONNX Runtime can open it (a file named by
    /// its content hash in the temporary folder), and the name carries the hash, so cached features of the original
    /// weights never stand in for the fine-tuned ones.
    /// </summary>
    public ImageModelOptions WithFineTunedModel(byte[] onnxModel)
    {
        string hash = Convert.ToHexStringLower(SHA256.HashData(onnxModel))[..16];
        string folder = Path.Combine(Path.GetTempPath(), "mlneticonclass-image-models");
        string path = Path.Combine(folder, $"{Name}-{hash}.onnx");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(folder);
            AtomicFile.WriteAsync(path, stream => stream.WriteAsync(onnxModel).AsTask()).GetAwaiter().GetResult();
        }
        return this with { Name = $"{Name}-finetuned-{hash}", ModelPath = path };
    }
}
