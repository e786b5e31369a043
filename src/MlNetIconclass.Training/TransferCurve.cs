using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;
using MlNetIconclass.Visualization;

namespace MlNetIconclass.Training;

/// <summary>
/// One point of a <see cref="TransferCurve"/>: at <paramref name="Records"/> coded training records, a ranker's
/// figures on the test split; <paramref name="Seconds"/> is the model's training time (0 for the baselines).
/// </summary>
public sealed record TransferPoint(int Records, string Ranker, double RecallAt10, double Mrr, double Seconds);

/// <summary>
/// How many labelled records a collection needs before the model helps: the model trained on growing shares of the
/// protocol's train split, from the pretrained model and from scratch (new weights, no distillation: no transfer at
/// all), against kNN and BM25 fitted on the same records, every point graded on the same test split. The validation
/// records are carved from the train split once and are the same at every point: every model tunes its hybrid on them
/// and remembers them, so every point's records are <see cref="TransferPoint.Records"/> plus these, and the
/// baselines see the same.
/// </summary>
public static class TransferCurve
{
    public const string FromPretrained = "from pretrained";
    public const string FromScratch = "from scratch";
    public const string Knn = "kNN";
    public const string Bm25 = "BM25";

    /// <summary>0, 100, 300 and 1,000 training records, and all of them.</summary>
    public static readonly IReadOnlyList<int> DefaultSizes = [0, 100, 300, 1000, int.MaxValue];

    public static IReadOnlyList<TransferPoint> Run(
        IconclassThesaurus thesaurus,
        IReadOnlyList<ArtworkRecord> records,
        DualEncoderOptions options,
        IReadOnlyList<int> sizes,
        Action<string>? log = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default
    )
    {
        var (train, test) = ProtocolSplit.Split(records);
        var (fit, validation) = ValidationSplit.Split(train);
        // Labelled records, the ones a museum would have to code, in one fixed order, so that each share holds the
        // smaller ones.
        var ordered = fit.Where(record => record.Codes.Count > 0)
            .OrderBy(
                record => Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(record.Id))),
                StringComparer.Ordinal
            )
            .ToArray();
        var points = new List<TransferPoint>();
        foreach (int size in sizes.Select(size => Math.Min(size, ordered.Length)).Distinct())
        {
            var shown = ordered.Take(size).Concat(validation).ToArray();
            foreach (var (name, from) in new[] { (FromPretrained, options.From), (FromScratch, StartModel.Scratch) })
            {
                cancellation.ThrowIfCancellationRequested();
                var pointOptions = options.Clone();
                pointOptions.From = from;
                pointOptions.UseCollection = size > 0;
                if (from == StartModel.Scratch)
                    pointOptions.DistillationEpochs = 0;
                log?.Invoke($"transfer curve: {size} training records, {name}");
                var clock = Stopwatch.StartNew();
                using var model = IconclassTrainer.Fit(thesaurus, shown, pointOptions, log, progress, cancellation);
                double seconds = clock.Elapsed.TotalSeconds;
                var evaluation = new Evaluator(thesaurus).Evaluate(
                    shown.Concat(test).ToArray(),
                    new EvaluationOptions
                    {
                        QueryFields = options.QueryFields,
                        Strict = false,
                        Baselines = name == FromPretrained,
                    },
                    _ => model.UnderTest()
                );
                foreach (var (ranker, metrics) in evaluation.Metrics)
                {
                    string? pointName =
                        ranker == model.Name ? name
                        : ranker.StartsWith("knn", StringComparison.OrdinalIgnoreCase) ? Knn
                        : ranker.StartsWith("bm25", StringComparison.OrdinalIgnoreCase) ? Bm25
                        : null;
                    if (pointName is not null)
                        points.Add(
                            new TransferPoint(
                                size,
                                pointName,
                                metrics["R@10"],
                                metrics["MRR"],
                                pointName == name ? seconds : 0
                            )
                        );
                }
                log?.Invoke(
                    "transfer curve: "
                        + string.Join(
                            "; ",
                            points
                                .Where(p => p.Records == size)
                                .Select(p => $"{p.Ranker} {p.RecallAt10:0.000} / {p.Mrr:0.000}")
                        )
                );
            }
        }
        return points;
    }

    /// <summary>
    /// The smallest number of training records at which the model from the pretrained model beats kNN on R@10 and
    /// MRR both, and at every larger point; null when it never does.
    /// </summary>
    public static int? PassesKnnAt(IReadOnlyList<TransferPoint> points)
    {
        var sizes = points.Select(p => p.Records).Distinct().Order().ToArray();
        bool Beats(int size)
        {
            var model = points.First(p => p.Records == size && p.Ranker == FromPretrained);
            var knn = points.First(p => p.Records == size && p.Ranker == Knn);
            return model.RecallAt10 > knn.RecallAt10 && model.Mrr > knn.Mrr;
        }
        int first = Array.FindLastIndex(sizes, size => !Beats(size)) + 1;
        return first < sizes.Length ? sizes[first] : null;
    }

    /// <summary>The curve as a Markdown table: a row per size, R@10 / MRR per ranker.</summary>
    public static string Table(IReadOnlyList<TransferPoint> points)
    {
        string[] rankers = [FromPretrained, FromScratch, Knn, Bm25];
        var table = new StringBuilder();
        table.AppendLine($"| training records | {string.Join(" | ", rankers.Select(r => $"{r} R@10 / MRR"))} |");
        table.AppendLine($"|---:|{string.Concat(rankers.Select(_ => "---:|"))}");
        foreach (var size in points.Select(p => p.Records).Distinct().Order())
            table.AppendLine(
                $"| {size:N0} | "
                    + string.Join(
                        " | ",
                        rankers.Select(r =>
                            points.FirstOrDefault(p => p.Records == size && p.Ranker == r) is { } p
                                ? $"{p.RecallAt10:0.000} / {p.Mrr:0.000}"
                                : ""
                        )
                    )
                    + " |"
            );
        return table.ToString();
    }

    /// <summary>Writes <c>transfer-curve.json</c>, <c>transfer-curve.md</c> and <c>transfer-curve.png</c>.</summary>
    public static void Write(string folder, IReadOnlyList<TransferPoint> points)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(
            Path.Combine(folder, "transfer-curve.json"),
            JsonSerializer.Serialize(points, new JsonSerializerOptions { WriteIndented = true })
        );
        File.WriteAllText(Path.Combine(folder, "transfer-curve.md"), Table(points));
        File.WriteAllBytes(Path.Combine(folder, "transfer-curve.png"), Chart(points));
    }

    /// <summary>R@10 of each ranker by the number of training records (MRR is in the table).</summary>
    public static byte[] Chart(IReadOnlyList<TransferPoint> points)
    {
        var sizes = points.Select(p => p.Records).Distinct().Order().ToArray();
        var series = new[] { FromPretrained, FromScratch, Knn, Bm25 }
            .Select(ranker => new Series(
                ranker,
                sizes
                    .Select(size =>
                        points.FirstOrDefault(p => p.Ranker == ranker && p.Records == size) is { } p
                            ? p.RecallAt10
                            : double.NaN
                    )
                    .ToArray()
            ))
            .ToArray();
        return Charts.Lines(
            "Transfer: test R@10 by coded training records",
            sizes.Select(s => s.ToString("N0")).ToArray(),
            series,
            "coded training records (besides the validation records)",
            "R@10"
        );
    }
}
