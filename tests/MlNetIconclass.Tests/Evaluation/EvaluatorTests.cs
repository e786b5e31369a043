using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;

namespace MlNetIconclass.Tests.Evaluation;

public class EvaluatorTests
{
    /// <summary>
    /// The baselines on the Suriname records, pinned to ±0.0005 so that any change to them shows. They match the
    /// protocol's reference figures (docs/evaluation-protocol.md) except kNN's MRR, 0.598 against the reference 0.600.
    /// </summary>
    [Theory]
    [InlineData("prior", 0.304, 0.190)]
    [InlineData("bm25", 0.127, 0.135)]
    [InlineData("knn", 0.700, 0.598)]
    public async Task BaselinesReproduceTheReferenceFigures(string ranker, double recallAt10, double mrr)
    {
        var result = await SurinameEvaluation.Value;
        Assert.Equal(420, result.N);
        Assert.Equal(recallAt10, result.Metrics[ranker]["R@10"], 0.0005);
        Assert.Equal(mrr, result.Metrics[ranker]["MRR"], 0.0005);
    }

    [Fact]
    public async Task ReportHasTheProtocolShape()
    {
        var result = await SurinameEvaluation.Value;
        var json = EvaluationReports.ToJson(result);
        Assert.Null(json["model"]);
        Assert.Equal(420, (int)json["n"]!);
        Assert.Equal(1_751, (int)json["split"]!["train"]! - (int)json["split"]!["train_without_gold"]!);
        foreach (var baseline in new[] { "prior", "bm25", "knn" })
            Assert.Equal(
                RetrievalMetrics.StandardNames,
                json["baselines"]![baseline]!["metrics"]!.AsObject().Select(m => m.Key)
            );
    }

    [Fact]
    public async Task PerRecordResultsAreWritten()
    {
        using var folder = new TempFolder();
        var result = await SurinameEvaluation.Value;
        var path = folder.File("per-record.parquet");
        await EvaluationReports.WritePerRecordAsync(result, path, top: 5);
        var rows = await ReadRowsAsync(path);
        Assert.Equal(3 * 420, rows.Count(r => (string)r["view"]! == "protocol"));
        Assert.Equal(3 * result.Strict!.N, rows.Count(r => (string)r["view"]! == "strict"));
    }

    [Fact]
    public async Task PerCodeReportAddsUpToThePerRecordHits()
    {
        using var folder = new TempFolder();
        var result = await SurinameEvaluation.Value;
        var path = folder.File("per-code.parquet");
        await EvaluationReports.WritePerCodeAsync(result, path, k: 10);
        var rows = await ReadRowsAsync(path);
        var knn = rows.Where(r => (string)r["ranker"]! == "knn" && (string)r["view"]! == "protocol").ToArray();
        int hits = knn.Sum(r => (int)r["hits"]!);
        int expected = result
            .PerRecord.Where(r => r.Ranker == "knn")
            .Sum(r => r.Ranking.Take(10).Count(c => r.Gold.Contains(c.Code)));
        Assert.Equal(expected, hits);
        Assert.Equal(
            result.PerRecord.Where(r => r.Ranker == "knn").Sum(r => r.Gold.Count),
            knn.Sum(r => (int)r["support"]!)
        );
    }

    /// <summary>
    /// Strict: gold keeps names and keys, the label space grows by the collection labels, and kNN votes the
    /// neighbours' codes as written, so it proposes free names the protocol cannot.
    /// </summary>
    [Fact]
    public async Task StrictViewKeepsNamesAndKeysAndReportsBeside()
    {
        var result = await SurinameEvaluation.Value;
        var strict = result.Strict!;
        Assert.True(strict.Labels > BundledThesaurus.Instance.ProtocolLabelSpace.Count);
        Assert.Contains(strict.PerRecord, r => r.Gold.Any(code => code.Contains('(') && !code.Contains("(...)")));
        Assert.Contains(strict.PerRecord, r => r.Ranker == "knn" && r.Ranking.Any(c => c.Code == "25G21(BANANA)"));
        Assert.DoesNotContain(result.PerRecord, r => r.Ranking.Any(c => c.Code == "25G21(BANANA)"));

        var json = EvaluationReports.ToJson(result)["strict"]!;
        Assert.Equal(strict.N, (int)json["n"]!);
        Assert.Equal(strict.Labels, (int)json["labels"]!);
        foreach (var baseline in new[] { "prior", "bm25", "knn" })
            Assert.Equal(
                RetrievalMetrics.StandardNames,
                json["baselines"]![baseline]!["metrics"]!.AsObject().Select(m => m.Key)
            );
        Assert.InRange((double)json["baselines"]!["knn"]!["metrics"]!["MedR"]!, 1, strict.Labels);
    }

    private static async Task<IList<Dictionary<string, object>>> ReadRowsAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return (await Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(stream)).Data;
    }

    private static readonly Lazy<Task<EvaluationResult>> SurinameEvaluation = new(async () =>
    {
        var records = await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname);
        return new Evaluator(BundledThesaurus.Instance).Evaluate(records, new EvaluationOptions());
    });
}
