using MlNetIconclass.Collections;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Evaluation;

public sealed record EvaluationOptions
{
    public QueryFields QueryFields { get; init; } = QueryFields.Titles;

    /// <summary>Cut-offs asked for beyond the standard metrics (see <see cref="RetrievalMetrics.Names"/>).</summary>
    public IReadOnlyList<int> Ks { get; init; } = [1, 5, 10];

    /// <summary>Label set name and data description written into the report.</summary>
    public string DataName { get; init; } = "";

    /// <summary>
    /// Whether to evaluate strictly beside the protocol: gold with names and keys, against the full label space.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>
    /// The strict label space's threshold of uses in the usage counts (<see cref="CollectionLabelSelection"/>); the
    /// train split's codes are labels too, as they are for a model trained on it.
    /// </summary>
    public int CollectionLabelMinimumUses { get; init; } = CollectionLabelSelection.DefaultMinimumUses;

    /// <summary>The usage counts the strict label space is drawn from (by default the bundled ones).</summary>
    public UsageCounts? Usage { get; init; }

    /// <summary>Whether the baselines are fitted and ranked beside the model.</summary>
    public bool Baselines { get; init; } = true;
}

/// <summary>
/// Runs rankers over the test split of the protocol and averages the metrics, in two views: the protocol's (gold
/// normalised onto the listed notations, and a model's ranking read the same way) and, unless switched off, the strict
/// one (gold as written, names and keys kept, against the full label space). Records without resolvable gold are left
/// out of a view and counted, and unresolvable codes are reported. The model ranks once; the baselines are fitted in
/// each view.
/// </summary>
public sealed class Evaluator(IconclassThesaurus thesaurus)
{
    /// <summary>Records ranked together (one matrix product per dense index for all of them).</summary>
    private const int RankingBatch = 64;

    /// <summary>
    /// Fits the baselines on the train split (and the model, if <paramref name="fitModel"/> is given: it gets the
    /// train records), then scores every test record with each, and with the model's ablations.
    /// </summary>
    public EvaluationResult Evaluate(
        IReadOnlyList<ArtworkRecord> records,
        EvaluationOptions options,
        Func<IReadOnlyList<ArtworkRecord>, ModelUnderTest>? fitModel = null,
        IProgress<(int Done, int Total)>? progress = null
    )
    {
        var (trainRecords, testRecords) = ProtocolSplit.Split(records);
        var model = fitModel?.Invoke(trainRecords);
        if (model is not null)
            EnsureNotSeen(model, testRecords);
        var modelRankers = model is null ? [] : model.Ablations.Prepend(model.Model).ToArray();
        var protocol = EvaluationView.Protocol(thesaurus, trainRecords, testRecords);
        var strict = options.Strict
            ? EvaluationView.Strict(
                thesaurus,
                options.Usage ?? UsageCounts.LoadBundled(),
                options.CollectionLabelMinimumUses,
                trainRecords,
                testRecords
            )
            : null;
        var views = new[] { protocol, strict }.OfType<EvaluationView>().ToArray();
        var viewBaselines = views
            .Select(view => options.Baselines ? Baselines.Fit(view.Thesaurus, view.Training, options.QueryFields) : [])
            .ToArray();

        var names = RetrievalMetrics.Names(options.Ks);
        var perRecord = views.Select(_ => new List<RecordResult>()).ToArray();
        int done = 0,
            total = views.Sum(view => view.Evaluated.Count) * (modelRankers.Length + viewBaselines[0].Count);
        void Record(
            int v,
            ICodeRanker ranker,
            IReadOnlyList<(ArtworkRecord, NormalizedCodes)> batch,
            IReadOnlyList<IReadOnlyList<ScoredCode>> rankings
        )
        {
            perRecord[v].AddRange(batch.Zip(rankings, (test, ranking) => views[v].Score(ranker, test, ranking, names)));
            done += batch.Count;
            progress?.Report((done, total));
        }

        // The model ranks the records of every view once, deep enough for the ranks over its whole label space.
        var toRank = views
            .SelectMany(view => view.Evaluated.Select(test => test.Record))
            .DistinctBy(r => r.Id)
            .ToArray();
        foreach (var ranker in modelRankers)
        {
            var rankings = new Dictionary<string, IReadOnlyList<ScoredCode>>(StringComparer.Ordinal);
            foreach (var batch in toRank.Chunk(RankingBatch))
            foreach (var (record, ranking) in batch.Zip(ranker.RankBatch(batch, int.MaxValue)))
                rankings[record.Id] = ranking;
            for (int v = 0; v < views.Length; v++)
                Record(v, ranker, views[v].Evaluated, views[v].Evaluated.Select(t => rankings[t.Record.Id]).ToArray());
        }
        for (int v = 0; v < views.Length; v++)
            foreach (var ranker in viewBaselines[v])
            foreach (var batch in views[v].Evaluated.Chunk(RankingBatch))
                Record(v, ranker, batch, ranker.RankBatch(batch.Select(t => t.Record).ToArray(), views[v].LabelCount));

        var rankerNames = modelRankers.Concat(viewBaselines[0]).Select(r => r.Name).ToArray();
        var results = views.Select((view, v) => view.Summarise(rankerNames, names, perRecord[v])).ToArray();
        return new EvaluationResult
        {
            Model = model?.Model.Name,
            Ablations = model?.Ablations.Select(a => a.Name).ToArray() ?? [],
            Data = options.DataName,
            Split = new SplitSummary(
                trainRecords.Count,
                testRecords.Count,
                protocol.Training.WithoutLabels,
                testRecords.Count - protocol.Evaluated.Count
            ),
            N = results[0].N,
            Unresolvable = results[0].Unresolvable,
            MetricNames = names,
            Metrics = results[0].Metrics,
            PerRecord = results[0].PerRecord,
            Strict = strict is null ? null : results[1],
            Calibration = model is null
                ? null
                : CalibrationReport.Of(results[0].PerRecord.Where(r => r.Ranker == model.Model.Name)),
        };
    }

