using System.Text.Json;
using System.Text.Json.Serialization;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Training;

/// <summary>
/// A training run described in a JSON file (comments allowed), as Model Builder's config: the data and its column
/// mapping, languages, encoder, modalities, epochs, validation and output. Paths are relative to the file's folder.
/// <see cref="Load"/> names the field of any mistake.
/// </summary>
public sealed record TrainingConfig
{
    public IReadOnlyList<DataSource> Data { get; init; } = [];
    public IReadOnlyList<string>? Languages { get; init; }
    public TextEncoderKind Encoder { get; init; } = TextEncoderKind.Ngram;
    public IReadOnlyList<string> Modalities { get; init; } = ["text"];
    public QueryFields Fields { get; init; } = QueryFields.TitlesAndDescriptions;
    public int Epochs { get; init; } = new DualEncoderOptions().Epochs;
    public int ThesaurusEpochs { get; init; } = new DualEncoderOptions().ThesaurusEpochs;
    public int ThesaurusExamples { get; init; } = new DualEncoderOptions().ThesaurusExamplesPerEpoch;
    public int BatchSize { get; init; } = new DualEncoderOptions().BatchSize;
    /// <summary>"train": hold out the protocol's test split and evaluate on it; "all": train on every record, no evaluation.</summary>
    public string Split { get; init; } = "train";
    public bool ValidateEachEpoch { get; init; } = true;
    public int Seed { get; init; } = 1;
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;
    public string? ImageCache { get; init; }
    /// <summary>Passes that fine-tune ResNet18 itself on the collection's images (0: only its projection is trained).</summary>
    public int ImageBackboneEpochs { get; init; }
    public string Output { get; init; } = "";
    /// <summary>Folder for the report (JSON, learning curve); default: the model's path without extension, plus "-report".</summary>
    public string? Report { get; init; }

    /// <summary>The folder of the config file, which relative paths start from.</summary>
    [JsonIgnore]
    public string Folder { get; init; } = "";

    public sealed record DataSource
    {
        public string Path { get; init; } = "";
        /// <summary>Null for Parquet in the project schema; csv, tsv, jsonl or rijksmuseum otherwise.</summary>
        public SourceFormat? Format { get; init; }
        public ColumnsConfig? Columns { get; init; }
    }

