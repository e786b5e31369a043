using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Retrieval;
using Google.Protobuf;
using Onnx;
using MlNetIconclass.Thesaurus;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>
/// A trained dual encoder with its hybrid ranker: what <c>Fit</c> returns, and what is saved to and loaded from one
/// model file (a zip: <c>manifest.json</c>; <c>encoder.f16</c>, half-precision n-gram weights, or <c>encoder.onnx</c>,
/// the fine-tuned MiniLM with <c>labels-LANG.f16</c>, its label embeddings; <c>memory.jsonl</c>, the training records
/// the memory components search).
/// </summary>
public sealed class IconclassModel : ICodeRanker, IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    private readonly EncoderWeights _weights;
    private readonly ITextEmbedder _embedder;
    private readonly LabeledRecords _memory;

    private IconclassModel(EncoderWeights weights, LabelIndexes labels, LabeledRecords memory, ModelManifest manifest, VisualQuery? visual)
    {
        _weights = weights;
        _embedder = labels.Embedder;
        _memory = memory;
        Manifest = manifest;
        Ranker = new HybridRanker(new HybridComponents(labels, memory, manifest.Neighbours, visual), manifest.Weights);
    }

    /// <summary>
    /// The trained encoder as it is stored: n-gram weights in half precision, or MiniLM's fine-tuned weights written
    /// back into a copy of the packaged ONNX graph, which ONNX Runtime then runs (on a GPU when there is one).
    /// </summary>
    private sealed record EncoderWeights(DualEncoder? Ngram, byte[]? Onnx);

    /// <summary>The stored form of a trained encoder, and the embedder that ranks with exactly that form.</summary>
    private static (EncoderWeights, ITextEmbedder) Freeze(DualEncoder encoder, Device device, ComputeDevice preference, Action<string>? log)
    {
        if (encoder.Tower is MiniLmTower miniLm)
        {
            var onnx = OnnxBertWeights.Export(miniLm.Bert, Onnx.ModelProto.Parser.ParseFrom(MiniLmPackage.ReadOnnxModel())).ToByteArray();
            encoder.Dispose();
            return (new EncoderWeights(null, onnx), OnnxEmbedder(onnx, preference, log));
        }
        // Rounded now, so the saved half-precision model ranks exactly as this one.
        Float16Weights.RoundInPlace(encoder);
        return (new EncoderWeights(encoder, null), new DualEncoderEmbedder(encoder, device));
    }

    private static OnnxTextEncoder OnnxEmbedder(byte[] onnx, ComputeDevice preference, Action<string>? log) =>
        new(onnx, MiniLmPackage.CreateTokenizer(), preference, MiniLmTower.MaxLength, log);

    public ModelManifest Manifest { get; }

    public HybridRanker Ranker { get; }

    public string Name => Ranker.Name;

    /// <summary>Ids of the records the model was trained on and remembers.</summary>
    public IEnumerable<string> MemoryIds => _memory.Items.Select(item => item.Record.Id);

    public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count) => Ranker.Rank(record, count);

    public IReadOnlyList<IReadOnlyList<ScoredCode>> RankBatch(IReadOnlyList<ArtworkRecord> records, int count) => Ranker.RankBatch(records, count);

    /// <summary>Whether the query tower reads images (the model was trained with them).</summary>
    public bool ReadsImages => Ranker.Components.Visual is not null;

    /// <summary>The image features of the model's queries, when it reads images: to prepare a batch, and to ask why an image was not used.</summary>
    public ArtworkImageFeatures? Images => Ranker.Components.Visual?.Images;

    /// <summary>
    /// The hybrid with each weighted component switched off in turn, and the dense score alone; for a model that
    /// reads images, also the modality ablation (text only, image only).
    /// </summary>
    public IReadOnlyList<ICodeRanker> Ablations() =>
        Enum.GetValues<HybridComponent>()
            .Where(component => Manifest.Weights[component] > 0)
            .Select(ICodeRanker (component) => Ranker.WithWeights(Manifest.Weights.Without(component), $"{Name} without {component}"))
            .Append(Ranker.WithWeights(new HybridWeights(1, 0, 0, 0, 0), $"{Name}, dense only"))
            .Concat(ReadsImages ? [new ModalityRanker(Ranker, Modality.TextOnly), new ModalityRanker(Ranker, Modality.ImageOnly)] : [])
            .ToArray();

    /// <summary>
    /// Trains on <paramref name="records"/> (their validation share, <see cref="ValidationSplit"/>, held out to
    /// watch training and choose the hybrid weights, then added to the memory).
    /// </summary>
    public static IconclassModel Fit(IconclassThesaurus thesaurus, IEnumerable<ArtworkRecord> records, DualEncoderOptions options,
        Action<string>? log = null, IProgress<TrainingProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var normalizer = new GoldCodeNormalizer(thesaurus);
        var (trainRecords, validationRecords) = ValidationSplit.Split(records);
        var train = new LabeledRecords(trainRecords, normalizer);
        var validation = new LabeledRecords(validationRecords, normalizer);
        var trainer = new DualEncoderTrainer(thesaurus, options, log, progress);
        var (encoder, epochs) = trainer.Train(
            options.UseCollection ? TrainingExamples.FromRecords(train, options.QueryFields) : [],
            TrainingExamples.FromRecords(validation, options.QueryFields));
        // The trainer left the encoder on its device.
        var (weightsToKeep, embedder) = Freeze(encoder, encoder.parameters().First().device, options.Device, log);
        var labels = new LabelIndexes(thesaurus, embedder, options.QueryFields);

        var (visual, imageRecords) = options.ImageModel is null ? (null, 0) : TrainVisual(options, labels, train, log);

        var memory = options.UseCollection ? train : new LabeledRecords([], normalizer);
        int[] neighbourCounts = options.UseCollection ? [10, 20, 40] : [20];
        var (tuned, objective) = HybridWeightTuner.TuneAll(
            neighbourCounts.Select(k => new HybridRanker(new HybridComponents(labels, memory, k, visual), new HybridWeights(1, 0, 0, 0, 0))),
            validation.Items, options.UseCollection);
        var weights = tuned.Weights;
        log?.Invoke($"hybrid chosen on {validation.Items.Count} validation records: {weights}, {tuned.Neighbours} neighbours (R@10 + MRR = {objective:0.000})");

        var manifest = new ModelManifest
        {
            Encoder = options.Encoder,
            Buckets = options.NgramBuckets,
            Dimension = embedder.Dimension,
            QueryFields = options.QueryFields,
            Languages = train.Items.Concat(validation.Items).Select(i => QueryText.Language(i.Record)).Distinct().Order().ToArray(),
            UsedCollection = options.UseCollection,
            Seed = options.Seed,
            LabelSetHash = ModelManifest.HashLabels(thesaurus.LabelSpace),
            LabelCount = thesaurus.LabelSpace.Count,
            Weights = weights,
            Neighbours = tuned.Neighbours,
            ValidationObjective = objective,
            TrainingRecords = options.UseCollection ? train.Items.Count : 0,
            ValidationRecords = validation.Items.Count,
            TrainingSeconds = clock.Elapsed.TotalSeconds,
            Epochs = epochs,
            ImageModel = visual is null ? null : options.ImageModel,
            ImageRecords = imageRecords,
            ImageBackboneEpochs = visual is null ? 0 : options.ImageBackboneEpochs,
        };
        return new IconclassModel(weightsToKeep, labels, options.UseCollection ? train.Concat(validation) : memory, manifest, visual);
    }

    /// <summary>
    /// The image side of the query tower, trained on the training records that have a usable image, against the
    /// frozen label tower; null (a text-only model) when none has. With <see cref="DualEncoderOptions.ImageBackboneEpochs"/>
    /// the vision model is fine-tuned too, and the query tower reads images through its exported weights. Also says
    /// how many training records have a usable image. Validation images are featurized later, in batches, as the hybrid is tuned.
    /// </summary>
    private static (VisualQuery? Query, int Records) TrainVisual(DualEncoderOptions options, LabelIndexes labels, LabeledRecords train, Action<string>? log)
    {
        var imageModel = options.ImageModel!;
        var images = new ArtworkImageFeatures(new ImageFeaturizer(imageModel, options.Device, options.ImageCacheFolder, log), options.ImageFolder, log);
        images.Prepare(train.Items.Select(item => item.Record));
        var withImages = train.Items
            .Where(item => item.Labels.Count > 0)
            .Select(item => (item, features: images.For(item.Record)))
            .Where(pair => pair.features is not null)
            .ToArray();
        if (withImages.Length == 0)
        {
            log?.Invoke("no training record has a usable image: the model stays text-only");
            return (null, 0);
        }
        var examples = withImages.Select(pair =>
            {
                string text = QueryText.Joined(pair.item.Record, labels.Fields);
                return new VisualExample(pair.features!, text.Length > 0 ? labels.Embedder.Embed([text]) : null,
                    QueryText.Language(pair.item.Record), pair.item.Labels.ToArray());
            })
            .ToArray();
        // Whether an image is usable does not depend on the weights: counted with the features already at hand.
        int imageRecords = train.Items.Count(item => images.For(item.Record) is not null);
        var device = TorchDevices.Select(options.Device, null);
        if (options.ImageBackboneEpochs <= 0)
            return (new VisualQuery(VisualProjectionTrainer.Train(examples, labels.Dense, options.VisionSteps, options.Seed, device, log), images), imageRecords);

        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(imageModel.ModelPath));
        using var backbone = new OnnxVisionBackbone(graph, imageModel.InputName, imageModel.OutputName);
        var inputs = images.ModelInputs(withImages.Select(pair => pair.item.Record));
        var fusion = VisualProjectionTrainer.Train(examples, labels.Dense, options.VisionSteps, options.Seed, device, log,
            new BackboneFineTuning(backbone, inputs, options.ImageBackboneEpochs));
        var fineTuned = imageModel.WithFineTunedModel(backbone.Export(graph).ToByteArray());
        log?.Invoke($"fine-tuned image model exported to ONNX as {fineTuned.Name}");
        var fineTunedImages = new ArtworkImageFeatures(new ImageFeaturizer(fineTuned, options.Device, options.ImageCacheFolder, log), options.ImageFolder, log);
        return (new VisualQuery(fusion, fineTunedImages), imageRecords);
    }

    public void Save(string path)
    {
        AtomicFile.WriteAsync(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            using (var manifest = zip.CreateEntry("manifest.json").Open()) JsonSerializer.Serialize(manifest, Manifest, Json);
            if (_weights.Ngram is { } ngram)
                using (var weights = zip.CreateEntry("encoder.f16", CompressionLevel.Optimal).Open()) Float16Weights.Write(ngram, weights);
            if (_weights.Onnx is { } onnx)
            {
                using (var weights = zip.CreateEntry("encoder.onnx", CompressionLevel.Fastest).Open()) weights.Write(onnx);
                // MiniLM takes minutes to encode every label on a CPU, so its label embeddings travel with it.
                foreach (var language in Manifest.Languages)
                    using (var labels = zip.CreateEntry($"labels-{language}.f16", CompressionLevel.Fastest).Open())
                        Float16Weights.WriteArray(labels, Ranker.Components.Labels.Dense(language).Vectors);
            }
            if (Ranker.Components.Visual is { } visual)
            {
                using (var vision = zip.CreateEntry("vision.f16", CompressionLevel.Optimal).Open())
                {
                    Float16Weights.WriteArray(vision, visual.Fusion.Weights);
                    Float16Weights.WriteArray(vision, visual.Fusion.Bias);
                    Float16Weights.WriteArray(vision, [visual.Fusion.Gate]);
                }
                if (Manifest.ImageBackboneEpochs > 0)
                    using (var backbone = zip.CreateEntry(FineTunedBackboneEntry, CompressionLevel.Fastest).Open())
                    using (var fineTuned = File.OpenRead(visual.Images.Featurizer.Model.ModelPath))
                        fineTuned.CopyTo(backbone);
            }
            using (var memory = new StreamWriter(zip.CreateEntry("memory.jsonl").Open()))
                foreach (var (record, labels) in _memory.Items)
                    memory.WriteLine(JsonSerializer.Serialize(new ArtworkRecord { Id = record.Id, Titles = record.Titles, Descriptions = record.Descriptions, Codes = labels.ToList() }));
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();
    }

    /// <summary>Loads a saved model; <paramref name="imageFolder"/> is where relative image paths of the records to rank start from.</summary>
    public static IconclassModel Load(string path, IconclassThesaurus thesaurus, ComputeDevice device = ComputeDevice.Auto, Action<string>? log = null,
        string? imageFolder = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var manifest = Read(zip, "manifest.json", stream => JsonSerializer.Deserialize<ModelManifest>(stream, Json))
                ?? throw new InvalidDataException("manifest.json is empty.");
            if (manifest.Format != ModelManifest.CurrentFormat)
                throw new InvalidDataException($"model format {manifest.Format}; this library reads format {ModelManifest.CurrentFormat}.");
            if (manifest.LabelSetHash != ModelManifest.HashLabels(thesaurus.LabelSpace))
                throw new InvalidDataException("the model was built for another label set (another thesaurus version or language selection).");

            EncoderWeights weights;
            ITextEmbedder embedder;
            if (manifest.Encoder == TextEncoderKind.MiniLm)
            {
                var onnx = ReadBytes(zip, "encoder.onnx");
                (weights, embedder) = (new EncoderWeights(null, onnx), OnnxEmbedder(onnx, device, log));
            }
            else
            {
                var encoder = new DualEncoder(new NgramTower(manifest.Buckets, manifest.Dimension));
                Read(zip, "encoder.f16", stream => { Float16Weights.Read(encoder, stream); return 0; });
                var torchDevice = TorchDevices.Select(device, log);
                encoder.to(torchDevice);
                (weights, embedder) = (new EncoderWeights(encoder, null), new DualEncoderEmbedder(encoder, torchDevice));
            }
            var records = Read(zip, "memory.jsonl", stream =>
            {
                using var reader = new StreamReader(stream);
                var list = new List<ArtworkRecord>();
                while (reader.ReadLine() is { Length: > 0 } line) list.Add(JsonSerializer.Deserialize<ArtworkRecord>(line)!);
                return list;
            });
            var labels = new LabelIndexes(thesaurus, embedder, manifest.QueryFields);
            foreach (var language in manifest.Languages.Where(language => zip.GetEntry($"labels-{language}.f16") is not null))
                labels.UseEmbeddings(language, Read(zip, $"labels-{language}.f16", Float16Weights.ReadArray));
            VisualQuery? visual = null;
            if (manifest.ImageModel is { } imageModel)
            {
                var fusion = Read(zip, "vision.f16", stream =>
                    new VisualFusion(Float16Weights.ReadArray(stream), Float16Weights.ReadArray(stream), Float16Weights.ReadArray(stream)[0]));
                // The packaged ResNet18 lies next to this library, wherever the model was trained.
                var model = imageModel.Name == ImageModelOptions.ResNet18.Name ? ImageModelOptions.ResNet18 : imageModel;
                if (manifest.ImageBackboneEpochs > 0)
                    model = model.WithFineTunedModel(ReadBytes(zip, FineTunedBackboneEntry));
                visual = new VisualQuery(fusion, new ArtworkImageFeatures(new ImageFeaturizer(model, device, log: log), imageFolder, log));
            }
            return new IconclassModel(weights, labels, new LabeledRecords(records, new GoldCodeNormalizer(thesaurus)), manifest, visual);
        }
        catch (Exception exception) when (exception is InvalidDataException or JsonException or EndOfStreamException)
        {
            throw new InvalidDataException($"'{path}' is not a usable MlNetIconclass model: {exception.Message}", exception);
        }
    }

    /// <summary>The fine-tuned vision model, as ONNX, in the model file.</summary>
    private const string FineTunedBackboneEntry = "vision-backbone.onnx";

    private static byte[] ReadBytes(ZipArchive zip, string entry) => Read(zip, entry, stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    });

    private static T Read<T>(ZipArchive zip, string entry, Func<Stream, T> read)
    {
        using var stream = (zip.GetEntry(entry) ?? throw new InvalidDataException($"{entry} is missing.")).Open();
        return read(stream);
    }

    public void Dispose()
    {
        _weights.Ngram?.Dispose();
        (_embedder as IDisposable)?.Dispose();
    }
}
