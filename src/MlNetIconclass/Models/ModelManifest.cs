using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Models;

/// <summary>
/// What a saved model is: versions, options, the label set it ranks, its hybrid weights and training figures.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>
    /// 2: every text encoder is an ONNX graph (<c>encoder.onnx</c>). 1 kept n-gram weights as <c>encoder.f16</c>.
    /// </summary>
    public const int CurrentFormat = 2;

    /// <summary>The formats this library reads.</summary>
    public static readonly IReadOnlyList<int> ReadableFormats = [1, 2];

    public int Format { get; init; } = CurrentFormat;
    public string Library { get; init; } = typeof(ModelManifest).Assembly.GetName().Version?.ToString() ?? "";

    /// <summary>The TorchSharp version that trained the model.</summary>
    public string TorchSharp { get; init; } = "";
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;
    public required TextEncoderKind Encoder { get; init; }
    public required int Buckets { get; init; }
    public required int Dimension { get; init; }
    public required QueryFields QueryFields { get; init; }
    public required IReadOnlyList<string> Languages { get; init; }
    public required bool UsedCollection { get; init; }
    public required int Seed { get; init; }
    public required string LabelSetHash { get; init; }
    public required int LabelCount { get; init; }
    public required HybridWeights Weights { get; init; }

    /// <summary>Nearest training records that vote in each memory component.</summary>
    public int Neighbours { get; init; } = 20;

    /// <summary>
    /// Whether the hybrid's weights and fusion were chosen with remembered records voting: true after training on a
    /// collection, or after retuning a model that remembers records; false for a model trained on no collection.
    /// Such a model ranks without reading its memory (<see cref="RanksWithMemory"/>), so records it learns change
    /// nothing until its hybrid is chosen again for them (<c>learn --retune</c>). Null in older models, which tell
    /// it by <see cref="UsedCollection"/>.
    /// </summary>
    public bool? HybridChosenWithMemory { get; init; }

    /// <summary>Whether the model's ranking reads its memory: whether its hybrid was chosen with one.</summary>
    [JsonIgnore]
    public bool RanksWithMemory => HybridChosenWithMemory ?? UsedCollection;

    /// <summary>
    /// The records the hybrid's memory components search: <paramref name="memory"/> where the model ranks with its
    /// memory, else none (weights chosen with no memory voting gave it nothing to weigh).
    /// </summary>
    internal LabeledRecords RankedMemory(LabeledRecords memory) => RanksWithMemory ? memory : LabeledRecords.None;

    /// <summary>
    /// Whether a learned ranker reorders the linear fusion's candidates (<c>fusion-ranker.zip</c>), and the validation
    /// figures that chose it; null in models trained before the learned fusion, which fuse linearly.
    /// </summary>
    public FusionChoice? Fusion { get; init; }

    /// <summary>
    /// The map from final scores to probabilities, fitted on the validation records ranked out of fold; null in models
    /// calibrated by neither training nor <c>iconclass calibrate</c>, whose scores are not probabilities.
    /// </summary>
    public ScoreCalibration? Calibration { get; init; }

    /// <summary>
    /// The limit and threshold on calibrated scores that give the best F1 on the validation records: the defaults of
    /// <c>serve</c> and <c>score</c>; null where there is no calibration.
    /// </summary>
    public SuggestionCutoff? Suggestions { get; init; }

    /// <summary>R@10 + MRR of the hybrid on the validation records, with the chosen weights.</summary>
    public double ValidationObjective { get; init; }
    public int TrainingRecords { get; init; }
    public int ValidationRecords { get; init; }
    public double TrainingSeconds { get; init; }
    public IReadOnlyList<EpochReport> Epochs { get; init; } = [];

    /// <summary>
    /// What the encoder's training started from: <c>scratch</c>, or the start model's file name and SHA-256; null in
    /// models trained before training could start from a model.
    /// </summary>
    public string? StartModel { get; init; }

    /// <summary>
    /// Whether the encoder learned from the MiniLM teacher, in this training or in the model it started from (models
    /// trained before this field say so by a distillation phase among their <see cref="Epochs"/>).
    /// </summary>
    public bool Distilled { get; init; }

    /// <summary>
    /// How well a definition in each language finds its English definition among those of labels the distillation
    /// never saw (<see cref="TranslationFigures"/>); empty when the model was not distilled in its own training.
    /// </summary>
    public IReadOnlyList<TranslationFigures> Translation { get; init; } = [];

    /// <summary>The vision model the query tower fuses with the text; null for a text-only model.</summary>
    public ImageModelOptions? ImageModel { get; init; }

    /// <summary>Training records whose image was used to train the projection.</summary>
    public int ImageRecords { get; init; }

    /// <summary>
    /// Passes that fine-tuned the vision model; above 0, its weights are in the model file (vision-backbone.onnx).
    /// </summary>
    public int ImageBackboneEpochs { get; init; }

    /// <summary>
    /// The records each part of training read (encoder, memory, image projection, the validation records that chose
    /// the hybrid and the fusion), by count and hash of their ids; the ids themselves are in the model file (<see
    /// cref="IconclassModel.SeenRecordIds"/>). Empty in models trained before it was recorded.
    /// </summary>
    public IReadOnlyList<RecordsSeen> Seen { get; init; } = [];

    /// <summary>
    /// How the records training read lie in the evaluation protocol's split: all in its train split, or how many in
    /// its test split (a model that cannot be evaluated on that collection). Null in older models.
    /// </summary>
    public string? Split { get; init; }

    /// <summary>
    /// Throws an <see cref="InvalidDataException"/> for values no trained model has (the file was edited or is
    /// corrupt).
    /// </summary>
    internal void Check()
    {
        string? problem =
            !Enum.IsDefined(Encoder) ? $"encoder {Encoder} is unknown"
            : !Enum.IsDefined(QueryFields) ? $"query fields {QueryFields} are unknown"
            : Languages is null
            || Languages.Any(language => language is null || !ColumnMapping.IsLanguageCode(language))
                ? "the languages are not language codes"
            : Weights is null
            || Enum.GetValues<HybridComponent>().Any(c => !float.IsFinite(Weights[c]) || Weights[c] < 0)
                ? "the hybrid weights are not finite, non-negative numbers"
            : Neighbours is < 1 or > 1000 ? $"{Neighbours} neighbours is not between 1 and 1,000"
            : null;
        if (problem is not null)
            throw new InvalidDataException($"manifest.json: {problem}");
    }

    /// <summary>
    /// SHA-256 of the label space, one label a line: a model only ranks the label set it was built for.
    /// </summary>
    public static string HashLabels(IEnumerable<string> labels) => HashLines(labels);

    internal static string HashLines(IEnumerable<string> lines) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
}

