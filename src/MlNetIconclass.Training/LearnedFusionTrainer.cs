using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Training;

/// <summary>
/// Fits the learned fusion: ML.NET's LightGBM LambdaMART over the <see cref="FusionFeatures"/> of the linear fusion's
/// top <see cref="LearnedFusion.Depth"/> candidates, relevance 1 for gold labels, one query per record.
/// <para>
/// It learns from the validation records, with the memory holding the training records only, as at ranking time. Not
/// from training records cross-fitted over folds: the dual encoder was trained on those very records, so their dense
/// and prototype scores are far better than any unseen record's, and a ranker fitted on them trusts those scores too
/// much (on Suriname it lost 0.07 R@10 to the linear fusion on validation). The learned fusion is kept only when,
/// fitted out of fold over the validation records, it beats the linear fusion with weights tuned out of fold too.
/// </para>
/// </summary>
public static class LearnedFusionTrainer
{
    /// <summary>
    /// Below this many validation records with a gold label among the candidates, no ranker is fitted.
    /// </summary>
    public const int MinimumQueries = 50;

    private const int Folds = 5;

    /// <summary>
    /// The ensemble shapes tried for each model, out of fold, the best kept (docs/model.md): small trees suited a
    /// trained model's few hundred validation records on Suriname (200 of 3 leaves; 400 of 7 lost 0.05), larger ones a
    /// model that remembers no records, whose fewer components leave more to the ranker (400 of 7 won by 0.03).
    /// </summary>
    internal static readonly TreeShape[] Shapes = [new(3, 200), new(7, 400)];

    /// <summary>
    /// The learned fusion's trees when they beat the linear fusion out of fold, else null; the choice with its
    /// figures; and the validation records as the chosen fusion ranks them out of fold, for calibration.
    /// <paramref name="linear"/>'s memory must hold the training records only.
    /// </summary>
    internal static (FusionTrees? Trees, FusionChoice Choice, ValidationRankings Rankings) Fit(
        HybridRanker linear,
        LabeledRecords validation,
        ValidationContext context,
        int seed
    )
    {
        var protocolLabel = context.ProtocolLabel;
        var queries = Queries(linear, validation, context.Images);
        var features = new FusionFeatures(linear.Components.Labels.Thesaurus);
        var final = queries.Select(q => q.Candidates(linear.Weights, features)).ToArray();
        int learnable = final.Count(c => c.HasGold);
        if (learnable < MinimumQueries)
            return (
                null,
                new FusionChoice
                {
                    Learned = false,
                    Queries = learnable,
                    Reason =
                        $"{learnable} validation records have a gold label among the candidates, fewer than the "
                        + $"{MinimumQueries} a learned fusion needs: linear fusion",
                },
                new ValidationRankings(final.Select(c => c.Linear).ToArray(), queries.Select(q => q.Gold).ToArray())
            );

        var (linearRankings, learnedByShape) = OutOfFold(linear, validation, queries, features, context, seed, Shapes);
        double Objective(IReadOnlyList<ScoredCode>[] rankings) =>
            queries.Select((q, i) => final[i].Objective(rankings[i], protocolLabel)).Average();
        var tried = Shapes.Select((shape, k) => (Shape: shape, Objective: Objective(learnedByShape[k]))).ToArray();
        int best = Array.IndexOf(tried, tried.MaxBy(t => t.Objective));
        var (bestShape, learned) = tried[best];
        double linearObjective = Objective(linearRankings);
        bool keep = learned > linearObjective;
        var choice = new FusionChoice
        {
            Learned = keep,
            Queries = learnable,
            LearnedObjective = learned,
            LinearObjective = linearObjective,
            Trees = keep ? bestShape.Trees : 0,
            Leaves = keep ? bestShape.Leaves : 0,
            Reason =
                $"out of fold on {queries.Count} validation records, R@10 + MRR {learned:0.000} learned ("
                + string.Join("; ", tried.Select(t => $"{t.Shape}: {t.Objective:0.000}"))
                + $") against {linearObjective:0.000} linear: "
                + (keep ? $"learned fusion of {bestShape}" : "linear fusion"),
        };
        var rankings = new ValidationRankings(
            keep ? learnedByShape[best] : linearRankings,
            queries.Select(q => q.Gold).ToArray()
        );
        return (keep ? FitTrees(final, seed, bestShape) : null, choice, rankings);
    }