    public sealed record ColumnsConfig
    {
        public string? Id { get; init; }
        /// <summary>Language to column: <c>{ "nl": "titel" }</c>.</summary>
        public Dictionary<string, string> Titles { get; init; } = [];
        public Dictionary<string, string> Descriptions { get; init; } = [];
        public string? Image { get; init; }
        public IReadOnlyList<string> Codes { get; init; } = [];
        public string? CodesSeparator { get; init; }
        public string? TextSeparator { get; init; }
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>Reads and checks a config; a mistake throws <see cref="FormatException"/> naming the file and the field.</summary>
    public static TrainingConfig Load(string path, IconclassThesaurus thesaurus)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"The config file '{path}' does not exist.", path);
        TrainingConfig config;
        try
        {
            config = (JsonSerializer.Deserialize<TrainingConfig>(File.ReadAllText(path), Json) ?? throw new FormatException($"'{path}' is empty."))
                with { Folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))! };
        }
        catch (JsonException exception)
        {
            string field = exception.Path is { Length: > 1 } jsonPath ? $"field {jsonPath.TrimStart('$', '.')}" : "the file";
            throw new FormatException($"'{path}', {field} (line {exception.LineNumber + 1}): {Explain(exception)}", exception);
        }
        var problems = config.Problems(thesaurus).ToArray();
        if (problems.Length > 0)
            throw new FormatException($"'{path}': " + string.Join("; ", problems));
        return config;
    }

    private static string Explain(JsonException exception) =>
        exception.Message.Contains("could not be converted") ? exception.Message.Split(". Path:")[0].Replace("System.", "")
        : exception.Message.Split(" Path:")[0];

    /// <summary>Each mistake, as "field: what is wrong".</summary>
    public IEnumerable<string> Problems(IconclassThesaurus thesaurus)
    {
        if (Data.Count == 0) yield return "data: name at least one collection";
        for (int i = 0; i < Data.Count; i++)
        {
            var source = Data[i];
            if (string.IsNullOrWhiteSpace(source.Path)) yield return $"data[{i}].path: missing";
            else if (!File.Exists(Resolve(source.Path))) yield return $"data[{i}].path: '{Resolve(source.Path)}' does not exist";
            if (source.Format is null or SourceFormat.Rijksmuseum) continue;
            if (source.Columns is null) yield return $"data[{i}].columns: a {source.Format} file needs its column mapping";
            else
            {
                if (string.IsNullOrWhiteSpace(source.Columns.Id)) yield return $"data[{i}].columns.id: missing";
                if (source.Columns.Titles.Count == 0 && source.Columns.Image is null) yield return $"data[{i}].columns.titles: name a title column (or an image column)";
            }
        }
        foreach (var (language, i) in (Languages ?? []).Select((l, i) => (l, i)))
            if (!thesaurus.Languages.Contains(language)) yield return $"languages[{i}]: '{language}' is not a thesaurus language ({string.Join(", ", thesaurus.Languages)})";
        foreach (var (modality, i) in Modalities.Select((m, i) => (m, i)))
            if (modality is not ("text" or "image")) yield return $"modalities[{i}]: '{modality}' is not text or image";
        if (!Modalities.Contains("text")) yield return "modalities: the query tower needs text (image alone is not supported)";
        if (ImageBackboneEpochs < 0) yield return "imageBackboneEpochs: must be 0 or more";
        if (ImageBackboneEpochs > 0 && !Modalities.Contains("image")) yield return "imageBackboneEpochs: fine-tuning ResNet18 needs the image modality";
        if (Epochs <= 0) yield return "epochs: must be positive";
        if (ThesaurusEpochs < 0) yield return "thesaurusEpochs: must be 0 or more";
        if (ThesaurusExamples <= 0) yield return "thesaurusExamples: must be positive";
        if (BatchSize <= 0) yield return "batchSize: must be positive";
        if (Split is not ("train" or "all")) yield return $"split: '{Split}' is not train or all";
        if (string.IsNullOrWhiteSpace(Output)) yield return "output: name the model file to write";
    }

    public string Resolve(string path) => System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.GetFullPath(System.IO.Path.Combine(Folder, path));

    public string OutputPath => Resolve(Output);

    public string ReportFolder => Report is null ? DefaultReportFolder(OutputPath) : Resolve(Report);

    /// <summary>Where a model's training report goes unless told: beside it, its name without extension plus "-report".</summary>
    public static string DefaultReportFolder(string modelPath) => System.IO.Path.ChangeExtension(modelPath, null) + "-report";

    public DualEncoderOptions ToOptions() => new()
    {
        Encoder = Encoder,
        Epochs = Epochs,
        ThesaurusEpochs = ThesaurusEpochs,
        ThesaurusExamplesPerEpoch = ThesaurusExamples,
        BatchSize = BatchSize,
        ValidateEachEpoch = ValidateEachEpoch,
        Languages = Languages,
        QueryFields = Fields,
        Seed = Seed,
        Device = Device,
        ImageModel = Modalities.Contains("image") ? ImageModelOptions.ResNet18 : null,
        ImageCacheFolder = ImageCache is null ? null : Resolve(ImageCache),
        ImageBackboneEpochs = ImageBackboneEpochs,
    };

    /// <summary>Every record of the configured collections (image paths made absolute), and the import problems.</summary>
    public async Task<(List<ArtworkRecord> Records, IReadOnlyList<string> Problems)> ReadRecordsAsync(IconclassThesaurus thesaurus,
        CancellationToken cancellation = default)
    {
        var records = new List<ArtworkRecord>();
        var problems = new List<string>();
        foreach (var source in Data)
        {
            string path = Resolve(source.Path);
            if (source.Format is not { } format)
            {
                records.AddRange(await ArtworkParquet.ReadCollectionsAsync([path], cancellation));
                continue;
            }
            var report = new ImportReport();
            string folder = System.IO.Path.GetDirectoryName(path)!;
            foreach (var record in new CollectionImporter(thesaurus).Read(path, format, Mapping(source), report))
            {
                ArtworkParquet.ResolveImage(record, folder);
                records.Add(record);
            }
            problems.AddRange(report.Warnings);
            problems.AddRange(report.Rejected.Select(p => $"rejected: {p}"));
            problems.AddRange(report.DroppedCodes.Select(p => $"dropped code: {p}"));
        }
        return (records, problems);
    }

    private static ColumnMapping Mapping(DataSource source)
    {
        if (source.Format == SourceFormat.Rijksmuseum && source.Columns is null) return ColumnMapping.Rijksmuseum;
        var columns = source.Columns!;
        return new ColumnMapping
        {
            Id = columns.Id!,
            Titles = columns.Titles.Select(pair => new LanguageColumn(pair.Key, pair.Value)).ToArray(),
            Descriptions = columns.Descriptions.Select(pair => new LanguageColumn(pair.Key, pair.Value)).ToArray(),
            Image = columns.Image,
            Codes = columns.Codes,
            CodesSeparator = columns.CodesSeparator,
            TextSeparator = columns.TextSeparator,
        };
    }

    /// <summary>What <c>iconclass init</c> writes: every field, with a comment saying what it does.</summary>
    public const string Starter = """
        // MlNetIconclass training config: `iconclass train --config THIS_FILE`.
        // Paths are relative to this file's folder. Comments and trailing commas are allowed.
        {
          // The collections to learn from. A Parquet file in the project schema (see `iconclass import`) needs only
          // its path; a CSV, TSV or JSON Lines file names its format and which columns hold what.
          "data": [
            { "path": "my-collection.parquet" },
            // {
            //   "path": "export.csv",
            //   "format": "csv",                       // csv, tsv, jsonl or rijksmuseum (that one needs no columns)
            //   "columns": {
            //     "id": "object_number",
            //     "titles": { "nl": "titel", "en": "title" },   // language: column
            //     "descriptions": { "nl": "beschrijving" },
            //     "image": "image_path",                  // local files, relative to the CSV's folder
            //     "codes": ["iconclass"],
            //     "codesSeparator": "|",
            //     "textSeparator": null
            //   }
            // },
          ],

          // Thesaurus languages whose definitions and keywords the model also learns from
          // (null: English and the languages of the collection).
          "languages": null,

          // "ngram": hashed character n-grams trained from scratch, fast, any language (the default model).
          // "miniLm": the MiniLM transformer, fine-tuned end to end; English-pretrained, slow on a CPU.
          "encoder": "ngram",

          // What the query tower reads: ["text"], or ["text", "image"] to fuse ResNet18 image features
          // (learned from the records that have an image).
          "modalities": ["text"],

          // The record text queried: "titles" or "titlesAndDescriptions".
          "fields": "titlesAndDescriptions",

          "epochs": 8,               // passes over the collection
          "thesaurusEpochs": 2,      // passes over thesaurus pairs before the collection (0: none)
          "thesaurusExamples": 60000,// thesaurus pairs per pass
          "batchSize": 128,

          // "train": hold out the evaluation protocol's test split, and evaluate on it against the baselines;
          // "all": train on every record (for the model you deploy; no evaluation).
          "split": "train",
          "validateEachEpoch": true, // rank the validation share after each epoch (the learning curve)

          "seed": 1,
          "device": "auto",          // auto, cpu or cuda
          "imageCache": null,        // a folder to keep image features in between runs
          "imageBackboneEpochs": 0,  // with "image": passes that fine-tune ResNet18 itself (slow on a CPU; 0: frozen)

          "output": "my-model.iconclass",
          "report": null             // default: my-model-report/ beside the model
        }
        """;
}
