using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Features;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Models;

/// <summary>
/// A trained model as it ranks: the query tower (the text encoder, fused with images for a model trained with
/// them), the label tower's indexes, the memory of training records, and the hybrid ranker over them (the linear
/// fusion, reordered by a learned ranker where training chose one), with the manifest that describes them. It owns
/// these parts and frees their native resources (ONNX Runtime sessions, pinned vectors) when disposed. Saved to and
/// loaded from one file (<see cref="ModelFile"/>).
/// </summary>
public sealed class IconclassModel : ICodeRanker, IArtworkRanker, ICodeExplainer, IDisposable
{
    private readonly HybridComponents _components;

    /// <summary>The encoder and the label side, shared with the models learnt from this one.</summary>
    private readonly SharedParts _shared;

    internal IconclassModel(
        ModelManifest manifest,
        TextEncoderGraph encoder,
        QueryTower queries,
        LabelIndexes labels,
        LabeledRecords memory,
        IReadOnlySet<string> seenRecordIds,
        FusionTrees? fusion = null,
        string? fileHash = null
    )
        : this(manifest, encoder, new SharedParts(queries, labels), memory, seenRecordIds, fusion, fileHash) { }

    private IconclassModel(
        ModelManifest manifest,
        TextEncoderGraph encoder,
        SharedParts shared,
        LabeledRecords memory,
        IReadOnlySet<string> seenRecordIds,
        FusionTrees? fusion,
        string? fileHash
    )
    {
        _shared = shared;
        var (queries, labels) = (shared.Queries, shared.Labels);
        SeenRecordIds = seenRecordIds;
        Fingerprint = fileHash is null
            ? $"an unsaved model trained {manifest.Created:O}"
            : $"the model file with SHA-256 {fileHash}";
        Manifest = manifest;
        Encoder = encoder;
        Queries = queries;
        Labels = labels;
        Memory = memory;
        // A zero-shot model that learns records ranks as before until its hybrid is chosen again for them.
        _components = new HybridComponents(labels, queries, manifest.RankedMemory(memory), manifest.Neighbours);
        LinearFusion = new HybridRanker(_components, manifest.Weights);
        Fusion = fusion;
        IImageQueryRanker fused = fusion is null
            ? LinearFusion
            : new LearnedFusion(LinearFusion, fusion, new FusionFeatures(labels.Thesaurus), LinearFusion.Name);
        Ranker = manifest.Calibration is { } calibration ? new CalibratedRanker(fused, calibration) : fused;
    }

    public ModelManifest Manifest { get; }

    /// <summary>
    /// Which model this is, for a scoring run's fingerprint: the SHA-256 of the file it was loaded from (the same for
    /// every load of the same file), or for a model not loaded from a file, when it was trained.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>
    /// What ranks: the learned fusion when training chose it, else the linear fusion; its scores made probabilities
    /// where the model is calibrated (<see cref="ModelManifest.Calibration"/>).
    /// </summary>
    public IImageQueryRanker Ranker { get; }

    /// <summary>The hybrid's weighted sum, which ranks alone or proposes the learned fusion's candidates.</summary>
    public HybridRanker LinearFusion { get; }

    /// <summary>Whether a learned ranker reorders the linear fusion's candidates.</summary>
    public bool HasLearnedFusion => Fusion is not null;

    /// <summary>
    /// The highest score a ranking can hold: 1 for a calibrated model and the learned fusion; for the linear fusion
    /// the weights' sum, since each component scores in [0, 1].
    /// </summary>
    public double ScoreBound =>
        HasLearnedFusion || Manifest.Calibration is not null
            ? 1
            : Math.Max(1e-6, Enum.GetValues<HybridComponent>().Sum(component => Manifest.Weights[component]));

    internal FusionTrees? Fusion { get; }

    public string Name => Ranker.Name;

    internal TextEncoderGraph Encoder { get; }

    internal QueryTower Queries { get; }

    internal LabelIndexes Labels { get; }

    /// <summary>
    /// The thesaurus with this model's label space: the listed notations and its collection labels (free names and
    /// keyed codes, <see cref="IconclassThesaurus.CollectionLabels"/>).
    /// </summary>
    public IconclassThesaurus Thesaurus => Labels.Thesaurus;

    internal LabeledRecords Memory { get; }

    /// <summary>Ids of the records the model was trained on and remembers.</summary>
    public IEnumerable<string> MemoryIds => Memory.Items.Select(item => item.Record.Id);

    /// <summary>
    /// Ids of every record its training read: trained on, tuned on (the validation records that chose the hybrid and
    /// the fusion), fitted the image projection to, or remembered, its start model's included. A model is never
    /// evaluated on any of them (<see cref="Evaluation.Evaluator"/>). Models saved before it was recorded give their
    /// memory's ids.
    /// </summary>
    public IReadOnlySet<string> SeenRecordIds { get; }