    /// <summary>
    /// Each validation record ranked out of fold, by the linear fusion and by the learned one of each shape, each tuned
    /// on the other folds only: the linear weights, and the ranker on candidates and features those weights give.
    /// </summary>
    private static (IReadOnlyList<ScoredCode>[] Linear, IReadOnlyList<ScoredCode>[][] LearnedByShape) OutOfFold(
        HybridRanker linear,
        LabeledRecords validation,
        List<Query> queries,
        FusionFeatures features,
        ValidationContext context,
        int seed,
        IReadOnlyList<TreeShape> shapes
    )
    {
        var linearRankings = new IReadOnlyList<ScoredCode>[queries.Count];
        var learnedByShape = shapes.Select(_ => new IReadOnlyList<ScoredCode>[queries.Count]).ToArray();
        for (int fold = 0; fold < Folds; fold++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var (tuned, _) = HybridWeightTuner.Tune(
                linear,
                validation.Items.Where((_, i) => i % Folds != fold).ToArray(),
                context
            );
            var candidates = queries.Select(q => q.Candidates(tuned, features)).ToArray();
            for (int i = fold; i < candidates.Length; i += Folds)
                linearRankings[i] = candidates[i].Linear;
            for (int k = 0; k < shapes.Count; k++)
            {
                var trees = FitTrees(candidates.Where((_, i) => i % Folds != fold), seed, shapes[k]);
                for (int i = fold; i < candidates.Length; i += Folds)
                    learnedByShape[k][i] = candidates[i].Reordered(trees);
            }
        }
        return (linearRankings, learnedByShape);
    }

    /// <summary>
    /// A trained model's validation records (its memory's <see cref="ValidationSplit"/> share, or
    /// <paramref name="validation"/> for a model that remembers none) as it ranks them out of fold, with its training
    /// records alone as memory: by the learned fusion refitted without each fold where it has one, else by the linear
    /// fusion with its weights.
    /// </summary>
    internal static ValidationRankings OutOfFold(
        IconclassModel model,
        ImageAccess? images,
        CancellationToken cancel,
        IReadOnlyList<ArtworkRecord>? validation = null
    )
    {
        using var tuned = new AsTuned(model, validation);
        var (linear, records) = (tuned.Linear, tuned.Validation);
        if (records.Items.Count == 0)
            throw new ArgumentException(
                "The model remembers no validation records to calibrate on (a zero-shot model remembers none: give it "
                    + "records to calibrate on)."
            );
        var context = ValidationContext.Of(model, images, cancel);
        if (!model.HasLearnedFusion)
            return Rank(linear, records, context);
        var queries = Queries(linear, records, context.Images);
        var features = new FusionFeatures(model.Thesaurus);
        return new ValidationRankings(
            OutOfFold(
                linear,
                records,
                queries,
                features,
                context,
                model.Manifest.Seed,
                [ShapeOf(model)]
            ).LearnedByShape[0],
            queries.Select(q => q.Gold).ToArray()
        );
    }

    /// <summary>
    /// The validation records as the linear fusion ranks them with its weights (tuned on these records, so not out
    /// of fold: for a model without the learned fusion, whose few weights overfit little).
    /// </summary>
    internal static ValidationRankings Rank(HybridRanker linear, LabeledRecords validation, ValidationContext context)
    {
        var queries = Queries(linear, validation, context.Images);
        var features = new FusionFeatures(linear.Components.Labels.Thesaurus);
        return new ValidationRankings(
            queries.Select(q => q.Candidates(linear.Weights, features).Linear).ToArray(),
            queries.Select(q => q.Gold).ToArray()
        );
    }