    /// <summary>A model trained or tuned on a test record would be graded on what it has seen.</summary>
    private static void EnsureNotSeen(ModelUnderTest model, IReadOnlyList<ArtworkRecord> testRecords)
    {
        int seen = testRecords.Count(record => model.SeenRecordIds.Contains(record.Id));
        if (seen > 0)
            throw new ArgumentException(
                $"the model's training read {seen} of the {testRecords.Count} records this collection's test split "
                    + "holds (trained, tuned or remembered); train it on the train split (--split train) to evaluate "
                    + "it here."
            );
    }
}

/// <summary>
/// One way of reading gold and rankings: the gold normaliser, the label space, the training records as that view
/// labels them, and how a model's ranking is read (the protocol maps each label onto the listed notation it counts
/// as, keeping the first of each).
/// </summary>
internal sealed class EvaluationView
{
    private readonly GoldCodeNormalizer _normalizer;
    private readonly IReadOnlyList<ArtworkRecord> _trainRecords;
    private readonly IReadOnlyList<(ArtworkRecord Record, NormalizedCodes Gold)> _test;
    private readonly bool _readsRankingsOntoProtocol;

    // A model's rankings repeat the same few thousand labels; each is read once.
    private readonly Dictionary<string, string?> _protocolLabels = new(StringComparer.Ordinal);

    private EvaluationView(
        string name,
        IconclassThesaurus thesaurus,
        GoldCodeNormalizer normalizer,
        IReadOnlyList<ArtworkRecord> trainRecords,
        IReadOnlyList<ArtworkRecord> testRecords,
        bool readsRankingsOntoProtocol
    )
    {
        Name = name;
        Thesaurus = thesaurus;
        _normalizer = normalizer;
        _trainRecords = trainRecords;
        _readsRankingsOntoProtocol = readsRankingsOntoProtocol;
        Training = new LabeledRecords(trainRecords, normalizer);
        _test = testRecords.Select(record => (record, normalizer.Normalize(record.Codes))).ToArray();
        Evaluated = _test.Where(t => t.Gold.Labels.Count > 0).ToArray();
    }

    public string Name { get; }

    public IconclassThesaurus Thesaurus { get; }

    public LabeledRecords Training { get; }

    public IReadOnlyList<(ArtworkRecord Record, NormalizedCodes Gold)> Evaluated { get; }

    public int LabelCount => Thesaurus.LabelSpace.Count;

    public static EvaluationView Protocol(
        IconclassThesaurus thesaurus,
        IReadOnlyList<ArtworkRecord> train,
        IReadOnlyList<ArtworkRecord> test
    )
    {
        var protocol = thesaurus.WithCollectionLabels([]);
        return new EvaluationView("protocol", protocol, new GoldCodeNormalizer(protocol), train, test, true);
    }

    public static EvaluationView Strict(
        IconclassThesaurus thesaurus,
        UsageCounts usage,
        int minimumUses,
        IReadOnlyList<ArtworkRecord> train,
        IReadOnlyList<ArtworkRecord> test
    )
    {
        var (full, _) = CollectionLabelSelection.Extend(thesaurus, usage, minimumUses, train.SelectMany(r => r.Codes));
        return new EvaluationView("strict", full, GoldCodeNormalizer.Strict(full), train, test, false);
    }

