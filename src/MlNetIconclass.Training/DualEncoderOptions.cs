using System.ComponentModel;
using System.Text.Json.Serialization;
using MlNetIconclass.Features;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Training;

/// <summary>What the query tower reads of a record.</summary>
public enum QueryModality
{
    Text,
    Image,
}

/// <summary>
/// Options of the dual encoder, in ML.NET's style: plain settable properties with defaults. They are the one source
/// of every training setting: a training config's fields and the <c>train</c> command's flags are made from these
/// properties (their JSON names and descriptions), and <see cref="Validate"/> is the one check of their values.
/// </summary>
public sealed class DualEncoderOptions
{
    [Description(
        "ngram: hashed character n-grams trained from scratch, fast, any language; miniLm: the MiniLM transformer, "
            + "fine-tuned end to end (English-pretrained, slow on a CPU)"
    )]
    public TextEncoderKind Encoder { get; set; } = TextEncoderKind.Ngram;

    [Description(
        "What the query tower reads: text, or text and image (fuses image features, learned from the records that "
            + "have an image)"
    )]
    public IReadOnlyList<QueryModality> Modalities { get; set; } = [QueryModality.Text];

    [Description("The record text queried: titles or titlesAndDescriptions")]
    [JsonPropertyName("fields")]
    public QueryFields QueryFields { get; set; } = QueryFields.TitlesAndDescriptions;

    [Description(
        "Thesaurus languages whose definitions and keywords the model also learns from (default: English and the "
            + "collection's languages)"
    )]
    public IReadOnlyList<string>? Languages { get; set; }

    [Description(
        "What the encoder starts from: pretrained (the shipped pretrained model), scratch (new weights, distilled from "
            + "MiniLM for distillationEpochs), or a model file of the same encoder shape (a collection model too). A "
            + "start model that learned from MiniLM skips the distillation (default: pretrained)"
    )]
    public string From { get; set; } = StartModel.Pretrained;

    [Description("Passes over the collection's training records (mixed with thesaurus pairs)")]
    public int Epochs { get; set; } = 8;

    [Description(
        "Passes over thesaurus pairs alone before the collection (0: none; default: none from a start model that "
            + "learned from MiniLM, 2 otherwise); a zero-shot model takes as many as epochs, or none when distilled"
    )]
    public int? ThesaurusEpochs { get; set; }

    [Description(
        "Passes that first distil the packaged MiniLM into the ngram encoder: each language's definitions and "
            + "keywords learn to land where MiniLM puts the English ones (0: none; the ngram encoder only). From a "
            + "start model that learned from MiniLM there are no passes, and above 0 the distillation loss keeps the "
            + "encoder near the start model instead"
    )]
    public int DistillationEpochs { get; set; } = 4;

    [Description(
        "A folder to keep MiniLM's teacher vectors in by content hash, so that retraining does not recompute them "
            + "(default: a private folder under the user's local application data)"
    )]
    [JsonPropertyName("teacherCache")]
    public string? TeacherCacheFolder { get; set; }

    [Description("Thesaurus pairs drawn per pass (there are over a million in every language)")]
    [JsonPropertyName("thesaurusExamples")]
    public int ThesaurusExamplesPerEpoch { get; set; } = 60_000;

    [Description(
        "false trains on the thesaurus alone (the zero-shot model); the collection then only picks the hybrid weights"
    )]
    public bool UseCollection { get; set; } = true;

    [Description(
        "Fit a LambdaMART ranker on the validation records to reorder the linear fusion's top 100 candidates; it is "
            + "kept only when it beats the linear fusion out of fold (false: the linear fusion alone)"
    )]
    public bool LearnedFusion { get; set; } = true;

    [Description(
        "Free-named and keyed notations (25G21(BANANA), 73D6(+1)) the usage counts show at least this often become "
            + "labels, with every code of the collection (0: the protocol's label space, names and keys dropped)"
    )]
    public int CollectionLabels { get; set; } = CollectionLabelSelection.DefaultMinimumUses;