    /// <summary>
    /// For a model with a learned fusion, the fusion refitted with each feature group switched off in turn, on the
    /// model's validation records (its memory's <see cref="ValidationSplit"/> share, their images read through
    /// <paramref name="images"/>), for the ablation rows. None where the model remembers no validation records to refit
    /// on: the pretrained model's fusion was fitted on records it does not keep.
    /// </summary>
    public static IReadOnlyList<ICodeRanker> FeatureGroupAblations(IconclassModel model, ImageAccess? images = null)
    {
        if (!model.HasLearnedFusion)
            return [];
        using var tuned = new AsTuned(model);
        if (tuned.Validation.Items.Count == 0)
            return [];
        var linear = tuned.Linear;
        var queries = Queries(linear, tuned.Validation, model.ReadImages(images ?? new ImageAccess()));
        var ablations = new List<ICodeRanker>();
        foreach (var group in Enum.GetValues<FusionFeatureGroup>())
        {
            var off = new HashSet<FusionFeatureGroup> { group };
            var features = new FusionFeatures(model.Thesaurus);
            var trees = FitTrees(
                queries.Select(q => q.Candidates(linear.Weights, features, off)),
                model.Manifest.Seed,
                ShapeOf(model)
            );
            ablations.Add(
                new LearnedFusion(model.LinearFusion, trees, features, $"{model.Name} without {group} features", off)
            );
        }
        return ablations;
    }

    /// <summary>
    /// A model's memory as training split it: the training records, which stay the memory while the fusion is tuned,
    /// and the validation records (<see cref="ValidationSplit"/>) it is tuned on.
    /// </summary>
    internal static (LabeledRecords Train, LabeledRecords Validation) RememberedSplit(IconclassModel model)
    {
        var (train, validation) = ValidationSplit.Split(model.Memory.Items.Select(item => item.Record));
        var normalizer = Thesaurus.GoldCodeNormalizer.Strict(model.Thesaurus);
        return (new LabeledRecords(train, normalizer), new LabeledRecords(validation, normalizer));
    }

    /// <summary>
    /// A trained model as its training tuned the fusion: the linear fusion with the training records alone as memory
    /// (its memory's records outside the <see cref="ValidationSplit"/>), and the validation records apart: those of its
    /// memory, or, for a model that remembers none (the pretrained model), the records given. Disposing it
    /// frees that memory's indexes.
    /// </summary>
    private sealed class AsTuned : IDisposable
    {
        private readonly HybridComponents _components;

        public AsTuned(IconclassModel model, IReadOnlyList<ArtworkRecord>? validation = null)
        {
            if (validation is not null && model.Memory.Items.Count > 0)
                throw new ArgumentException(
                    "The model remembers records: it is calibrated on the validation records among them, not on "
                        + "others."
                );
            var (train, remembered) = RememberedSplit(model);
            Validation = validation is null
                ? remembered
                : new LabeledRecords(validation, Thesaurus.GoldCodeNormalizer.Strict(model.Thesaurus));
            _components = new HybridComponents(
                model.Labels,
                model.Queries,
                model.Manifest.RankedMemory(train),
                model.Manifest.Neighbours
            );
            Linear = new HybridRanker(_components, model.Manifest.Weights);
        }

        public HybridRanker Linear { get; }

        public LabeledRecords Validation { get; }

        public void Dispose() => _components.Dispose();
    }

    /// <summary>The validation records' component scores, computed once for every weighting tried.</summary>
    private static List<Query> Queries(HybridRanker linear, LabeledRecords validation, ArtworkImageFeatures? images)
    {
        var thesaurus = linear.Components.Labels.Thesaurus;
        return validation
            .Items.Chunk(256)
            .SelectMany(batch =>
                linear
                    .Components.ScoreBatch(batch.Select(item => item.Record).ToArray(), images)
                    .Zip(
                        batch,
                        (scores, item) =>
                            new Query(
                                scores,
                                item.Labels.ToHashSet(StringComparer.Ordinal),
                                thesaurus.RankingLanguage(QueryText.Language(item.Record))
                            )
                    )
            )
            .ToList();
    }

    /// <summary>The shape of a model's learned fusion, as its manifest records it.</summary>
    private static TreeShape ShapeOf(IconclassModel model) =>
        model.Manifest.Fusion is { Trees: > 0, Leaves: > 0 } fusion ? new(fusion.Leaves, fusion.Trees) : Shapes[0];

