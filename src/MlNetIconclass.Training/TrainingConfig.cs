using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MlNetIconclass.Collections;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Training;

/// <summary>Which records a training run learns from.</summary>
public enum TrainingSplit
{
    /// <summary>
    /// The protocol's train split: the test split is held out, and the model is evaluated on it against the baselines.
    /// </summary>
    Train,

    /// <summary>Every record: the model to deploy, with no test split left to evaluate it on.</summary>
    All,
}

/// <summary>
/// A training run described in a JSON file (comments allowed), as Model Builder's config: the data and its column
/// mapping, the split, the output, and the model's settings, which are the properties of <see
/// cref="DualEncoderOptions"/> read into <see cref="Options"/> from the same object (<c>"epochs": 8</c> beside
/// <c>"data"</c>). Paths are relative to the file's folder. <see cref="Load"/> names the field of any mistake.
/// </summary>
public sealed record TrainingConfig
{
    public IReadOnlyList<DataSource> Data { get; init; } = [];
    public TrainingSplit Split { get; init; } = TrainingSplit.Train;
    public string Output { get; init; } = "";

    /// <summary>
    /// Folder for the report (JSON, learning curve); default: the model's path without extension, plus "-report".
    /// </summary>
    public string? Report { get; init; }

    /// <summary>The model's settings, read from the config's other fields.</summary>
    [JsonIgnore]
    public DualEncoderOptions Options { get; init; } = new() { Seed = 1 };

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

