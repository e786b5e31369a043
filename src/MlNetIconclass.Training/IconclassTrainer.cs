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
        // Read and checked before any work: an incompatible start model is refused at once.
        var start = StartModel.Resolve(options, thesaurus);
        var (trainRecords, validationRecords) = ValidationSplit.Split(records);
        // The label space is fixed before training: the collection labels the usage counts and the records show.
        var usage = UsageCounts.LoadBundled();
        (thesaurus, var labelReport) = CollectionLabelSelection.Extend(
            thesaurus,
            usage,
            options.CollectionLabels,
            options.UseCollection ? trainRecords.Concat(validationRecords).SelectMany(r => r.Codes) : []
        );
        log?.Invoke(labelReport.ToString());
        var normalizer =
            options.CollectionLabels > 0 ? GoldCodeNormalizer.Strict(thesaurus) : new GoldCodeNormalizer(thesaurus);
        var train = new LabeledRecords(trainRecords, normalizer);
        var validation = new LabeledRecords(validationRecords, normalizer);
        var trainer = new DualEncoderTrainer(thesaurus, options, log, progress, cancellation, start);
        var (encoder, epochs, translation) = trainer.Train(
            options.UseCollection ? TrainingExamples.FromRecords(train, options.QueryFields) : [],
            TrainingExamples.FromRecords(validation, options.QueryFields)
        );
        TextEncoderGraph graph;
        using (encoder)
            graph = encoder.ExportGraph();

        // From here on the model ranks as it will after loading: through the exported graph, on ONNX Runtime.
        var text = graph.CreateEmbedder(options.Device, log);
        // A model that will remember no records borrows its prior from other collections' usage.
        var prior = options.UseCollection
            ? BorrowedPrior.None
            : BorrowedPrior.From(usage, thesaurus, options.PriorCollections);
        if (prior.Counts.Count > 0)
            log?.Invoke(
                $"prior borrowed from the usage counts of {string.Join(", ", prior.Collections)}: "
                    + $"{prior.Counts.Count:N0} labels"
            );
        var labels = new LabelIndexes(thesaurus, text, options.Device, prior: prior);
        VisualQuery? visual = null;
        try
        {
            (visual, int imageRecords) = !options.ReadsImages
                ? (null, 0)
                : TrainVisual(options, new QueryTower(text, options.QueryFields), labels, train, log, cancellation);
            var queries = new QueryTower(text, options.QueryFields, visual);
            var memory = options.UseCollection ? train : new LabeledRecords([], normalizer);
            // The validation images are featurized once, for every weighting and fusion tried.
            var context = new ValidationContext(
                options.UseCollection,
                ProtocolReading(labels.Thesaurus),
                visual?.ReadImages(new ImageAccess(options.ImageFolder, options.ImageRoot), log),
                cancellation
            );
            var (weights, neighbours, objective) = ChooseHybrid(labels, queries, memory, validation, context);
            log?.Invoke(
                $"hybrid chosen on {validation.Items.Count} validation records: {weights}, {neighbours} neighbours "
                    + $"(R@10 + MRR = {objective:0.000})"
            );
            var (fusion, fusionChoice, validationRankings) = ChooseFusion(
                new HybridComponents(labels, queries, memory, neighbours),
                weights,
                validation,
                context,
                options.LearnedFusion ? options.EffectiveSeed : null
            );
            log?.Invoke(fusionChoice.Reason);
            var calibrated = validationRankings.Calibrate(log);
            // Validation records chose the hybrid and the fusion; the train records taught the encoder and the
            // memory when the collection is used, and the image projection when images are read.
            var trainIds = train.Items.Select(i => i.Record.Id).ToArray();
            var partsRead = new List<(string Part, IReadOnlyCollection<string> Ids)>
            {
                ("validation (hybrid and fusion)", validation.Items.Select(i => i.Record.Id).ToArray()),
            };
            if (options.UseCollection)
                partsRead.Add(("encoder and memory", trainIds));
            if (visual is not null)
                partsRead.Add(("image projection", trainIds));
            if (start is { SeenRecordIds.Count: > 0 })
                partsRead.Add(("start model", start.SeenRecordIds));
            var seen = partsRead.Select(part => RecordsSeen.Of(part.Part, part.Ids)).ToArray();
            var seenIds = partsRead.SelectMany(part => part.Ids).ToHashSet(StringComparer.Ordinal);
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
                HybridChosenWithMemory = options.UseCollection,
                Seed = options.EffectiveSeed,
                LabelSetHash = ModelManifest.HashLabels(thesaurus.LabelSpace),
                LabelCount = thesaurus.LabelSpace.Count,
                Weights = weights,
                Neighbours = neighbours,
                Fusion = fusionChoice,
                Calibration = calibrated?.Calibration,
                Suggestions = calibrated?.Suggestions,
                ValidationObjective = objective,
                TrainingRecords = options.UseCollection ? train.Items.Count : 0,
                ValidationRecords = validation.Items.Count,
                TrainingSeconds = clock.Elapsed.TotalSeconds,
                Epochs = epochs,
                StartModel = start?.Description ?? StartModel.Scratch,
                Distilled =
                    start is { Distilled: true } || epochs.Any(e => e.Phase == DualEncoderTrainer.DistillationPhase),
                Translation = translation,
                ImageModel = visual is null ? null : options.ImageModel,
                ImageRecords = imageRecords,
                ImageBackboneEpochs = visual is null ? 0 : options.ImageBackboneEpochs,
                Seen = seen,
                Split = RecordsSeen.SplitOf(seenIds),
            };
            var remembered = options.UseCollection ? train.Concat(validation) : memory;
            return new IconclassModel(manifest, graph, queries, labels, remembered, seenIds, fusion);
        }
        catch
        {
            // The model would have owned these; without one, they are freed here.
            visual?.Dispose();
            labels.Dispose();
            (text as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The hybrid's weights and neighbour count (10, 20 or 40; 20 for a zero-shot model), chosen by R@10 + MRR on the
    /// validation records.
    /// </summary>
    internal static (HybridWeights Weights, int Neighbours, double Objective) ChooseHybrid(
        LabelIndexes labels,
        QueryTower queries,
        LabeledRecords memory,
        LabeledRecords validation,
        ValidationContext context
    )
    {
        int[] neighbourCounts = context.UseMemory ? [10, 20, 40] : [20];
        var candidates = neighbourCounts.Select(k => new HybridComponents(labels, queries, memory, k)).ToArray();
        try
        {
            var (tuned, objective) = HybridWeightTuner.TuneAll(
                candidates.Select(c => new HybridRanker(c, new HybridWeights(1, 0, 0, 0, 0))),
                validation.Items,
                context
            );
            return (tuned.Weights, tuned.Neighbours, objective);
        }
        finally
        {
            foreach (var candidate in candidates)
                candidate.Dispose();
        }
    }

    /// <summary>
    /// The learned fusion over the chosen linear fusion (its <paramref name="components"/>, which it frees), fitted on
    /// the validation records with the training records as memory, or none when it does not beat the linear one or
    /// the options ask for none (no <paramref name="seed"/>); and the validation records as the chosen fusion ranks
    /// them, for calibration.
    /// </summary>
    internal static (FusionTrees? Trees, FusionChoice Choice, ValidationRankings Rankings) ChooseFusion(
        HybridComponents components,
        HybridWeights weights,
        LabeledRecords validation,
        ValidationContext context,
        int? seed
    )
    {
        using (components)
        {
            var linear = new HybridRanker(components, weights);
            if (seed is { } fusionSeed)
                return LearnedFusionTrainer.Fit(linear, validation, context, fusionSeed);
            return (
                null,
                new FusionChoice { Learned = false, Reason = "linear fusion, as the options ask" },
                LearnedFusionTrainer.Rank(linear, validation, context)
            );
        }
    }

    /// <summary>
    /// How a label of a model with collection labels counts by the protocol (<c>25G21(BANANA)</c> as
    /// <c>25G21(...)</c>); null when the label space is the protocol's.
    /// </summary>
    internal static Func<string, string?>? ProtocolReading(IconclassThesaurus thesaurus)
    {
        if (thesaurus.CollectionLabels.Count == 0)
            return null;
        return new GoldCodeNormalizer(thesaurus).Resolve;
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
        var featurizer = new ImageFeaturizer(imageModel, options.Device, options.ImageCacheFolder, log);
        var images = new ArtworkImageFeatures(featurizer, new ImageAccess(options.ImageFolder, options.ImageRoot), log);
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
            featurizer.Dispose();
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
        // With backbone epochs, the vision model trains too, from its ONNX graph, on the images' model inputs.
        var graph =
            options.ImageBackboneEpochs > 0
                ? ModelProto.Parser.ParseFrom(File.ReadAllBytes(imageModel.ModelPath))
                : null;
        using var backbone = graph is null
            ? null
            : new OnnxVisionBackbone(graph, imageModel.InputName, imageModel.OutputName);
        var fineTuning = backbone is null
            ? null
            : new BackboneFineTuning(
                backbone,
                images.ModelInputs(withImages.Select(pair => pair.item.Record)),
                options.ImageBackboneEpochs
            );
        var projection = new VisualProjectionTrainer(options.EffectiveSeed, device, log, cancellation).Train(
            examples,
            labels.Dense,
            options.VisionSteps,
            fineTuning
        );
        if (backbone is null)
            return (new VisualQuery(projection, featurizer), imageRecords);

        featurizer.Dispose();
        var fineTuned = imageModel.WithFineTunedModel(
            Google.Protobuf.MessageExtensions.ToByteArray(backbone.Export(graph!))
        );
        log?.Invoke($"fine-tuned image model exported to ONNX as {fineTuned.Name}");
        var fineTunedFeaturizer = new ImageFeaturizer(fineTuned, options.Device, options.ImageCacheFolder, log);
        return (new VisualQuery(projection, fineTunedFeaturizer), imageRecords);
    }
}