    /// <summary>The record's codes; its image, if the model reads images, is read as its path says.</summary>
    public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count) => Ranker.Rank(record, count);

    /// <summary>The records' codes; their images, if the model reads images, are read as their paths say.</summary>
    public IReadOnlyList<IReadOnlyList<ScoredCode>> RankBatch(IReadOnlyList<ArtworkRecord> records, int count) =>
        Ranker.RankBatch(records, count);

    /// <summary>
    /// The records' codes and problems. Their images (for a model that reads them) are read through the options'
    /// access for this call alone, in one pass through the vision model, and forgotten with it.
    /// </summary>
    public IReadOnlyList<RankedArtwork> Rank(IReadOnlyList<ArtworkRecord> records, RankingOptions options)
    {
        var images = Queries.Visual?.ReadImages(options.Images);
        var rankings = Ranker.RankBatch(records, options.Count, images);
        var ranked = new RankedArtwork[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            var problems = RankingProblems.Of(records[i], Thesaurus).ToList();
            if (images?.Problem(records[i]) is { } problem)
                problems.Add(new RankingProblem("image", problem));
            ranked[i] = new RankedArtwork(rankings[i], problems);
        }
        return ranked;
    }

    /// <summary>
    /// Why each code of <paramref name="ranking"/> (the record's ranking by this model) was suggested: the remembered
    /// records that voted for it, the query's words in its definition and keywords, and each component's share of its
    /// score (<see cref="CodeExplanation"/>). The record's image, for a model that reads images, is read through
    /// <paramref name="images"/>.
    /// </summary>
    public IReadOnlyList<CodeExplanation> Explain(
        ArtworkRecord record,
        IReadOnlyList<ScoredCode> ranking,
        ImageAccess? images = null
    ) =>
        _components.Explain(
            record,
            ranking.Select(code => code.Code).ToArray(),
            Manifest.Weights,
            Queries.Visual?.ReadImages(images ?? new ImageAccess())
        );

    /// <summary>
    /// Image features read through <paramref name="access"/>, for the caller to pass to several rankings of the same
    /// records (each image is featurized once); null for a model that reads no images.
    /// </summary>
    public ArtworkImageFeatures? ReadImages(ImageAccess access) => Queries.Visual?.ReadImages(access);

    /// <summary>Whether the query tower reads images (the model was trained with them).</summary>
    public bool ReadsImages => Queries.Visual is not null;

    /// <summary>
    /// This model ranking as an <see cref="ICodeRanker"/> that reads images through <paramref name="access"/>, each
    /// call on its own (for the evaluator and ablations, which take rankers).
    /// </summary>
    public ICodeRanker ReadingImages(ImageAccess access, Action<string>? warn = null) =>
        ReadingImages(Ranker, access, warn);

    private ICodeRanker ReadingImages(ICodeRanker ranker, ImageAccess access, Action<string>? warn) =>
        Queries.Visual is { } visual && ranker is IImageQueryRanker reading
            ? new ImageReadingRanker(reading, () => visual.ReadImages(access, warn))
            : ranker;

    /// <summary>A ranker bound to where it reads images: each call reads its records' images anew.</summary>
    private sealed class ImageReadingRanker(IImageQueryRanker inner, Func<ArtworkImageFeatures> read) : ICodeRanker
    {
        public string Name => inner.Name;

        public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count) => RankBatch([record], count)[0];

        public IReadOnlyList<IReadOnlyList<ScoredCode>> RankBatch(IReadOnlyList<ArtworkRecord> records, int count) =>
            inner.RankBatch(records, count, read());
    }

    /// <summary>
    /// For a model with a learned fusion, the linear fusion alone; the linear fusion with each weighted component
    /// switched off in turn, and the dense score alone; for a model that reads images, also the modality ablation
    /// (text only, image only).
    /// </summary>
    public IReadOnlyList<ICodeRanker> Ablations()
    {
        string linear = HasLearnedFusion ? $"{Name}, linear fusion" : Name;
        return Enum.GetValues<HybridComponent>()
            .Where(component => Manifest.Weights[component] > 0)
            .Select(
                ICodeRanker (component) =>
                    LinearFusion.WithWeights(Manifest.Weights.Without(component), $"{linear} without {component}")
            )
            .Prepend(HasLearnedFusion ? LinearFusion.WithWeights(Manifest.Weights, linear) : null)
            .Append(LinearFusion.WithWeights(new HybridWeights(1, 0, 0, 0, 0), $"{Name}, dense only"))
            .Concat(
                ReadsImages
                    ? [new ModalityRanker(Ranker, Modality.TextOnly), new ModalityRanker(Ranker, Modality.ImageOnly)]
                    : []
            )
            .OfType<ICodeRanker>()
            .ToArray();
    }

    /// <summary>
    /// This model as the <see cref="Evaluator"/> tests it: with its <see cref="Ablations"/> and
    /// <paramref name="moreAblations"/> when <paramref name="ablations"/> is set, all reading images through
    /// <paramref name="images"/> (the model's image problems to <paramref name="warn"/>), and what its training read.
    /// </summary>
    public ModelUnderTest UnderTest(
        bool ablations = false,
        IEnumerable<ICodeRanker>? moreAblations = null,
        ImageAccess? images = null,
        Action<string>? warn = null
    )
    {
        var access = images ?? new ImageAccess();
        return new(
            ReadingImages(Ranker, access, warn),
            ablations ? [.. Ablations().Concat(moreAblations ?? []).Select(a => ReadingImages(a, access, null))] : [],
            SeenRecordIds
        );
    }

    public void Save(string path) => ModelFile.Save(this, path);

    /// <summary>
    /// This model with <paramref name="records"/> remembered too, without retraining: they join the memory, and so
    /// the lexical memory, the prototypes and the prior, which are built from it; the encoder, the label side and the
    /// fusion stay. A record already remembered (the same id) is replaced, not doubled. Every record is checked first
    /// (<see cref="LearnedRecords.Check"/>): one that cannot be learnt is refused, naming it and the field, and
    /// nothing is learnt. The two models share the encoder and the label side, which the last of them to be disposed
    /// frees; each is disposed on its own.
    /// </summary>
    public IconclassModel Learn(IReadOnlyList<ArtworkRecord> records)
    {
        var learned = LearnedRecords.Check(records, Thesaurus, Labels.Positions, GoldCodeNormalizer.Strict(Thesaurus));
        var replaced = learned.Items.Select(item => item.Record.Id).ToHashSet(StringComparer.Ordinal);
        // The memory's own labels are kept as they are: read again, a model without collection labels would read
        // their keys and names, which it does not rank.
        var kept = Memory.Except(replaced);
        var seen = SeenRecordIds.Union(replaced, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        // Each learning is a part of its own in what the model read, so the evaluator's guard covers it.
        var manifest = Manifest with
        {
            Seen = [.. Manifest.Seen, RecordsSeen.Of(LearnedRecords.Part, replaced)],
            Split = RecordsSeen.SplitOf(seen),
        };
        return Derived(manifest, kept.Concat(learned), seen, Fusion);
    }

    /// <summary>
    /// This model with its scores calibrated (<see cref="ScoreCalibration"/>) and the suggestions' default cutoff; the
    /// two share the encoder and the label side, as after <see cref="Learn"/>.
    /// </summary>
    public IconclassModel Calibrated(ScoreCalibration calibration, SuggestionCutoff suggestions) =>
        Derived(Manifest with { Calibration = calibration, Suggestions = suggestions }, Memory, SeenRecordIds, Fusion);

    /// <summary>
    /// This model with its hybrid chosen again (the weights, neighbour count, learned fusion and calibration in
    /// <paramref name="manifest"/>, and <paramref name="fusion"/>'s trees); it shares the encoder and the label side,
    /// as after <see cref="Learn"/>.
    /// </summary>
    internal IconclassModel Retuned(ModelManifest manifest, FusionTrees? fusion) =>
        Derived(manifest, Memory, SeenRecordIds, fusion);

    private IconclassModel Derived(
        ModelManifest manifest,
        LabeledRecords memory,
        IReadOnlySet<string> seen,
        FusionTrees? fusion
    )
    {
        _shared.Retain();
        try
        {
            return new IconclassModel(manifest, Encoder, _shared, memory, seen, fusion, fileHash: null);
        }
        catch
        {
            _shared.Release();
            throw;
        }
    }

    /// <summary>Loads a saved model, on ONNX Runtime alone (libtorch is never loaded for ranking).</summary>
    public static IconclassModel Load(string path, IconclassThesaurus thesaurus, ModelLoadOptions? options = null) =>
        ModelFile.Load(path, thesaurus, options ?? new ModelLoadOptions());

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _components.Dispose();
        _shared.Release();
    }

    private int _disposed;

    /// <summary>The query tower and the label indexes, freed when the last model using them lets go.</summary>
    private sealed class SharedParts(QueryTower queries, LabelIndexes labels)
    {
        private int _users = 1;

        public QueryTower Queries => queries;

        public LabelIndexes Labels => labels;

        public void Retain() => Interlocked.Increment(ref _users);

        public void Release()
        {
            if (Interlocked.Decrement(ref _users) > 0)
                return;
            labels.Dispose();
            queries.Dispose();
        }
    }
}