    /// <summary>One record's ranking, read as this view reads it, against its gold.</summary>
    public RecordResult Score(
        ICodeRanker ranker,
        (ArtworkRecord Record, NormalizedCodes Gold) test,
        IReadOnlyList<ScoredCode> ranking,
        IReadOnlyList<string> names
    )
    {
        var read = _readsRankingsOntoProtocol ? OntoProtocol(ranking) : ranking;
        var metrics = RetrievalMetrics.Compute(
            read.Select(c => c.Code).ToArray(),
            test.Gold.Labels.ToHashSet(StringComparer.Ordinal),
            names,
            LabelCount
        );
        // Only the top of a ranking is kept: the ranks over the whole label space are already in the metrics.
        return new RecordResult(
            test.Record.Id,
            ranker.Name,
            test.Gold.Labels,
            read.Take(RetrievalMetrics.Depth).ToArray(),
            metrics
        );
    }

    /// <summary>
    /// Each label as the protocol counts it (<c>25G21(BANANA)</c> as <c>25G21(...)</c>), the first of each kept.
    /// </summary>
    private IReadOnlyList<ScoredCode> OntoProtocol(IReadOnlyList<ScoredCode> ranking)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var read = new List<ScoredCode>(ranking.Count);
        foreach (var code in ranking)
        {
            if (!_protocolLabels.TryGetValue(code.Code, out var label))
                _protocolLabels[code.Code] = label = _normalizer.Resolve(code.Code);
            if (label is not null && seen.Add(label))
                read.Add(code with { Code = label });
        }
        return read;
    }

    public ViewResult Summarise(
        IReadOnlyList<string> rankers,
        IReadOnlyList<string> names,
        IReadOnlyList<RecordResult> perRecord
    )
    {
        var unresolvable = _test
            .SelectMany(t => t.Gold.Unresolvable)
            .Concat(_trainRecords.SelectMany(r => _normalizer.Normalize(r.Codes).Unresolvable))
            .ToArray();
        return new ViewResult
        {
            N = Evaluated.Count,
            Labels = LabelCount,
            Unresolvable = new UnresolvableSummary(
                unresolvable.Length,
                unresolvable.Distinct().Order(StringComparer.Ordinal).ToArray()
            ),
            Metrics = rankers
                .Where(r => perRecord.Any(p => p.Ranker == r))
                .ToDictionary(r => r, r => Average(perRecord.Where(p => p.Ranker == r), names)),
            PerRecord = perRecord,
        };
    }

    private static IReadOnlyDictionary<string, double> Average(
        IEnumerable<RecordResult> results,
        IReadOnlyList<string> names
    )
    {
        var list = results.ToArray();
        return names.ToDictionary(
            name => name,
            name =>
                list.Length == 0 ? 0
                : RetrievalMetrics.IsMedian(name) ? Median(list.Select(r => r.Metrics[name]))
                : list.Average(r => r.Metrics[name])
        );
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>
/// A model to evaluate, variants of it with parts switched off, and the ids of every record its training read (the
/// evaluator refuses to test it on any of them).
/// </summary>
public sealed record ModelUnderTest(
    ICodeRanker Model,
    IReadOnlyList<ICodeRanker> Ablations,
    IReadOnlySet<string> SeenRecordIds
);

/// <summary>Records in each split, and those left out of it for want of a resolvable gold code.</summary>
public sealed record SplitSummary(int Train, int Test, int TrainWithoutGold, int TestWithoutGold);

/// <summary>Gold code occurrences (train and test) the protocol could not resolve, and which they were.</summary>
public sealed record UnresolvableSummary(int Codes, IReadOnlyList<string> Distinct);

/// <summary>One record's ranking by one ranker and its metrics.</summary>
public sealed record RecordResult(
    string Id,
    string Ranker,
    IReadOnlyList<string> Gold,
    IReadOnlyList<ScoredCode> Ranking,
    IReadOnlyDictionary<string, double> Metrics
);

/// <summary>One view's figures (the protocol's or the strict one).</summary>
public sealed class ViewResult
{
    public int N { get; init; }

    /// <summary>The size of the label space ranked against.</summary>
    public int Labels { get; init; }

    public required UnresolvableSummary Unresolvable { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics { get; init; }

    public required IReadOnlyList<RecordResult> PerRecord { get; init; }
}

public sealed class EvaluationResult
{
    public string? Model { get; init; }
    public required string Data { get; init; }
    public required SplitSummary Split { get; init; }
    public int N { get; init; }
    public required UnresolvableSummary Unresolvable { get; init; }
    public required IReadOnlyList<string> MetricNames { get; init; }

    /// <summary>Names of the model's ablations (each also has an entry in <see cref="Metrics"/>).</summary>
    public IReadOnlyList<string> Ablations { get; init; } = [];

    /// <summary>Averaged metrics by ranker name (the model and each baseline).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics { get; init; }

    public required IReadOnlyList<RecordResult> PerRecord { get; init; }

    /// <summary>The strict view (names and keys kept, full label space), when it ran.</summary>
    public ViewResult? Strict { get; init; }

    /// <summary>
    /// How close the model's scores are to probabilities, in the protocol's view; null without a model.
    /// </summary>
    public CalibrationReport? Calibration { get; init; }
}
