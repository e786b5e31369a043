using BenchmarkDotNet.Attributes;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Scoring;
using MlNetIconclass.Thesaurus;
using MlNetIconclass.Training;

namespace MlNetIconclass.Benchmarks;

/// <summary>
/// Scoring a dump end to end (read Parquet, rank, write Parquet with definitions) against the dense search limit on
/// the same records: the bundled model on 2,048 Suriname records (text only), and a small model trained with images
/// on the 36 saints records repeated to 144 rows (text and images). The limit is what no ranker over the dense index
/// can beat: the records' queries encoded (image features computed too) and searched against every label, one
/// matrix product per batch, top 200. The bare query encoder is shown beside it. The target is scoring at no less
/// than half the limit's throughput (Ratio ≤ 2).
/// </summary>
public class ScoringBenchmark
{
    private readonly string _folder = Path.Combine(
        Path.GetTempPath(),
        "mlnet-iconclass-bench-" + Environment.ProcessId
    );
    private IconclassThesaurus _thesaurus = null!;
    private IconclassModel _model = null!;
    private string _dump = "";
    private ArtworkRecord[] _records = [];
    private string[] _texts = [];

    [Params("text", "text+images")]
    public string Modality { get; set; } = "text";

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_folder);
        _thesaurus = IconclassThesaurus.LoadBundled();
        int rowGroup;
        if (Modality == "text")
        {
            _model = IconclassModel.Load(
                BundledModels.Default,
                _thesaurus,
                new ModelLoadOptions { Device = ComputeDevice.Cpu }
            );
            _records = SyntheticDump
                .Records(ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname).GetAwaiter().GetResult(), 2048)
                .ToArray();
            rowGroup = 512;
        }
        else
        {
            // A small model trained with images; each chunk of the dump holds each image once, as a real dump would.
            var saints = ArtworkParquet.ReadCollectionsAsync([BundledSamples.Saints]).GetAwaiter().GetResult();
            var suriname = ArtworkParquet
                .ReadAllAsync(BundledSamples.RijksmuseumSuriname)
                .GetAwaiter()
                .GetResult()
                .Take(600);
            _model = IconclassTrainer.Fit(
                _thesaurus,
                suriname.Concat(saints).ToArray(),
                new DualEncoderOptions
                {
                    Epochs = 1,
                    ThesaurusEpochs = 0,
                    DistillationEpochs = 0,
                    Modalities = [QueryModality.Text, QueryModality.Image],
                    Device = ComputeDevice.Cpu,
                }
            );
            _records = SyntheticDump.Records(saints, saints.Count * 4).ToArray();
            rowGroup = saints.Count;
        }
        _dump = Path.Combine(_folder, "dump.parquet");
        ArtworkParquet.WriteAsync(_records, _dump, rowGroupSize: rowGroup).GetAwaiter().GetResult();
        _texts = _records.Select(r => QueryText.Joined(r, _model.Manifest.QueryFields)).ToArray();
    }

    [Benchmark(Baseline = true, Description = "dense search limit (encode, search every label, top 200)")]
    public int DenseSearch()
    {
        var labels = _model.LinearFusion.Components.Labels;
        var vectors = EncodeQueries();
        int dimension = vectors.Length / _records.Length;
        int hits = 0;
        foreach (
            var group in Enumerable
                .Range(0, _records.Length)
                .GroupBy(i => labels.Dense(QueryText.Language(_records[i])))
        )
        {
            var queries = group.SelectMany(i => vectors.AsSpan(i * dimension, dimension).ToArray()).ToArray();
            hits += group.Key.SearchBatch(queries, 200).Sum(h => h.Count);
        }
        return hits;
    }

    [Benchmark(Description = "bare query encoder (text, and image features)")]
    public int Encode() => EncodeQueries().Length;

    /// <summary>
    /// The records' text embeddings; with images, their features are computed too (from the files, as scoring does),
    /// since every query pays for them.
    /// </summary>
    private float[] EncodeQueries()
    {
        var vectors = _model.LinearFusion.Components.Queries.Text.Embed(_texts);
        _model.ReadImages(new ImageAccess())?.Prepare(_records);
        return vectors;
    }

    [Benchmark(Description = "iconclass score (BatchScorer)")]
    public long Score()
    {
        string output = Path.Combine(_folder, "scored.parquet");
        var summary = new BatchScorer(_model, _thesaurus)
            .ScoreAsync(ScoringInput.Parquet(_dump), output, new ScoringOptions())
            .GetAwaiter()
            .GetResult();
        return summary.Rows;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
