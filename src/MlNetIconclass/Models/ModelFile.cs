using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using MlNetIconclass.Features;
using MlNetIconclass.Persistence;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Models;

/// <summary>
/// The model file: a zip whose <c>manifest.json</c> says what the model is, and whose other entries the model's parts
/// write and read themselves (<see cref="TextEncoderGraph"/>: <c>encoder.onnx</c>; <see cref="LabelIndexes"/>:
/// <c>labels-LANG.f16</c>, kept for MiniLM, whose label encoding takes minutes; <see cref="VisualQuery"/>:
/// <c>vision.f16</c> and <c>vision-backbone.onnx</c>; <see cref="LabeledRecords"/>: <c>memory.jsonl</c>; the learned
/// fusion's ranker, when the model has one: <c>fusion-ranker.zip</c>, an ML.NET model; <see cref="BorrowedPrior"/>:
/// <c>borrowed-prior.tsv</c>, for a model that remembers no records), and the
/// collection labels its label space adds to the listed notations, one a line (<c>collection-labels.txt</c>, absent
/// when there are none). Format 1 files, whose n-gram encoder was TorchSharp weights, still load.
/// </summary>
internal static class ModelFile
{
    private const string ManifestEntry = "manifest.json";
    private const string CollectionLabelsEntry = "collection-labels.txt";
    private const string SeenRecordsEntry = "seen-records.txt";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        // A null where the manifest promises a value is a broken manifest, not a null to trip over later.
        RespectNullableAnnotations = true,
    };

    /// <summary>Writes the file atomically: a run killed while saving leaves the earlier file, or none.</summary>
    public static void Save(IconclassModel model, string path) =>
        AtomicFile
            .WriteAsync(
                path,
                stream =>
                {
                    Save(model, stream);
                    return Task.CompletedTask;
                }
            )
            .GetAwaiter()
            .GetResult();

    public static void Save(IconclassModel model, Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var entries = new ZipEntries(zip);
        // A model read from an older format is written in the current one.
        using (var manifest = entries.Create(ManifestEntry))
            JsonSerializer.Serialize(manifest, model.Manifest with { Format = ModelManifest.CurrentFormat }, Json);
        if (model.Thesaurus.CollectionLabels.Count > 0)
            using (var labels = new StreamWriter(entries.Create(CollectionLabelsEntry)))
                foreach (var label in model.Thesaurus.CollectionLabels)
                    labels.WriteLine(label);
        model.Encoder.Save(entries);
        if (model.Encoder.Kind == TextEncoderKind.MiniLm)
            model.Labels.Save(entries, model.Manifest.Languages);
        model.Labels.Prior.Save(entries);
        model.Queries.Visual?.Save(entries);
        model.Memory.Save(entries);
        model.Fusion?.Save(entries);
        using (var seen = new StreamWriter(entries.Create(SeenRecordsEntry)))
            foreach (var id in model.SeenRecordIds.Order(StringComparer.Ordinal))
                seen.WriteLine(id);
    }

    public static IconclassModel Load(string path, IconclassThesaurus thesaurus, ModelLoadOptions options)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        return Load(stream, $"'{path}'", thesaurus, options);
    }

    /// <summary>
    /// Loads a model from a stream; <paramref name="description"/> names it in errors (its path, or where it came
    /// from).
    /// </summary>
    public static IconclassModel Load(
        Stream stream,
        string description,
        IconclassThesaurus thesaurus,
        ModelLoadOptions options
    )
    {
        var parts = new List<IDisposable>();
        try
        {
            long start = stream.Position;
            string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
            stream.Position = start;
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var entries = new ZipEntries(zip);
            (var manifest, thesaurus) = ReadManifest(entries, thesaurus);
            var encoder = TextEncoderGraph.Load(entries, manifest.Encoder);
            var text = Own(parts, encoder.CreateEmbedder(options.Device, options.Log));
            var visual = manifest.ImageModel is { } imageModel
                ? Own(
                    parts,
                    VisualQuery.Load(
                        entries,
                        ImageModelOptions.Resolve(imageModel.Name, options.ImageModel),
                        options.Device,
                        options.Log
                    )
                )
                : null;
            var queries = new QueryTower(text, manifest.QueryFields, visual);
            var cache = options.CacheLabelVectors ? LabelVectorCache.InUserFolder(hash, options.Device) : null;
            var prior = BorrowedPrior.Load(entries, thesaurus);
            var labels = Own(parts, new LabelIndexes(thesaurus, text, options.Device, cache, prior));
            labels.Load(entries, manifest.Languages);
            // The memory holds labels as the model ranks them, names and keys kept where it has collection labels.
            var memory = LabeledRecords.Load(entries, GoldCodeNormalizer.Strict(thesaurus));
            var fusion = manifest.Fusion is { Learned: true } ? FusionTrees.Load(entries) : null;
            var seen = entries.Contains(SeenRecordsEntry)
                ? ReadLines(entries, SeenRecordsEntry)
                : memory.Items.Select(item => item.Record.Id);
            var seenIds = seen.ToHashSet(StringComparer.Ordinal);
            return new IconclassModel(manifest, encoder, queries, labels, memory, seenIds, fusion, hash);
        }
        catch (Exception exception) when (MeansUnusable(exception))
        {
            foreach (var part in parts)
                part.Dispose();
            throw Unusable(description, exception);
        }
    }

    /// <summary>
    /// A saved model's manifest and text encoder alone, checked as <see cref="Load(string, IconclassThesaurus,
    /// ModelLoadOptions)"/> checks them (format, label set): what a training that starts from the model needs.
    /// </summary>
    public static (ModelManifest Manifest, TextEncoderGraph Encoder, IReadOnlySet<string> SeenRecordIds) ReadEncoder(
        string path,
        IconclassThesaurus thesaurus
    )
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var entries = new ZipEntries(zip);
            var (manifest, _) = ReadManifest(entries, thesaurus);
            // Older files hold no list: their memory is not read here, so nothing is known of what they saw.
            var seen = entries.Contains(SeenRecordsEntry) ? ReadLines(entries, SeenRecordsEntry) : [];
            return (manifest, TextEncoderGraph.Load(entries, manifest.Encoder), seen.ToHashSet(StringComparer.Ordinal));
        }
        catch (Exception exception) when (MeansUnusable(exception))
        {
            throw Unusable($"'{path}'", exception);
        }
    }

    /// <summary>What a broken or hostile model file throws while it is read.</summary>
    private static bool MeansUnusable(Exception exception) =>
        exception
            is InvalidDataException
                or JsonException
                or EndOfStreamException
                or Microsoft.ML.OnnxRuntime.OnnxRuntimeException;

    private static InvalidDataException Unusable(string description, Exception exception) =>
        new($"{description} is not a usable MlNetIconclass model: {exception.Message}", exception);

    /// <summary>
    /// The checked manifest, and the thesaurus with the model's collection labels, whose label space must be the one
    /// the model was built for.
    /// </summary>
    private static (ModelManifest Manifest, IconclassThesaurus Thesaurus) ReadManifest(
        ZipEntries entries,
        IconclassThesaurus thesaurus
    )
    {
        var manifest =
            entries.Read(ManifestEntry, stream => JsonSerializer.Deserialize<ModelManifest>(stream, Json))
            ?? throw new InvalidDataException($"{ManifestEntry} is empty.");
        manifest.Check();
        if (!ModelManifest.ReadableFormats.Contains(manifest.Format))
            throw new InvalidDataException(
                $"model format {manifest.Format}; this library reads formats "
                    + $"{string.Join(" and ", ModelManifest.ReadableFormats)}."
            );
        thesaurus = WithCollectionLabels(thesaurus, entries);
        if (manifest.LabelSetHash != ModelManifest.HashLabels(thesaurus.LabelSpace))
            throw new InvalidDataException(
                "the model was built for another label set (another thesaurus version or language selection)."
            );
        return (manifest, thesaurus);
    }

    /// <summary>The thesaurus with the model's collection labels, each one that the thesaurus can place.</summary>
    private static IconclassThesaurus WithCollectionLabels(IconclassThesaurus thesaurus, ZipEntries entries)
    {
        if (!entries.Contains(CollectionLabelsEntry))
            return thesaurus.WithCollectionLabels([]);
        var labels = ReadLines(entries, CollectionLabelsEntry);
        var unplaced = labels.FirstOrDefault(label => thesaurus.Canonical(label) != label);
        if (unplaced is not null)
            throw new InvalidDataException(
                $"{CollectionLabelsEntry}: '{unplaced}' is not a notation this thesaurus can place as written."
            );
        return thesaurus.WithCollectionLabels(labels);
    }

    private static List<string> ReadLines(ZipEntries entries, string entry) =>
        entries.Read(
            entry,
            stream =>
            {
                using var reader = new StreamReader(stream);
                var lines = new List<string>();
                while (reader.ReadLine() is { } line)
                    lines.Add(line);
                return lines;
            }
        );

    private static T Own<T>(List<IDisposable> parts, T part)
    {
        if (part is IDisposable disposable)
            parts.Add(disposable);
        return part;
    }

    /// <summary>A zip's entries as the parts see them.</summary>
    private sealed class ZipEntries(ZipArchive zip) : IModelEntryWriter, IModelEntryReader
    {
        public Stream Create(string entry, CompressionLevel compression = CompressionLevel.Optimal) =>
            zip.CreateEntry(entry, compression).Open();

        public bool Contains(string entry) => zip.GetEntry(entry) is not null;

        public Stream Open(string entry) =>
            (zip.GetEntry(entry) ?? throw new InvalidDataException($"{entry} is missing.")).Open();
    }
}

/// <summary>How a saved model is loaded.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>Where the ONNX models run: CUDA when it loads (by default), or the CPU.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;

    /// <summary>Receives lines saying which device runs what.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The vision model of a model trained with one that does not ship with the library.</summary>
    public ImageModelOptions? ImageModel { get; init; }

    /// <summary>
    /// Keep the label documents' embeddings in the user's cache folder, so the next process that loads this model
    /// file reads them instead of embedding them again (on by default).
    /// </summary>
    public bool CacheLabelVectors { get; init; } = true;
}
