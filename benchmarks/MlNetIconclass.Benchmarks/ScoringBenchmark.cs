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
/// Scoring a dump end to end (read Parquet, rank, write Parquet with definitions) against the bare query encoder on
/// the same records: the bundled model on 2,048 Suriname records (text only), and a small model trained with images
/// on the 36 saints records repeated to 144 rows (text and images: the baseline computes the image features too).
/// The target of the issue is scoring at 0.8 of the encoder's throughput (Ratio ≤ 1.25); see the note for why the
/// n-gram encoder, at tens of thousands of texts a second, makes that ratio a measure of ranking cost.
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

    [Benchmark(Baseline = true, Description = "bare query encoder (text, and image features)")]
    public int Encode()
    {
        int values = _model.Ranker.Components.Queries.Text.Embed(_texts).Length;
        if (_model.Images is { } images)
        {
            var loaded = _records.Select(r => ArtworkImages.Load(r.Id, r.Image!, null)).ToArray();
            values += images.Featurizer.Featurize(loaded).Sum(f => f?.Length ?? 0);
            foreach (var image in loaded)
                image.Image?.Dispose();
        }
        return values;
    }

    [Benchmark(Description = "iconclass score (BatchScorer)")]
    public long Score()
    {
        string output = Path.Combine(_folder, "scored.parquet");
        var summary = new BatchScorer(_model, _thesaurus, _model.Images)
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
