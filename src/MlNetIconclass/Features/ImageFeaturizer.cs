using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MlNetIconclass.Features;

/// <summary>
/// ML.NET image featurization: resize, extract pixels, run the ONNX vision model (and its preprocessing).
/// </summary>
public static class ImageFeaturizerCatalog
{
    /// <summary>
    /// An estimator from an image column (ImageAnalytics' image type, for instance from <c>LoadImages</c>) to a
    /// vector column of <see cref="ImageModelOptions.Dimension"/> features.
    /// </summary>
    public static IEstimator<ITransformer> FeaturizeImages(
        this TransformsCatalog transforms,
        ImageModelOptions model,
        string outputColumnName,
        string inputColumnName,
        bool useCuda = false
    )
    {
        return transforms
            .PrepareImageModelInput(model, inputColumnName, useCuda)
            .Append(
                transforms.ApplyOnnxModel(
                    [model.OutputName],
                    [model.InputName],
                    model.ModelPath,
                    useCuda ? 0 : null,
                    fallbackToCpu: true
                )
            )
            .Append(transforms.CopyColumns(outputColumnName, model.OutputName));
    }

    /// <summary>
    /// The first half of <see cref="FeaturizeImages"/>: resize, extract pixels and run the preprocessing model, into
    /// the column named <see cref="ImageModelOptions.InputName"/> that the vision model reads.
    /// </summary>
    public static IEstimator<ITransformer> PrepareImageModelInput(
        this TransformsCatalog transforms,
        ImageModelOptions model,
        string inputColumnName,
        bool useCuda = false
    )
    {
        string pixels = model.PreprocessModelPath is null
            ? model.InputName
            : model.PreprocessInputName
                ?? throw new ArgumentException("a preprocessing model needs its input name", nameof(model));
        var pipeline = transforms
            .ResizeImages(
                "ResizedImage",
                model.Width,
                model.Height,
                inputColumnName,
                ImageResizingEstimator.ResizingKind.IsoCrop
            )
            .Append(
                transforms.ExtractPixels(
                    pixels,
                    "ResizedImage",
                    interleavePixelColors: model.Interleave,
                    offsetImage: model.Offset,
                    scaleImage: model.Scale
                )
            );
        if (model.PreprocessModelPath is null)
            return pipeline;
        string preprocessed =
            model.PreprocessOutputName
            ?? throw new ArgumentException("a preprocessing model needs its output name", nameof(model));
        return pipeline
            .Append(
                transforms.ApplyOnnxModel(
                    [preprocessed],
                    [pixels],
                    model.PreprocessModelPath,
                    useCuda ? 0 : null,
                    fallbackToCpu: true
                )
            )
            .Append(transforms.CopyColumns(model.InputName, preprocessed));
    }
}

/// <summary>
/// Features of artwork images through the <see cref="ImageFeaturizerCatalog.FeaturizeImages"/> pipeline, with an
/// optional per-image cache so that retraining does not recompute them.
/// </summary>
public sealed class ImageFeaturizer : IDisposable
{
    private readonly MLContext _ml = new(seed: 0);
    private readonly ITransformer _pipeline;
    private readonly Lazy<ITransformer> _modelInput;
    private readonly ImageFeatureCache? _cache;

    public ImageFeaturizer(
        ImageModelOptions model,
        ComputeDevice device = ComputeDevice.Auto,
        string? cacheFolder = null,
        Action<string>? log = null
    )
    {
        if (!File.Exists(model.ModelPath))
            throw new FileNotFoundException($"The image model '{model.ModelPath}' does not exist.", model.ModelPath);
        Model = model;
        bool cuda = OnnxSessions.CudaLoads(
            device,
            log is null ? null : line => log($"image model {model.Name}: {line}")
        );
        _pipeline = _ml
            .Transforms.FeaturizeImages(model, nameof(FeatureRow.Features), nameof(ImageRow.Image), cuda)
            .Fit(ImageRows([]));
        _modelInput = new(() =>
            _ml
                .Transforms.PrepareImageModelInput(model, nameof(ImageRow.Image), cuda)
                .Append(_ml.Transforms.CopyColumns(nameof(FeatureRow.Features), model.InputName))
                .Fit(ImageRows([]))
        );
        _cache = cacheFolder is null ? null : new ImageFeatureCache(cacheFolder, model.Name);
    }

    public ImageModelOptions Model { get; }

    /// <summary>Features of each image, in order; null where the image did not load (its problem says why).</summary>
    public float[]?[] Featurize(IReadOnlyList<LoadedImage> images)
    {
        var features = new float[]?[images.Count];
        var toCompute = new List<int>();
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i].Image is null)
                continue;
            if (_cache?.TryGet(images[i].ContentHash!) is { } cached)
                features[i] = cached;
            else
                toCompute.Add(i);
        }
        if (toCompute.Count == 0)
            return features;

        var output = _pipeline.Transform(ImageRows(toCompute.Select(i => new ImageRow { Image = images[i].Image })));
        int next = 0;
        foreach (var row in _ml.Data.CreateEnumerable<FeatureRow>(output, reuseRowObject: false))
        {
            int index = toCompute[next++];
            features[index] = row.Features;
            _cache?.Put(images[index].ContentHash!, row.Features);
        }
        return features;
    }

    /// <summary>
    /// What the vision model reads for each image (after resizing, pixel extraction and preprocessing), in order;
    /// null where the image did not load. Fine-tuning the model in TorchSharp starts from these.
    /// </summary>
    public float[]?[] ModelInputs(IReadOnlyList<LoadedImage> images)
    {
        var inputs = new float[]?[images.Count];
        var usable = Enumerable.Range(0, images.Count).Where(i => images[i].Image is not null).ToArray();
        var output = _modelInput.Value.Transform(
            ImageRows(usable.Select(i => new ImageRow { Image = images[i].Image }))
        );
        int next = 0;
        foreach (var row in _ml.Data.CreateEnumerable<FeatureRow>(output, reuseRowObject: false))
            inputs[usable[next++]] = row.Features;
        return inputs;
    }

    static ImageFeaturizer()
    {
        // Images of any size, which the ImageType attribute cannot express: an MLImage member without one maps to
        // the size-less image type.
        DataViewTypeManager.Register(new ImageDataViewType(), typeof(MLImage));
    }

    private IDataView ImageRows(IEnumerable<ImageRow> rows)
    {
        return _ml.Data.LoadFromEnumerable(rows);
    }

    public void Dispose()
    {
        (_pipeline as IDisposable)?.Dispose();
        if (_modelInput.IsValueCreated)
            (_modelInput.Value as IDisposable)?.Dispose();
    }

    private sealed class ImageRow
    {
        public MLImage? Image { get; set; }
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}

/// <summary>Image features on disk, one small file per image content hash and model.</summary>
internal sealed class ImageFeatureCache(string folder, string modelName)
{
    private readonly string _folder = Path.Combine(folder, modelName);

    public float[]? TryGet(string contentHash)
    {
        string path = PathOf(contentHash);
        if (!File.Exists(path))
            return null;
        var bytes = File.ReadAllBytes(path);
        return bytes.Length % sizeof(float) == 0
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray()
            : null;
    }

    public void Put(string contentHash, float[] features)
    {
        Directory.CreateDirectory(_folder);
        string path = PathOf(contentHash);
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(
            temporary,
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.AsSpan()).ToArray()
        );
        File.Move(temporary, path, overwrite: true);
    }

    private string PathOf(string contentHash) => Path.Combine(_folder, contentHash + ".f32");
}