    [Description(
        "For a model that remembers no records (useCollection false, pretrain): the collections of the bundled usage "
            + "counts (arkyves, rijksmuseum, rkd, staedel) whose code frequencies are its prior (empty: no prior)"
    )]
    public IReadOnlyList<string> PriorCollections { get; set; } = DefaultPriorCollections;

    /// <summary>
    /// Every collection of the usage counts but the Rijksmuseum's, which holds the bundled Suriname sample's records:
    /// a zero-shot model graded on that sample must not know its codes.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultPriorCollections = ["arkyves", "rkd", "staedel"];

    [Description("Records per training step")]
    public int BatchSize { get; set; } = 128;

    [Description(
        "Rank the validation records after each epoch (the learning curve); for MiniLM on a CPU that encodes every "
            + "label each time"
    )]
    public bool ValidateEachEpoch { get; set; } = true;

    [Description("The optimiser's learning rate (default: 2e-3 for ngram, 3e-5 for miniLm)")]
    public double? LearningRate { get; set; }

    [Description("Siblings in the tree added per positive label as hard negatives")]
    public int HardNegativesPerLabel { get; set; } = 1;

    [Description("Hash buckets of the n-gram encoder")]
    public int NgramBuckets { get; set; } = 1 << 16;

    [Description("Width of the n-gram encoder's embeddings")]
    public int NgramDimension { get; set; } = 128;

    /// <summary>
    /// The vision model whose features the query tower fuses with the text, when <see cref="Modalities"/> has images.
    /// </summary>
    [JsonIgnore]
    public ImageModelOptions ImageModel { get; set; } = ImageModelOptions.ResNet18;

    /// <summary>The folder relative image paths in the records start from (by default the current one).</summary>
    [JsonIgnore]
    public string? ImageFolder { get; set; }

    [Description(
        "The folder training images must lie in: an image whose path resolves outside it is not read (default: "
            + "anywhere)"
    )]
    public string? ImageRoot { get; set; }

    [Description("A folder to keep image features in by content hash, so that retraining does not recompute them")]
    [JsonPropertyName("imageCache")]
    public string? ImageCacheFolder { get; set; }

    [Description("Optimiser steps for the image projection (full batch)")]
    public int VisionSteps { get; set; } = 300;

    [Description(
        "With images: passes that fine-tune the vision model itself in TorchSharp, after the projection (slow on a "
            + "CPU; 0: frozen)"
    )]
    public int ImageBackboneEpochs { get; set; }

    [Description(
        "Random seed; training is reproducible on a CPU (default: 1; the ML.NET estimator draws one from its MLContext)"
    )]
    public int? Seed { get; set; }

    [Description("auto (CUDA when it loads), cpu or cuda")]
    public ComputeDevice Device { get; set; } = ComputeDevice.Auto;

    /// <summary>Whether the query tower reads images.</summary>
    [JsonIgnore]
    public bool ReadsImages => Modalities is not null && Modalities.Contains(QueryModality.Image);

    internal int EffectiveSeed => Seed ?? 1;

    internal double EffectiveLearningRate => LearningRate ?? (Encoder == TextEncoderKind.Ngram ? 2e-3 : 3e-5);

    public DualEncoderOptions Clone() => (DualEncoderOptions)MemberwiseClone();

    /// <summary>
    /// The pretraining recipe (<c>iconclass pretrain</c>): new weights, distilled from MiniLM through the thesaurus in
    /// every language it has, and no collection (the records only choose the hybrid weights): the model that ships as
    /// <c>models/pretrained-ngram.iconclass</c>.
    /// </summary>
    public static DualEncoderOptions ForPretraining(IconclassThesaurus thesaurus) =>
        new()
        {
            From = StartModel.Scratch,
            UseCollection = false,
            Languages = thesaurus.Languages.Order(StringComparer.Ordinal).ToArray(),
            DistillationEpochs = PretrainingDistillationEpochs,
            Seed = 1,
        };