    /// <summary>
    /// How configs and options read and write JSON: camel case, comments, enums by name, no unknown fields.
    /// </summary>
    public static JsonSerializerOptions Json { get; } =
        new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            // "data": null and the like are errors naming the field, not null references later.
            RespectNullableAnnotations = true,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { ReadOptionsBesideTheRun } },
        };

    /// <summary>
    /// The settings of <see cref="DualEncoderOptions"/> as fields of the config object itself, set on <see
    /// cref="Options"/>.
    /// </summary>
    private static void ReadOptionsBesideTheRun(JsonTypeInfo config)
    {
        if (config.Type != typeof(TrainingConfig))
            return;
        foreach (
            var setting in new DefaultJsonTypeInfoResolver()
                .GetTypeInfo(typeof(DualEncoderOptions), config.Options)
                .Properties
        )
        {
            if (setting.Get is not { } get || setting.Set is not { } set)
                continue;
            var field = config.CreateJsonPropertyInfo(setting.PropertyType, setting.Name);
            field.Get = run => get(((TrainingConfig)run).Options);
            field.Set = (run, value) => set(((TrainingConfig)run).Options, value);
            config.Properties.Add(field);
        }
    }

    /// <summary>
    /// Reads and checks a config; a mistake throws <see cref="FormatException"/> naming the file and the field.
    /// </summary>
    public static TrainingConfig Load(string path, IconclassThesaurus thesaurus)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The config file '{path}' does not exist.", path);
        TrainingConfig config;
        try
        {
            config = (
                JsonSerializer.Deserialize<TrainingConfig>(File.ReadAllText(path), Json)
                ?? throw new FormatException($"'{path}' is empty.")
            ) with
            {
                Folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!,
            };
        }
        catch (JsonException exception)
        {
            string field = exception.Path is { Length: > 1 } jsonPath
                ? $"field {jsonPath.TrimStart('$', '.')}"
                : "the file";
            throw new FormatException(
                $"'{path}', {field} (line {exception.LineNumber + 1}): {Explain(exception)}",
                exception
            );
        }
        var problems = config.Problems(thesaurus).ToArray();
        if (problems.Length > 0)
            throw new FormatException($"'{path}': " + string.Join("; ", problems));
        return config;
    }

    private static string Explain(JsonException exception) =>
        exception.Message.Contains("could not be converted")
            ? exception.Message.Split(". Path:")[0].Replace("System.", "")
            : exception.Message.Split(" Path:")[0];

    /// <summary>
    /// Each mistake, as "field: what is wrong"; the model's settings are checked by <see
    /// cref="DualEncoderOptions.Problems"/>.
    /// </summary>
    public IEnumerable<string> Problems(IconclassThesaurus thesaurus)
    {
        if (Data.Count == 0)
            yield return "data: name at least one collection";
        for (int i = 0; i < Data.Count; i++)
        {
            // JSON's null inside a list or a map is not covered by the nullable annotations the reader respects.
            if (Data[i] is not { } source)
            {
                yield return $"data[{i}]: null; give {{ \"path\": ... }}";
                continue;
            }
            if (string.IsNullOrWhiteSpace(source.Path))
                yield return $"data[{i}].path: missing";
            else if (!File.Exists(Resolve(source.Path)))
                yield return $"data[{i}].path: '{Resolve(source.Path)}' does not exist";
            if (source.Format is not { } format)
                continue;
            if (source.Columns is null && format != SourceFormat.Rijksmuseum)
                yield return $"data[{i}].columns: a {format} file needs its column mapping";
            else if (source.Columns is { } columns && NullColumn(columns) is { } nullField)
                yield return $"data[{i}].columns.{nullField}: null; name a column";
            else if (MappingProblem(format, source.Columns) is { } problem)
                yield return $"data[{i}].columns.{problem}";
        }
        if (!Enum.IsDefined(Split))
            yield return $"split: {Split} is not train or all";
        foreach (var problem in Options.Problems(thesaurus))
            yield return problem;
        if (string.IsNullOrWhiteSpace(Output))
            yield return "output: name the model file to write";
        else if (System.IO.Path.GetDirectoryName(OutputPath) is { } folder && !Directory.Exists(folder))
            yield return $"output: the folder '{folder}' does not exist";
        else if (Directory.Exists(OutputPath))
            yield return $"output: '{OutputPath}' is a folder; name the model file to write";
    }

    public string Resolve(string path) =>
        System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.GetFullPath(System.IO.Path.Combine(Folder, path));

    public string OutputPath => Resolve(Output);

    /// <summary>The run this config describes, with its paths made absolute.</summary>
    public TrainingPlan Plan()
    {
        var plan = new TrainingPlan(TrainingOptions(), OutputPath) { Split = Split };
        return Report is null ? plan : plan with { ReportFolder = Resolve(Report) };
    }

    private DualEncoderOptions TrainingOptions()
    {
        var options = Options.Clone();
        if (options.ImageCacheFolder is { } cache)
            options.ImageCacheFolder = Resolve(cache);
        if (options.TeacherCacheFolder is { } teacherCache)
            options.TeacherCacheFolder = Resolve(teacherCache);
        if (options.ImageRoot is { } root)
            options.ImageRoot = Resolve(root);
        return options;
    }

    /// <summary>
    /// Every record of the configured collections (image paths made absolute), and the import problems.
    /// </summary>
    public async Task<(List<ArtworkRecord> Records, IReadOnlyList<string> Problems)> ReadRecordsAsync(
        IconclassThesaurus thesaurus,
        CancellationToken cancellation = default
    )
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
            foreach (
                var record in new CollectionImporter(thesaurus).Read(
                    path,
                    format,
                    Mapping(format, source.Columns),
                    report
                )
            )
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

    private static ColumnMapping Mapping(SourceFormat format, ColumnsConfig? columns) =>
        ColumnMapping.Create(
            format,
            columns?.Id,
            columns?.Titles.Select(pair => new LanguageColumn(pair.Key, pair.Value)).ToArray(),
            columns?.Descriptions.Select(pair => new LanguageColumn(pair.Key, pair.Value)).ToArray(),
            columns?.Image,
            columns?.Codes,
            columns?.CodesSeparator,
            columns?.TextSeparator
        );

    /// <summary>
    /// The first field of the mapping that names no column: <c>"nl": null</c>, or null in the codes list.
    /// </summary>
    private static string? NullColumn(ColumnsConfig columns) =>
        columns.Titles.Where(pair => pair.Value is null).Select(pair => $"titles.{pair.Key}").FirstOrDefault()
        ?? columns
            .Descriptions.Where(pair => pair.Value is null)
            .Select(pair => $"descriptions.{pair.Key}")
            .FirstOrDefault()
        ?? columns
            .Codes.Select((column, i) => column is null ? $"codes[{i}]" : null)
            .FirstOrDefault(f => f is not null);

    private static string? MappingProblem(SourceFormat format, ColumnsConfig? columns)
    {
        try
        {
            Mapping(format, columns);
            return null;
        }
        catch (FormatException exception)
        {
            return exception.Message;
        }
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

          // What the encoder starts from: "pretrained" (the shipped pretrained model, MiniLM already distilled
          // into it through the thesaurus in all its languages), "scratch" (new weights), or a model file of the
          // same encoder shape, such as a model trained on another collection.
          "from": "pretrained",

          // From scratch: passes that first distil the packaged MiniLM into the ngram encoder through the
          // thesaurus's languages; the English teacher vectors are computed once (about 4 minutes on 2 cores) and
          // kept in teacherCache (null: a private folder under the user's local application data). From a
          // distilled model there is no distillation: 0 here also drops the pull that keeps the encoder near it.
          "distillationEpochs": 4,
          "teacherCache": null,

          "epochs": 8,               // passes over the collection
          "thesaurusEpochs": null,   // passes over thesaurus pairs before the collection (null: none from a
                                     // distilled start model, 2 from scratch)
          "thesaurusExamples": 60000,// thesaurus pairs per pass
          "batchSize": 128,

          // "train": hold out the evaluation protocol's test split, and evaluate on it against the baselines;
          // "all": train on every record (for the model you deploy; no evaluation).
          "split": "train",
          "validateEachEpoch": true, // rank the validation share after each epoch (the learning curve)

          // A LambdaMART ranker over the linear fusion's top 100, fitted on the validation records; kept only
          // when it beats the linear fusion out of fold.
          "learnedFusion": true,

          // A model trained on no records (a zero-shot model) takes how these collections of the bundled usage
          // counts use each code as its prior: arkyves, rijksmuseum, rkd, staedel ([]: no prior).
          "priorCollections": ["arkyves", "rkd", "staedel"],

          "seed": 1,
          "device": "auto",          // auto, cpu or cuda
          "imageCache": null,        // a folder to keep image features in between runs
          "imageBackboneEpochs": 0,  // with "image": passes that fine-tune ResNet18 itself (slow on a CPU; 0: frozen)

          "output": "my-model.iconclass",
          "report": null             // default: my-model-report/ beside the model
        }
        """;
}
