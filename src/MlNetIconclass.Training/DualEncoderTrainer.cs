using System.Diagnostics;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>
/// Where training is: the phase, epoch and step, and the running loss (none while the teacher encodes texts).
/// </summary>
public readonly record struct TrainingProgress(string Phase, int Epoch, int Epochs, int Step, int Steps, double? Loss)
{
    /// <summary>The line a progress bar shows.</summary>
    public override string ToString() =>
        Loss is { } loss ? $"{Phase} epoch {Epoch}/{Epochs} (loss {loss:0.000})" : Phase;
}

/// <summary>What <see cref="DualEncoderTrainer.Train"/> made: the encoder, each epoch's figures, and the held-out
/// translation figures of its distillation (empty when it distilled nothing).</summary>
internal sealed record TrainedEncoder(
    DualEncoder Model,
    IReadOnlyList<EpochReport> Epochs,
    IReadOnlyList<TranslationFigures> Translation
);

/// <summary>
/// Trains a <see cref="DualEncoder"/>, from new weights or a <see cref="StartModel"/>'s: from new weights, optionally
/// distilled from the MiniLM teacher first; then thesaurus pairs alone (the zero-shot model); then the collection's
/// records mixed with thesaurus pairs, with in-batch and sibling hard negatives. From a distilled start model, no
/// distillation: its own vectors of the teacher texts hold the encoder near where it started.
/// </summary>
internal sealed class DualEncoderTrainer(
    IconclassThesaurus thesaurus,
    DualEncoderOptions options,
    Action<string>? log = null,
    IProgress<TrainingProgress>? progress = null,
    CancellationToken cancellation = default,
    StartModel? start = null
)
{
    public const string DistillationPhase = "distillation";

    /// <summary>Thesaurus passes before the collection when the options name none, from an undistilled start.</summary>
    private const int DefaultThesaurusEpochs = 2;

    private readonly Dictionary<(string Label, string Language), string> _labelTexts = [];

    public TrainedEncoder Train(IReadOnlyList<TrainingExample> collection, IReadOnlyList<TrainingExample> validation)
    {
        var (model, device) = NewModel();
        var random = new Random(options.EffectiveSeed);
        var languages =
            options.Languages
            ?? collection
                .Concat(validation)
                .Select(e => e.Language)
                .Append(IconclassThesaurus.FallbackLanguage)
                .Distinct()
                .Where(thesaurus.Languages.Contains)
                .Order(StringComparer.Ordinal)
                .ToArray();
        var thesaurusPairs = TrainingExamples.FromThesaurus(thesaurus, languages);
        log?.Invoke(
            $"training pairs: {collection.Count} collection records, {validation.Count} validation records, "
                + $"{thesaurusPairs.Count} thesaurus pairs in {string.Join(", ", languages)}"
        );

        using var optimizer = optim.AdamW(model.parameters(), lr: options.EffectiveLearningRate, weight_decay: 0);
        var steps = new TrainingSteps(model, optimizer, device, validation, random);
        var reports = new List<EpochReport>();
        // Distillation from MiniLM holds back a few labels to measure itself by; after a distilled start, the
        // teacher is the start model, which saw those labels, so every pair serves.
        bool fromTeacher = options.DistillationEpochs > 0 && start is not { Distilled: true };
        var heldOut = fromTeacher ? new HeldOutTranslations(thesaurus, languages) : null;
        using var distillation =
            options.DistillationEpochs == 0 ? null
            : fromTeacher
                ? Distillation(
                    DistillationPairs.FromThesaurus(thesaurus, languages, HeldOutTranslations.IsHeldOut),
                    model.Tower.Dimension,
                    device
                )
            : StartModelTargets(DistillationPairs.FromThesaurus(thesaurus, languages), model, device);
        IReadOnlyList<TranslationFigures> translation = [];
        if (fromTeacher)
            reports.AddRange(Distil(steps, distillation!, heldOut, out translation));

        // After distillation every step also keeps the student near the teacher, or contrastive training undoes it.
        Tensor Loss(TrainingExample[] batch)
        {
            var loss = BatchLoss(model, batch, device, random);
            return distillation is null ? loss : loss + distillation.Loss(model, device, random, batch.Length);
        }

        // A zero-shot model's training is the thesaurus: it takes the collection's epochs too, unless it was distilled.
        // Then it takes none, since contrastive passes after distillation lowered the validation records' dense R@10;
        // from a distilled start model none by default either (docs/model.md has the validation figures).
        int requested = options.ThesaurusEpochs ?? (start is { Distilled: true } ? 0 : DefaultThesaurusEpochs);
        int thesaurusEpochs =
            options.UseCollection ? requested
            : distillation is not null ? 0
            : Math.Max(requested, options.Epochs);
        if (!options.UseCollection && distillation is not null)
            log?.Invoke("zero-shot and distilled: no contrastive thesaurus passes");
        for (int epoch = 1; epoch <= thesaurusEpochs; epoch++)
            reports.Add(
                RunEpoch(
                    steps,
                    "thesaurus",
                    (epoch, thesaurusEpochs),
                    Sample(thesaurusPairs, options.ThesaurusExamplesPerEpoch, random),
                    Loss
                )
            );
        if (options.UseCollection)
        {
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var mixture = collection
                    .Concat(
                        Sample(
                            thesaurusPairs,
                            Math.Min(options.ThesaurusExamplesPerEpoch, 4 * collection.Count),
                            random
                        )
                    )
                    .ToList();
                reports.Add(RunEpoch(steps, "collection", (epoch, options.Epochs), mixture, Loss));
            }
        }
        return new TrainedEncoder(model, reports, translation);
    }

    /// <summary>
    /// A new encoder on the chosen device: the start model's weights, or weights drawn from the seed.
    /// </summary>
    private (DualEncoder Model, Device Device) NewModel()
    {
        var device = TorchSharpRuntime.SelectDevice(options.Device, log);
        torch.set_num_threads(Environment.ProcessorCount);
        var model = TorchSharpRuntime.Seeded(options.EffectiveSeed, () => DualEncoder.Create(options));
        if (start is not null)
        {
            start.LoadInto(model);
            log?.Invoke(
                $"encoder starts from {start.Description}"
                    + (start.Distilled ? ", which learned from MiniLM: no distillation" : "")
            );
        }
        model.to(device);
        return (model, device);
    }

    /// <summary>
    /// The start model's own vectors of the pairs' teacher texts, as the targets that keep the encoder near it.
    /// </summary>
    private ThesaurusDistillation StartModelTargets(
        IReadOnlyList<DistillationPair> pairs,
        DualEncoder model,
        Device device
    )
    {
        var teacherTexts = DistillationPairs.TeacherTexts(pairs);
        log?.Invoke($"held near the start model: {pairs.Count} pairs onto {teacherTexts.Length} English texts");
        var vectors = model.EncodeForIndex(teacherTexts, device);
        return new ThesaurusDistillation(
            pairs,
            DistillationTargets.FromStudent(teacherTexts, vectors, model.Tower.Dimension, device)
        );
    }

    /// <summary>The teacher's targets for <paramref name="pairs"/>, encoded or read from the cache.</summary>
    private ThesaurusDistillation Distillation(IReadOnlyList<DistillationPair> pairs, int dimension, Device device)
    {
        var teacherTexts = DistillationPairs.TeacherTexts(pairs);
        log?.Invoke($"distillation: {pairs.Count} pairs onto {teacherTexts.Length} English texts");
        var teacher = new TeacherEmbeddings(options.TeacherCacheFolder, options.Device, log, progress);
        var targets = DistillationTargets.Create(
            teacherTexts,
            teacher.Embed(teacherTexts, cancellation),
            TeacherEmbeddings.Dimension,
            dimension,
            device
        );
        return new ThesaurusDistillation(pairs, targets);
    }

    /// <summary>
    /// The distillation phase: passes over every pair, by mean squared error alone; after each, the held-out
    /// translations are measured (when asked for), and the last figures are given back.
    /// </summary>
    private List<EpochReport> Distil(
        TrainingSteps steps,
        ThesaurusDistillation distillation,
        HeldOutTranslations? heldOut,
        out IReadOnlyList<TranslationFigures> translation
    )
    {
        var (model, _, device, _, _) = steps;
        var reports = new List<EpochReport>();
        translation = [];
        for (int epoch = 1; epoch <= options.DistillationEpochs; epoch++)
        {
            reports.Add(
                RunEpoch(
                    steps,
                    DistillationPhase,
                    (epoch, options.DistillationEpochs),
                    distillation.Pairs.ToList(),
                    batch => distillation.Loss(model, device, batch)
                )
            );
            if (heldOut is null)
                continue;
            translation = heldOut.Measure(model, device);
            if (translation.Count > 0)
                log?.Invoke(
                    $"{DistillationPhase} epoch {epoch}: held-out definitions find their English one, "
                        + $"R@1 {translation.Average(f => f.RecallAt1):0.000} "
                        + $"MRR {translation.Average(f => f.Mrr):0.000} "
                        + $"(mean over {translation.Count} languages)"
                );
        }
        return reports;
    }

    /// <summary>A new encoder, distilled on <paramref name="pairs"/> alone (no contrastive phase).</summary>
    internal DualEncoder DistilOnly(IReadOnlyList<DistillationPair> pairs)
    {
        var (model, device) = NewModel();
        using var optimizer = optim.AdamW(model.parameters(), lr: options.EffectiveLearningRate, weight_decay: 0);
        using var distillation = Distillation(pairs, model.Tower.Dimension, device);
        Distil(
            new TrainingSteps(model, optimizer, device, [], new Random(options.EffectiveSeed)),
            distillation,
            null,
            out _
        );
        return model;
    }

    private EpochReport RunEpoch<T>(
        TrainingSteps steps,
        string phase,
        (int Epoch, int Of) pass,
        List<T> examples,
        Func<T[], Tensor> batchLoss
    )
    {
        var (model, optimizer, device, validation, random) = steps;
        var (epoch, epochs) = pass;
        var clock = Stopwatch.StartNew();
        model.train();
        Shuffle(examples, random);
        var batches = examples.Chunk(options.BatchSize).ToArray();
        double lossSum = 0;
        for (int step = 0; step < batches.Length; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = batchLoss(batches[step]);
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
            lossSum += loss.item<float>();
            progress?.Report(
                new TrainingProgress(phase, epoch, epochs, step + 1, batches.Length, lossSum / (step + 1))
            );
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var (recall, mrr) =
            validation.Count > 0 && options.ValidateEachEpoch
                ? Validate(model, validation, device)
                : (null as double?, null as double?);
        var report = new EpochReport(
            phase,
            epoch,
            lossSum / Math.Max(1, batches.Length),
            recall,
            mrr,
            seconds,
            examples.Count / seconds
        );
        log?.Invoke(
            $"{phase} epoch {epoch}/{epochs}: loss {report.Loss:0.000}"
                + (recall is null ? "" : $", validation R@10 {recall:0.000} MRR {mrr:0.000}")
                + $", {seconds:0.0} s, {report.ExamplesPerSecond:0} examples/s"
        );
        return report;
    }

    private Tensor BatchLoss(DualEncoder model, TrainingExample[] batch, Device device, Random random)
    {
        var labelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var labelTexts = new List<string>();
        int Add(string label, string language)
        {
            if (labelIndex.TryGetValue(label, out int index))
                return index;
            labelIndex[label] = labelTexts.Count;
            labelTexts.Add(LabelText(label, language));
            return labelTexts.Count - 1;
        }

        var positives = new List<(int Query, int Label)>();
        for (int q = 0; q < batch.Length; q++)
            foreach (var label in batch[q].Labels)
                positives.Add((q, Add(label, batch[q].Language)));
        foreach (var example in batch)
        foreach (var label in example.Labels)
        foreach (var sibling in Siblings(label, random).Take(options.HardNegativesPerLabel))
            Add(sibling, example.Language);

        var mask = new bool[batch.Length * labelTexts.Count];
        foreach (var (q, l) in positives)
            mask[q * labelTexts.Count + l] = true;
        var queries = model.Tower.Encode(batch.Select(e => e.Query).ToArray(), device);
        var labels = model.Tower.Encode(labelTexts, device);
        using var positiveMask = tensor(mask, [batch.Length, labelTexts.Count], device: device);
        return ContrastiveLoss.MultiPositiveInfoNce(queries, labels, positiveMask, model.LogScale);
    }

    /// <summary>
    /// Labels sharing the label's parent, in random order: the near misses a ranker must learn to tell apart.
    /// </summary>
    private IEnumerable<string> Siblings(string label, Random random)
    {
        if (thesaurus.Tree.GetParent(label) is not { } parent)
            return [];
        var siblings = thesaurus
            .Tree.GetChildren(parent)
            .Where(s => s != label && thesaurus.Texts.HasDefinition(s, IconclassThesaurus.FallbackLanguage))
            .ToArray();
        random.Shuffle(siblings);
        return siblings;
    }

    private string LabelText(string label, string language)
    {
        if (!_labelTexts.TryGetValue((label, language), out var text))
            _labelTexts[(label, language)] = text = LabelDocuments.TowerText(thesaurus, label, language);
        return text;
    }

    /// <summary>Dense ranking of the validation queries against every label: R@10 and MRR.</summary>
    private (double?, double?) Validate(DualEncoder model, IReadOnlyList<TrainingExample> validation, Device device)
    {
        model.eval();
        var recall = new List<double>();
        var mrr = new List<double>();
        foreach (var group in validation.GroupBy(e => e.Language))
        {
            using var index = new DenseIndex(
                thesaurus.LabelSpace,
                model.EncodeForIndex(thesaurus.LabelSpace.Select(l => LabelText(l, group.Key)).ToArray(), device),
                model.Tower.Dimension
            );
            var queries = group.ToArray();
            var embeddings = model.EncodeForIndex(queries.Select(q => q.Query).ToArray(), device);
            for (int i = 0; i < queries.Length; i++)
            {
                var ranking = index
                    .Search(embeddings.AsSpan(i * index.Dimension, index.Dimension), RetrievalMetrics.Depth)
                    .Select(h => h.Code)
                    .ToArray();
                var metrics = RetrievalMetrics.Compute(ranking, queries[i].Labels.ToHashSet(), ["R@10", "MRR"]);
                recall.Add(metrics["R@10"]);
                mrr.Add(metrics["MRR"]);
            }
        }
        model.train();
        return (recall.Average(), mrr.Average());
    }

    private static List<TrainingExample> Sample(IReadOnlyList<TrainingExample> examples, int count, Random random) =>
        count >= examples.Count
            ? examples.ToList()
            : Enumerable.Range(0, count).Select(_ => examples[random.Next(examples.Count)]).ToList();

    private static void Shuffle<T>(List<T> examples, Random random)
    {
        for (int i = examples.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (examples[i], examples[j]) = (examples[j], examples[i]);
        }
    }
}

/// <summary>
/// What every pass of one training shares: the encoder, its optimizer, the device they run on, the validation
/// examples watched after each pass, and the seeded random source.
/// </summary>
internal sealed record TrainingSteps(
    DualEncoder Model,
    optim.Optimizer Optimizer,
    Device Device,
    IReadOnlyList<TrainingExample> Validation,
    Random Random
);