    private static FusionTrees FitTrees(IEnumerable<Candidates> queries, int seed, TreeShape shape)
    {
        var rows = new List<Row>();
        uint group = 0;
        foreach (var query in queries.Where(q => q.HasGold))
        {
            group++;
            for (int i = 0; i < query.Linear.Count && i < LearnedFusion.Depth; i++)
                rows.Add(
                    new Row
                    {
                        Label = query.Gold.Contains(query.Linear[i].Code) ? 1 : 0,
                        Group = group,
                        Features = query.Features.AsSpan(i * FusionFeatures.Count, FusionFeatures.Count).ToArray(),
                    }
                );
        }
        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(
            NumberDataViewType.Single,
            FusionFeatures.Count
        );
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var pipeline = ml
            .Transforms.Conversion.MapValueToKey("GroupKey", nameof(Row.Group))
            .Append(
                ml.Ranking.Trainers.LightGbm(
                    new LightGbmRankingTrainer.Options
                    {
                        LabelColumnName = nameof(Row.Label),
                        FeatureColumnName = nameof(Row.Features),
                        RowGroupColumnName = "GroupKey",
                        NumberOfLeaves = shape.Leaves,
                        NumberOfIterations = shape.Trees,
                        LearningRate = 0.05,
                        MinimumExampleCountPerLeaf = 20,
                        Seed = seed,
                        // One thread: the same records give the same trees on any machine.
                        NumberOfThreads = 1,
                        Verbose = false,
                        Silent = true,
                    }
                )
            );
        var fitted = pipeline.Fit(data);
        return FusionTrees.FromFitted(ml, fitted.LastTransformer, data.Schema);
    }

    /// <summary>A LambdaMART ensemble's shape.</summary>
    internal readonly record struct TreeShape(int Leaves, int Trees)
    {
        public override string ToString() => $"{Trees} trees of {Leaves} leaves";
    }

    private sealed class Row
    {
        public float Label { get; set; }
        public uint Group { get; set; }
        public float[] Features { get; set; } = [];
    }

    /// <summary>A validation record's component scores and gold labels.</summary>
    private sealed record Query(ComponentScores Scores, IReadOnlySet<string> Gold, string Language)
    {
        public Candidates Candidates(
            HybridWeights weights,
            FusionFeatures features,
            IReadOnlySet<FusionFeatureGroup>? off = null
        )
        {
            var linear = HybridRanker.Combine(Scores, weights, RetrievalMetrics.Depth);
            var head = linear.Take(LearnedFusion.Depth).ToArray();
            var values = new float[head.Length * FusionFeatures.Count];
            features.Write(Scores, head, Language, values, off);
            return new Candidates(linear, Gold.ToHashSet(StringComparer.Ordinal), values);
        }
    }

    /// <summary>A record's linear ranking with the features of its head.</summary>
    private sealed record Candidates(IReadOnlyList<ScoredCode> Linear, HashSet<string> Gold, float[] Features)
    {
        public bool HasGold => Linear.Take(LearnedFusion.Depth).Any(c => Gold.Contains(c.Code));

        public IReadOnlyList<ScoredCode> Reordered(FusionTrees trees) =>
            Linear.Count == 0 ? Linear : LearnedFusion.Reorder(Linear, Features, trees, RetrievalMetrics.Depth);

        /// <summary>
        /// R@10 + MRR as the hybrid's weights are tuned (<see cref="HybridWeightTuner"/>): as ranked, and for a model
        /// with collection labels the mean of that and the same read onto the protocol's labels.
        /// </summary>
        public double Objective(IReadOnlyList<ScoredCode> ranking, Func<string, string?>? protocolLabel)
        {
            var codes = ranking.Select(c => c.Code).ToArray();
            double asRanked = RecallPlusReciprocalRank(codes, Gold);
            if (protocolLabel is null)
                return asRanked;
            var protocolCodes = codes.Select(protocolLabel).OfType<string>().Distinct().ToArray();
            var protocolGold = Gold.Select(protocolLabel).OfType<string>().ToHashSet(StringComparer.Ordinal);
            return (asRanked + RecallPlusReciprocalRank(protocolCodes, protocolGold)) / 2;
        }

        private static double RecallPlusReciprocalRank(IReadOnlyList<string> ranking, IReadOnlySet<string> gold)
        {
            var metrics = RetrievalMetrics.Compute(ranking, gold, ["R@10", "MRR"]);
            return metrics["R@10"] + metrics["MRR"];
        }
    }
}
