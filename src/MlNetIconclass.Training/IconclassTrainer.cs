using System.Diagnostics;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;
using Onnx;

namespace MlNetIconclass.Training;

/// <summary>
/// Trains an <see cref="IconclassModel"/>: the dual encoder (thesaurus pairs, then the collection), exported to the
/// ONNX graph that ranks; the image side of the query tower, for collections with images; and the hybrid's weights
/// and neighbour count, chosen on the validation share of the records.
/// </summary>
public static class IconclassTrainer
{
    /// <summary>
    /// Trains on <paramref name="records"/> (their validation share, <see cref="ValidationSplit"/>, held out to
    /// watch training and choose the hybrid weights, then added to the memory).
    /// </summary>
    public static IconclassModel Fit(
        IconclassThesaurus thesaurus,
        IEnumerable<ArtworkRecord> records,
        DualEncoderOptions options,
        Action<string>? log = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default
    )
    {
        options.Validate(thesaurus);
        var clock = Stopwatch.StartNew();
        var normalizer = new GoldCodeNormalizer(thesaurus);
        var (trainRecords, validationRecords) = ValidationSplit.Split(records);
        var train = new LabeledRecords(trainRecords, normalizer);
        var validation = new LabeledRecords(validationRecords, normalizer);
        var trainer = new DualEncoderTrainer(thesaurus, options, log, progress, cancellation);
        var (encoder, epochs) = trainer.Train(
            options.UseCollection ? TrainingExamples.FromRecords(train, options.QueryFields) : [],
            TrainingExamples.FromRecords(validation, options.QueryFields)
        );
        TextEncoderGraph graph;
        using (encoder)
            graph = encoder.ExportGraph();

        // From here on the model ranks as it will after loading: through the exported graph, on ONNX Runtime.
        var text = graph.CreateEmbedder(options.Device, log);
        var labels = new LabelIndexes(thesaurus, text, options.Device);
        var (visual, imageRecords) = !options.ReadsImages
            ? (null, 0)
            : TrainVisual(options, new QueryTower(text, options.QueryFields), labels, train, log, cancellation);
        var queries = new QueryTower(text, options.QueryFields, visual);

        var memory = options.UseCollection ? train : new LabeledRecords([], normalizer);
        int[] neighbourCounts = options.UseCollection ? [10, 20, 40] : [20];
        var candidates = neighbourCounts.Select(k => new HybridComponents(labels, queries, memory, k)).ToArray();
        var (tuned, objective) = HybridWeightTuner.TuneAll(
            candidates.Select(c => new HybridRanker(c, new HybridWeights(1, 0, 0, 0, 0))),
            validation.Items,
            options.UseCollection,
            cancellation
        );
        foreach (var candidate in candidates)
            candidate.Dispose();
        log?.Invoke(
            $"hybrid chosen on {validation.Items.Count} validation records: {tuned.Weights}, {tuned.Neighbours} "
                + $"neighbours "
                + $"(R@10 + MRR = {objective:0.000})"
        );

        var manifest = new ModelManifest
        {
            TorchSharp = TorchSharpRuntime.Version,
            Encoder = options.Encoder,
            Buckets = options.NgramBuckets,
            Dimension = text.Dimension,
            QueryFields = options.QueryFields,
            Languages = train
                .Items.Concat(validation.Items)
                .Select(i => QueryText.Language(i.Record))
                .Distinct()
                .Order()
                .ToArray(),
            UsedCollection = options.UseCollection,
            Seed = options.EffectiveSeed,
            LabelSetHash = ModelManifest.HashLabels(thesaurus.LabelSpace),
            LabelCount = thesaurus.LabelSpace.Count,
            Weights = tuned.Weights,
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
        return new IconclassModel(
            manifest,
            graph,
            queries,
            labels,
            options.UseCollection ? train.Concat(validation) : memory
        );
    }

    /// <summary>
    /// The image side of the query tower, trained on the training records that have a usable image, against the
    /// frozen label tower; null (a text-only model) when none has. With <see
    /// cref="DualEncoderOptions.ImageBackboneEpochs"/> the vision model is fine-tuned too, and the query tower reads
    /// images through its exported weights. Also says how many training records have a usable image. Validation images
    /// are featurized later, in batches, as the hybrid is tuned.
    /// </summary>
    private static (VisualQuery? Query, int Records) TrainVisual(
        DualEncoderOptions options,
        QueryTower textTower,
        LabelIndexes labels,
        LabeledRecords train,
        Action<string>? log,
        CancellationToken cancellation
    )
    {
        var imageModel = options.ImageModel;
        var images = new ArtworkImageFeatures(
            new ImageFeaturizer(imageModel, options.Device, options.ImageCacheFolder, log),
            options.ImageFolder,
            log
        );
        images.Prepare(train.Items.Select(item => item.Record));
        var withImages = train
            .Items.Where(item => item.Labels.Count > 0)
            .Select(item => (item, features: images.For(item.Record)))
            .Where(pair => pair.features is not null)
            .ToArray();
        // Whether an image is usable does not depend on the weights: counted with the features already at hand.
        int imageRecords = train.Items.Count(item => images.For(item.Record) is not null);
        if (withImages.Length == 0)
        {
            log?.Invoke("no training record has a usable image: the model stays text-only");
            images.Dispose();
            return (null, 0);
        }
        var texts = textTower.EmbedTexts(withImages.Select(pair => pair.item.Record).ToArray());
        var examples = withImages
            .Select(
                (pair, i) =>
                    new VisualExample(
                        pair.features!,
                        texts[i],
                        QueryText.Language(pair.item.Record),
                        pair.item.Labels.ToArray()
                    )
            )
            .ToArray();
        var device = TorchSharpRuntime.SelectDevice(options.Device, null);
        if (options.ImageBackboneEpochs <= 0)
        {
            var fusion = VisualProjectionTrainer.Train(
                examples,
                labels.Dense,
                options.VisionSteps,
                options.EffectiveSeed,
                device,
                log,
                cancellation: cancellation
            );
            return (new VisualQuery(fusion, images), imageRecords);
        }

        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(imageModel.ModelPath));
        using var backbone = new OnnxVisionBackbone(graph, imageModel.InputName, imageModel.OutputName);
        var inputs = images.ModelInputs(withImages.Select(pair => pair.item.Record));
        var fineTunedFusion = VisualProjectionTrainer.Train(
            examples,
            labels.Dense,
            options.VisionSteps,
            options.EffectiveSeed,
            device,
            log,
            new BackboneFineTuning(backbone, inputs, options.ImageBackboneEpochs),
            cancellation
        );
        images.Dispose();
        var fineTuned = imageModel.WithFineTunedModel(
            Google.Protobuf.MessageExtensions.ToByteArray(backbone.Export(graph))
        );
        log?.Invoke($"fine-tuned image model exported to ONNX as {fineTuned.Name}");
        var fineTunedImages = new ArtworkImageFeatures(
            new ImageFeaturizer(fineTuned, options.Device, options.ImageCacheFolder, log),
            options.ImageFolder,
            log
        );
        return (new VisualQuery(fineTunedFusion, fineTunedImages), imageRecords);
    }
}