    /// <summary>Passes of the pretraining's distillation over the pairs of all languages.</summary>
    public const int PretrainingDistillationEpochs = 3;

    /// <summary>Each mistake, as "field: what is wrong" (the field as a config names it).</summary>
    public IEnumerable<string> Problems(IconclassThesaurus? thesaurus = null)
    {
        if (!Enum.IsDefined(Encoder))
            yield return $"encoder: {Encoder} is not ngram or miniLm";
        if (!Enum.IsDefined(QueryFields))
            yield return $"fields: {QueryFields} is not titles or titlesAndDescriptions";
        if (!Enum.IsDefined(Device))
            yield return $"device: {Device} is not auto, cpu or cuda";
        if (Modalities is null || !Modalities.Contains(QueryModality.Text))
            yield return "modalities: the query tower needs text (image alone is not supported)";
        foreach (var (modality, i) in (Modalities ?? []).Select((m, i) => (m, i)))
            if (!Enum.IsDefined(modality))
                yield return $"modalities[{i}]: {modality} is not text or image";
        foreach (var (language, i) in (Languages ?? []).Select((l, i) => (l, i)))
            if (thesaurus is not null && !thesaurus.Languages.Contains(language))
                yield return $"languages[{i}]: '{language}' is not a thesaurus language "
                    + $"({string.Join(", ", thesaurus.Languages)})";
        if (string.IsNullOrWhiteSpace(From))
            yield return $"from: name {StartModel.Pretrained}, {StartModel.Scratch} or a model file";
        if (Epochs <= 0)
            yield return "epochs: must be positive";
        if (ThesaurusEpochs < 0)
            yield return "thesaurusEpochs: must be 0 or more";
        if (DistillationEpochs < 0)
            yield return "distillationEpochs: must be 0 or more";
        if (DistillationEpochs > 0 && Encoder != TextEncoderKind.Ngram)
            yield return "distillationEpochs: only the ngram encoder learns from the MiniLM teacher";
        if (DistillationEpochs > 0 && NgramDimension > TeacherEmbeddings.Dimension)
            yield return $"distillationEpochs: the ngram dimension must be at most the teacher's "
                + $"({TeacherEmbeddings.Dimension})";
        if (ThesaurusExamplesPerEpoch <= 0)
            yield return "thesaurusExamples: must be positive";
        if (CollectionLabels < 0)
            yield return "collectionLabels: must be 0 or more";
        foreach (var (collection, i) in (PriorCollections ?? []).Select((c, i) => (c, i)))
            if (!UsageCounts.BundledCollections.Contains(collection))
                yield return $"priorCollections[{i}]: '{collection}' is not a collection of the usage counts "
                    + $"({string.Join(", ", UsageCounts.BundledCollections)})";
        if (BatchSize <= 0)
            yield return "batchSize: must be positive";
        if (LearningRate is <= 0 or double.NaN or double.PositiveInfinity)
            yield return "learningRate: must be a positive number";
        if (HardNegativesPerLabel < 0)
            yield return "hardNegativesPerLabel: must be 0 or more";
        if (NgramBuckets is <= 0 or > 1 << 24)
            yield return "ngramBuckets: must be between 1 and 16,777,216";
        if (NgramDimension is <= 0 or > 4096)
            yield return "ngramDimension: must be between 1 and 4,096";
        if (VisionSteps <= 0)
            yield return "visionSteps: must be positive";
        if (ImageBackboneEpochs < 0)
            yield return "imageBackboneEpochs: must be 0 or more";
        if (ImageBackboneEpochs > 0 && !ReadsImages)
            yield return "imageBackboneEpochs: fine-tuning the vision model needs the image modality";
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every mistake; training calls it first.</summary>
    public void Validate(IconclassThesaurus? thesaurus = null)
    {
        var problems = Problems(thesaurus).ToArray();
        if (problems.Length > 0)
            throw new ArgumentException("Invalid dual encoder options: " + string.Join("; ", problems));
    }
}
