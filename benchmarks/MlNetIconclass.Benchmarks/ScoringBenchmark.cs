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
/// can beat: the records' queries joined and encoded (image features computed too) and searched against every label,
/// in the scorer's batches, one matrix product per batch and language, top 200. The bare query encoder is shown beside
/// it. The target is scoring at no less than 1/2.5 of the limit's throughput (Ratio ≤ 2.5).
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

    /// <summary>The records the scorer ranks in one call: a chunk of the dump (a row group), at most a batch.</summary>
    private int _batch;

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
        _batch = Math.Min(rowGroup, BatchScorer.RankingBatch);
        _dump = Path.Combine(_folder, "dump.parquet");
        ArtworkParquet.WriteAsync(_records, _dump, rowGroupSize: rowGroup).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "dense search limit (encode, search every label, top 200)")]
    public int DenseSearch()
    {
        var labels = _model.LinearFusion.Components.Labels;
        int hits = 0;
        // In the scorer's batches, each batch's texts joined and encoded inside the timing, as the scorer does.
        foreach (var batch in _records.Chunk(_batch))
        {
            var vectors = EncodeQueries(batch);
            int dimension = vectors.Length / batch.Length;
            foreach (
                var group in Enumerable.Range(0, batch.Length).GroupBy(i => labels.Dense(QueryText.Language(batch[i])))
            )
            {
                var queries = group.SelectMany(i => vectors.AsSpan(i * dimension, dimension).ToArray()).ToArray();
                hits += group.Key.SearchBatch(queries, 200).Sum(h => h.Count);
            }
        }
        return hits;
    }

    [Benchmark(Description = "bare query encoder (text, and image features)")]
    public int Encode() => _records.Chunk(_batch).Sum(batch => EncodeQueries(batch).Length);

    /// <summary>
    /// The records' text embeddings; with images, their features are computed too (from the files, as scoring does),
    /// since every query pays for them.
    /// </summary>
    private float[] EncodeQueries(ArtworkRecord[] records)
    {
        var texts = records.Select(r => QueryText.Joined(r, _model.Manifest.QueryFields)).ToArray();
        var vectors = _model.LinearFusion.Components.Queries.Text.Embed(texts);
        _model.ReadImages(new ImageAccess())?.Prepare(records);
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
