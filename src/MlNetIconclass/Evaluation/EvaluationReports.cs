using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MlNetIconclass.Collections;
using MlNetIconclass.Persistence;
using Parquet.Serialization;

namespace MlNetIconclass.Evaluation;

/// <summary>
/// Writes an <see cref="EvaluationResult"/> out: the JSON report, and per-record rankings as Parquet.
/// </summary>
public static class EvaluationReports
{
    private static readonly string[] BaselineNames = ["prior", "bm25", "knn"];

    /// <summary>
    /// <c>{"model", "data", "split", "n", "unresolvable", "metrics", "ablation", "baselines": {"prior": {"metrics"},
    /// ...}, "calibration": {"ece", "bins": [{"lower", "upper", "codes", "mean_score", "accuracy"}]}, "strict": {"n",
    /// "labels", "unresolvable", "metrics", "ablation", "baselines"}}</c>; <c>metrics</c> is the model's, and
    /// <c>calibration</c> its scores' (<see cref="CalibrationReport"/>), null when only baselines ran; <c>strict</c> is
    /// null when the strict view did not run.
    /// </summary>
    public static JsonObject ToJson(EvaluationResult result)
    {
        var json = new JsonObject
        {
            ["model"] = result.Model,
            ["data"] = result.Data,
            ["split"] = new JsonObject
            {
                ["rule"] = "sha1(id) mod 10 in {0,1} is test",
                ["train"] = result.Split.Train,
                ["test"] = result.Split.Test,
                ["train_without_gold"] = result.Split.TrainWithoutGold,
                ["test_without_gold"] = result.Split.TestWithoutGold,
            },
            ["n"] = result.N,
            ["unresolvable"] = UnresolvableJson(result.Unresolvable),
        };
        AddRankers(json, result, result.Metrics);
        json["calibration"] = result.Calibration is { } calibration
            ? new JsonObject
            {
                ["ece"] = Math.Round(calibration.Ece, 4),
                ["bins"] = new JsonArray(
                    calibration
                        .Bins.Select(bin =>
                            (JsonNode?)
                                new JsonObject
                                {
                                    ["lower"] = bin.Lower,
                                    ["upper"] = bin.Upper,
                                    ["codes"] = bin.Codes,
                                    ["mean_score"] = Math.Round(bin.Confidence, 4),
                                    ["accuracy"] = Math.Round(bin.Accuracy, 4),
                                }
                        )
                        .ToArray()
                ),
            }
            : null;
        if (result.Strict is { } strict)
        {
            var strictJson = new JsonObject
            {
                ["n"] = strict.N,
                ["labels"] = strict.Labels,
                ["unresolvable"] = UnresolvableJson(strict.Unresolvable),
            };
            AddRankers(strictJson, result, strict.Metrics);
            json["strict"] = strictJson;
        }
        else
        {
            json["strict"] = null;
        }
        return json;
    }

    private static JsonObject UnresolvableJson(UnresolvableSummary unresolvable) =>
        new()
        {
            ["codes"] = unresolvable.Codes,
            ["distinct"] = new JsonArray(unresolvable.Distinct.Select(code => (JsonNode?)code).ToArray()),
        };

    /// <summary>The model's <c>metrics</c>, its <c>ablation</c> and the <c>baselines</c> of one view.</summary>
    private static void AddRankers(
        JsonObject json,
        EvaluationResult result,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> metrics
    )
    {
        var baselines = new JsonObject();
        foreach (var name in BaselineNames.Where(metrics.ContainsKey))
            baselines[name] = new JsonObject { ["metrics"] = MetricsJson(metrics[name]) };
        json["metrics"] = result.Model is { } model ? MetricsJson(metrics[model]) : null;
        json["ablation"] = new JsonObject(
            result.Ablations.Select(name =>
                KeyValuePair.Create(name, (JsonNode?)new JsonObject { ["metrics"] = MetricsJson(metrics[name]) })
            )
        );
        json["baselines"] = baselines;
    }