/// <summary>
/// The records one part of training read: how many, and the SHA-256 of their ids (ordinal order, one a line).
/// </summary>
public sealed record RecordsSeen(string Part, int Count, string IdsHash)
{
    public static RecordsSeen Of(string part, IEnumerable<string> ids)
    {
        var sorted = ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return new RecordsSeen(part, sorted.Length, ModelManifest.HashLines(sorted));
    }

    /// <summary>The protocol split of the ids training read, as <see cref="ModelManifest.Split"/> says it.</summary>
    public static string SplitOf(IEnumerable<string> ids)
    {
        int test = ids.Count(ProtocolSplit.IsTest);
        return test == 0
            ? "the protocol's train split"
            : $"{test} records of the protocol's test split (it cannot be evaluated on that collection)";
    }
}

/// <summary>
/// One epoch's figures: loss, validation (dense ranking alone) where there is a validation set, and speed.
/// </summary>
public sealed record EpochReport(
    string Phase,
    int Epoch,
    double Loss,
    double? ValidationRecallAt10,
    double? ValidationMrr,
    double Seconds,
    double ExamplesPerSecond
);

/// <summary>
/// One language's held-out translation figures: over <paramref name="Labels"/> labels left out of the distillation,
/// each label's definition in <paramref name="Language"/> ranks the English definitions of all of them; R@1 is the
/// share that finds its own first, MRR the mean reciprocal rank of its own.
/// </summary>
public sealed record TranslationFigures(string Language, int Labels, double RecallAt1, double Mrr);

/// <summary>
/// How a model fuses its components, chosen on the validation records: the learned fusion when, fitted out of fold, it
/// beats the linear fusion with weights tuned out of fold (R@10 + MRR), else the linear fusion, and why.
/// </summary>
public sealed record FusionChoice
{
    public required bool Learned { get; init; }

    /// <summary>Why this fusion: the figures, or why no ranker was fitted.</summary>
    public required string Reason { get; init; }

    /// <summary>Validation records with a gold label among the candidates: the ranker's queries.</summary>
    public int Queries { get; init; }

    /// <summary>Out-of-fold R@10 + MRR of the learned fusion on the validation records (0 when not fitted).</summary>
    public double LearnedObjective { get; init; }

    /// <summary>Out-of-fold R@10 + MRR of the linear fusion on the validation records (0 when not compared).</summary>
    public double LinearObjective { get; init; }

    /// <summary>Trees of the fitted ensemble, and leaves per tree.</summary>
    public int Trees { get; init; }

    public int Leaves { get; init; }
}
