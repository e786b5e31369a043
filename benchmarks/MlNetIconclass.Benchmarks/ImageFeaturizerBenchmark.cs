using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;

namespace MlNetIconclass.Benchmarks;

/// <summary>
/// Featurizing 16 decoded paintings through the ML.NET pipeline (ResizeImages, ExtractPixels, the preprocessing
/// model and ResNet18 by ApplyOnnxModel) against bare ONNX Runtime running the same two models on ready pixel tensors,
/// one image at a time in both (the packaged ResNet18 has a fixed batch of 1). Target: Ratio ≤ 1.11 (the pipeline at
/// 90% of bare ONNX Runtime's throughput or better). Decoding the files is outside both.
/// </summary>
public class ImageFeaturizerBenchmark
{
    private const int Images = 16;
    private ImageFeaturizer _featurizer = null!;
    private LoadedImage[] _images = [];
    private InferenceSession _preprocess = null!;
    private InferenceSession _resnet = null!;
    private DenseTensor<float>[] _pixels = [];

    [GlobalSetup]
    public void Setup()
    {
        var model = ImageModelOptions.ResNet18;
        _featurizer = new ImageFeaturizer(model, ComputeDevice.Cpu);
        string folder = Path.Combine(Path.GetDirectoryName(BundledSamples.Saints)!, "saints");
        _images = Directory
            .GetFiles(folder, "*.jpg")
            .Order()
            .Take(Images)
            .Select(path => ArtworkImages.Load(Path.GetFileName(path), path, null))
            .ToArray();
        _preprocess = new InferenceSession(model.PreprocessModelPath!);
        _resnet = new InferenceSession(model.ModelPath);
        var random = new Random(1);
        _pixels = _images
            .Select(_ =>
            {
                var tensor = new DenseTensor<float>([1, 3, model.Height, model.Width]);
                for (int i = 0; i < tensor.Length; i++)
                    tensor.SetValue(i, random.Next(256));
                return tensor;
            })
            .ToArray();
    }

    [Benchmark(Baseline = true, Description = "bare ONNX Runtime, preprocessing + ResNet18, 16 images")]
    public float Bare()
    {
        float sum = 0;
        foreach (var pixels in _pixels)
        {
            using var preprocessed = _preprocess.Run([NamedOnnxValue.CreateFromTensor("OriginalInput", pixels)]);
            var input = preprocessed.First().AsTensor<float>();
            using var features = _resnet.Run([NamedOnnxValue.CreateFromTensor("Input247", input)]);
            sum += features.First().AsTensor<float>()[0, 0, 0, 0];
        }
        return sum;
    }

    [Benchmark(Description = "ImageFeaturizer pipeline (resize, extract, ONNX), 16 images")]
    public float Pipeline() => _featurizer.Featurize(_images).Sum(features => features![0]);

    [GlobalCleanup]
    public void Cleanup()
    {
        _preprocess.Dispose();
        _resnet.Dispose();
        foreach (var image in _images)
            image.Image?.Dispose();
    }
}