    public static void WriteJson(EvaluationResult result, string path) =>
        File.WriteAllText(path, ToJson(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    private static JsonObject MetricsJson(IReadOnlyDictionary<string, double> metrics) =>
        new(metrics.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)Math.Round(m.Value, 4))));

    /// <summary>Each view's per-record results with the view's name: <c>protocol</c>, then <c>strict</c>.</summary>
    private static IEnumerable<(string View, RecordResult Result)> PerRecordByView(EvaluationResult result) =>
        result
            .PerRecord.Select(r => ("protocol", r))
            .Concat((result.Strict?.PerRecord ?? []).Select(r => ("strict", r)));

    /// <summary>
    /// One row per view, record and ranker: gold labels, the top <paramref name="top"/> labels with scores, metrics.
    /// </summary>
    public static async Task WritePerRecordAsync(EvaluationResult result, string path, int top = 20)
    {
        var rows = PerRecordByView(result)
            .Select(pair => new PerRecordRow
            {
                View = pair.View,
                Id = pair.Result.Id,
                Ranker = pair.Result.Ranker,
                Gold = pair.Result.Gold.ToList(),
                Predicted = pair.Result.Ranking.Take(top).Select(c => c.Code).ToList(),
                Scores = pair.Result.Ranking.Take(top).Select(c => c.Score).ToList(),
                Metrics = pair.Result.Metrics.Select(m => new MetricValue { Name = m.Key, Value = m.Value }).ToList(),
            });
        await AtomicFile.WriteAsync(path, stream => ParquetSerializer.SerializeAsync(rows, stream));
    }

    /// <summary>
    /// One row per view, ranker and label (Annif's per-subject report): how many test records carry the label
    /// (support), how many of those have it in the top <paramref name="k"/>, how often it is predicted there, and the
    /// resulting recall, precision and F1.
    /// </summary>
    public static async Task WritePerCodeAsync(EvaluationResult result, string path, int k = 10)
    {
        var rows = PerRecordByView(result)
            .GroupBy(pair => (pair.View, pair.Result.Ranker), pair => pair.Result)
            .SelectMany(byRanker =>
            {
                var support = byRanker.SelectMany(r => r.Gold).CountBy(code => code).ToDictionary();
                var predicted = byRanker
                    .SelectMany(r => r.Ranking.Take(k).Select(c => c.Code))
                    .CountBy(code => code)
                    .ToDictionary();
                var found = byRanker
                    .SelectMany(r => r.Ranking.Take(k).Select(c => c.Code).Intersect(r.Gold))
                    .CountBy(code => code)
                    .ToDictionary();
                return support
                    .Keys.Union(predicted.Keys)
                    .Order(StringComparer.Ordinal)
                    .Select(code =>
                    {
                        int hits = found.GetValueOrDefault(code),
                            gold = support.GetValueOrDefault(code),
                            guessed = predicted.GetValueOrDefault(code);
                        double recall = gold == 0 ? 0 : (double)hits / gold,
                            precision = guessed == 0 ? 0 : (double)hits / guessed;
                        return new PerCodeRow
                        {
                            View = byRanker.Key.View,
                            Ranker = byRanker.Key.Ranker,
                            Code = code,
                            Support = gold,
                            Predicted = guessed,
                            Hits = hits,
                            Recall = recall,
                            Precision = precision,
                            F1 = recall + precision == 0 ? 0 : 2 * recall * precision / (recall + precision),
                        };
                    });
            });
        await AtomicFile.WriteAsync(path, stream => ParquetSerializer.SerializeAsync(rows, stream));
    }

    private sealed class PerCodeRow
    {
        [JsonPropertyName("view")]
        public string View { get; set; } = "";

        [JsonPropertyName("ranker")]
        public string Ranker { get; set; } = "";

        [JsonPropertyName("code")]
        public string Code { get; set; } = "";

        [JsonPropertyName("support")]
        public int Support { get; set; }

        [JsonPropertyName("predicted")]
        public int Predicted { get; set; }

        [JsonPropertyName("hits")]
        public int Hits { get; set; }

        [JsonPropertyName("recall")]
        public double Recall { get; set; }

        [JsonPropertyName("precision")]
        public double Precision { get; set; }

        [JsonPropertyName("f1")]
        public double F1 { get; set; }
    }

    private sealed class PerRecordRow
    {
        [JsonPropertyName("view")]
        public string View { get; set; } = "";

        [JsonPropertyName("id")]
        public string Id { get; set; } = "";

        [JsonPropertyName("ranker")]
        public string Ranker { get; set; } = "";

        [JsonPropertyName("gold")]
        public List<string> Gold { get; set; } = [];

        [JsonPropertyName("predicted")]
        public List<string> Predicted { get; set; } = [];

        [JsonPropertyName("scores")]
        public List<float> Scores { get; set; } = [];

        [JsonPropertyName("metrics")]
        public List<MetricValue> Metrics { get; set; } = [];
    }

    private sealed class MetricValue
    {
        [JsonPropertyName("name")]
        public string Name { get; set; } = "";

        [JsonPropertyName("value")]
        public double Value { get; set; }
    }
}
