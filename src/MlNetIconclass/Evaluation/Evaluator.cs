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
}

/// <summary>
/// Runs rankers over the test split of the protocol and averages the metrics; records without resolvable gold are
/// left out and counted, and unresolvable codes are reported.
/// </summary>
public sealed class Evaluator(IconclassThesaurus thesaurus)
{
    /// <summary>Records ranked together (one matrix product per dense index for all of them).</summary>
    private const int RankingBatch = 64;

    private readonly GoldCodeNormalizer _normalizer = new(thesaurus);

    /// <summary>
    /// Fits the baselines on the train split (and the model, if <paramref name="fitModel"/> is given: it gets the
    /// train records), then scores every test record with each, and with the model's ablations.
    /// </summary>
    public EvaluationResult Evaluate(
        IReadOnlyList<ArtworkRecord> records,
        EvaluationOptions options,
        bool baselines,
        Func<IReadOnlyList<ArtworkRecord>, ModelUnderTest>? fitModel = null,
        IProgress<(int Done, int Total)>? progress = null
    )
    {
        var (trainRecords, testRecords) = ProtocolSplit.Split(records);
        var training = new LabeledRecords(trainRecords, _normalizer);
        var model = fitModel?.Invoke(trainRecords);
        var ablations = model?.Ablations ?? [];
        var rankers = (baselines ? Baselines.Fit(thesaurus, training, options.QueryFields) : [])
            .Prepend(model?.Model)
            .Concat(ablations)
            .OfType<ICodeRanker>()
            .ToArray();

        var test = testRecords.Select(record => (record, gold: _normalizer.Normalize(record.Codes))).ToArray();
        var evaluated = test.Where(t => t.gold.Labels.Count > 0).ToArray();
        var names = RetrievalMetrics.Names(options.Ks);
        int depth = Math.Max(RetrievalMetrics.Depth, options.Ks.DefaultIfEmpty(0).Max());

        var perRecord = new List<RecordResult>();
        int done = 0,
            total = evaluated.Length * rankers.Length;
        foreach (var ranker in rankers)
        {
            foreach (var batch in evaluated.Chunk(RankingBatch))
            {
                var rankings = ranker.RankBatch(batch.Select(t => t.record).ToArray(), depth);
                foreach (var ((record, gold), ranking) in batch.Zip(rankings))
                {
                    var codes = ranking.Select(c => c.Code).ToArray();
                    perRecord.Add(
                        new RecordResult(
                            record.Id,
                            ranker.Name,
                            gold.Labels,
                            ranking,
                            RetrievalMetrics.Compute(codes, gold.Labels.ToHashSet(StringComparer.Ordinal), names)
                        )
                    );
                }
                done += batch.Length;
                progress?.Report((done, total));
            }
        }

        var unresolvable = test.SelectMany(t => t.gold.Unresolvable)
            .Concat(trainRecords.SelectMany(r => _normalizer.Normalize(r.Codes).Unresolvable))
            .ToArray();
        return new EvaluationResult
        {
            Model = model?.Model.Name,
            Ablations = ablations.Select(a => a.Name).ToArray(),
            Data = options.DataName,
            Split = new SplitSummary(
                trainRecords.Count,
                testRecords.Count,
                training.WithoutLabels,
                test.Length - evaluated.Length
            ),
            N = evaluated.Length,
            Unresolvable = new UnresolvableSummary(
                unresolvable.Length,
                unresolvable.Distinct().Order(StringComparer.Ordinal).ToArray()
            ),
            MetricNames = names,
            Metrics = rankers.ToDictionary(r => r.Name, r => Average(perRecord.Where(p => p.Ranker == r.Name), names)),
            PerRecord = perRecord,
        };
    }

    private static IReadOnlyDictionary<string, double> Average(
        IEnumerable<RecordResult> results,
        IReadOnlyList<string> names
    )
    {
        var list = results.ToArray();
        return names.ToDictionary(name => name, name => list.Length == 0 ? 0 : list.Average(r => r.Metrics[name]));
    }
}

/// <summary>A model to evaluate, and variants of it with parts switched off.</summary>
public sealed record ModelUnderTest(ICodeRanker Model, IReadOnlyList<ICodeRanker> Ablations);

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
}
