using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using MlNetIconclass.Collections;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;
using SkiaSharp;

namespace MlNetIconclass.Service;

/// <summary>
/// The endpoints under <c>/v1</c>: Annif's REST API (information, vocabularies, projects, <c>suggest</c> and
/// <c>suggest-batch</c>), and <c>suggest-artwork</c>, which Annif lacks: titles and descriptions in several languages
/// and an image, as multipart form data. Every client mistake is a <see cref="ClientError"/> naming the field. Each
/// project's requests are ranked through a <see cref="RankingQueue"/> of its own.
/// </summary>
internal sealed partial class SuggestionApi(ServiceOptions options, IconclassThesaurus thesaurus) : IAsyncDisposable
{
    private const string IconclassUri = "http://iconclass.org/";
    private const string VocabularyId = "iconclass";

    private readonly Dictionary<string, ServedProject> _projects = options.Projects.ToDictionary(
        project => project.Id,
        StringComparer.Ordinal
    );

    private readonly Dictionary<ServedProject, RankingQueue> _queues = options.Projects.ToDictionary(
        project => project,
        project => new RankingQueue(
            () => project.Ranker ?? project.Model,
            options.MaxRankingBatch,
            options.MaxBatchWait,
            options.MaxImagePixels
        )
    );

    private readonly ImageUploads _uploads = new(options);

    private readonly Dictionary<ServedProject, ProjectLearning> _learning = options.Projects.ToDictionary(
        project => project,
        project => new ProjectLearning(project)
    );

    /// <summary>One vocabulary, one size: every label some project can suggest.</summary>
    private readonly int _vocabularySize = options
        .Projects.SelectMany(project => project.Model.Thesaurus.LabelSpace)
        .Distinct(StringComparer.Ordinal)
        .Count();

    [GeneratedRegex("^[a-z]{2,3}$")]
    private static partial Regex LanguageCode();

    public void Map(IEndpointRouteBuilder v1, JsonSerializerOptions json)
    {
        v1.MapGet("/", () => new ApiInfo(SuggestionService.Title, SuggestionService.Version))
            .WithTags("API information");
        v1.MapGet("/vocabs", () => new VocabularyList([Vocabulary()])).WithTags("Vocabulary information");
        v1.MapGet("/projects", () => new ProjectList(options.Projects.Select(Describe).ToArray()))
            .WithTags("Project administration");
        v1.MapGet("/projects/{project_id}", (string project_id) => Describe(Find(project_id)))
            .WithTags("Project administration")
            .ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/codes/{notation}", (string notation, string? language) => Code(notation, language))
            .WithTags("Vocabulary information")
            .WithSummary("a notation's definition and the path of its ancestors (an extension of Annif's API)")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapPost("/projects/{project_id}/suggest", SuggestAsync)
            .WithTags("Automatic subject indexing")
            .AddOpenApiOperationTransformer(RequestBody(RequestBodies.UrlEncoded))
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        v1.MapPost(
                "/projects/{project_id}/suggest-batch",
                (string project_id, HttpRequest request, CancellationToken cancellation) =>
                    SuggestBatchAsync(project_id, request, json, cancellation)
            )
            .WithTags("Automatic subject indexing")
            .AddOpenApiOperationTransformer(RequestBody(RequestBodies.Json))
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        v1.MapPost(
                "/detect-language",
                (HttpRequest request, CancellationToken cancellation) =>
                    DetectLanguageAsync(request, json, cancellation)
            )
            .WithTags("Language detection")
            .WithSummary("detect the language of a text among 1 to 5 candidate languages")
            .AddOpenApiOperationTransformer(RequestBody(RequestBodies.Json))
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        v1.MapPost(
                "/projects/{project_id}/learn",
                (string project_id, HttpRequest request, CancellationToken cancellation) =>
                    LearnAsync(project_id, request, json, cancellation)
            )
            .WithTags("Learning from feedback")
            .WithSummary("learn from documents with their subjects: they join the project's memory at once")
            .WithDescription(
                "A JSON array of at most 32 documents {text, subjects: [{uri, label}], document_id}. Answered only by "
                    + "a service started with --allow-learn; what is learnt is written to the project's model file "
                    + "before the answer."
            )
            .AddOpenApiOperationTransformer(RequestBody(RequestBodies.Json))
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        v1.MapPost(
                "/projects/{project_id}/retune",
                (string project_id, CancellationToken cancellation) => RetuneAsync(project_id, cancellation)
            )
            .WithTags("Learning from feedback")
            .WithSummary("choose the project's hybrid again for the records it has learnt (an extension)")
            .WithDescription(
                "After many learnt records: the hybrid's weights, learned fusion and calibration are chosen again on "
                    + "the validation records the model remembers, with its grown memory, as training chooses them, "
                    + "and written to the project's model file before the answer (half a minute for a model of a few "
                    + "thousand records). Suggestions are answered meanwhile by the model before it. Only with "
                    + "--allow-learn."
            )
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        v1.MapPost("/projects/{project_id}/suggest-artwork", SuggestArtworkAsync)
            .WithTags("Automatic subject indexing")
            .WithSummary("suggest Iconclass codes for an artwork: titles and descriptions per language, an image")
            .WithDescription(
                "Multipart form data: title_LANG and description_LANG fields (title_nl, description_en, ...; "
                    + "title_auto detects each text's language), an image file, and limit, threshold, language and "
                    + "explain as in suggest. An extension of Annif's API."
            )
            .AddOpenApiOperationTransformer(RequestBody(RequestBodies.Multipart))
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    /// <summary>
    /// The request body's type in the OpenAPI document. Declared here rather than with <c>Accepts</c>, whose routing
    /// would answer another type with a 415 that says nothing; the handlers refuse it with a problem naming the type.
    /// </summary>
    private static Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> RequestBody(
        string contentType
    ) =>
        (operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() },
            };
            return Task.CompletedTask;
        };

    private async Task<Ok<SuggestionResultList>> SuggestAsync(
        string project_id,
        HttpRequest request,
        CancellationToken cancellation
    )
    {
        var project = Find(project_id);
        var form = await RequestBodies.ReadFormAsync(request, RequestBodies.UrlEncoded, cancellation);
        string text = Text(form["text"].FirstOrDefault(), "text");
        var query = QueryOptions(project, key => form[key].FirstOrDefault());
        var record = new ArtworkRecord { Id = "text", Titles = [new LocalizedText(project.Language, text)] };
        return await SuggestOneAsync(project, record, query, cancellation);
    }

    private async Task<Ok<BatchSuggestionResult[]>> SuggestBatchAsync(
        string project_id,
        HttpRequest request,
        JsonSerializerOptions json,
        CancellationToken cancellation
    )
    {
        var project = Find(project_id);
        var query = QueryOptions(project, key => request.Query[key].FirstOrDefault());
        var batch = await ReadJsonAsync<DocumentBatch>(
            request,
            json,
            "a JSON object with documents [{\"text\": ...}]",
            cancellation
        );
        var documents = batch?.Documents ?? throw new ClientError(400, "documents", "required");
        if (documents.Count > options.MaxBatchDocuments)
            throw new ClientError(
                400,
                "documents",
                $"at most {options.MaxBatchDocuments} documents in a batch, not {documents.Count}"
            );
        var records = documents
            .Select(
                (document, i) =>
                    new ArtworkRecord
                    {
                        Id = document?.DocumentId ?? $"{i}",
                        Titles = [new LocalizedText(project.Language, Text(document?.Text, $"documents[{i}].text"))],
                    }
            )
            .ToArray();
        var rankings = await _queues[project].RankAsync(records, query.Limit, cancellation);
        var answers = new BatchSuggestionResult[documents.Count];
        for (int i = 0; i < documents.Count; i++)
            answers[i] = new BatchSuggestionResult(
                await ResultsAsync(project, records[i], rankings[i].Codes, query),
                documents[i]!.DocumentId
            );
        return TypedResults.Ok(answers);
    }

    /// <summary>
    /// A JSON body; a body that is not <paramref name="shape"/> is refused saying where it went wrong, not with the
    /// serializer's message, which names the service's own types.
    /// </summary>
    private static async Task<T?> ReadJsonAsync<T>(
        HttpRequest request,
        JsonSerializerOptions json,
        string shape,
        CancellationToken cancellation
    )
    {
        RequestBodies.Require(request, RequestBodies.Json);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, json, cancellation);
        }
        catch (JsonException exception)
        {
            throw new ClientError(
                400,
                "body",
                $"not {shape}: unexpected at {exception.Path ?? "$"} "
                    + $"(line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})"
            );
        }
    }

    private async Task<NoContent> LearnAsync(
        string project_id,
        HttpRequest request,
        JsonSerializerOptions json,
        CancellationToken cancellation
    )
    {
        var project = Find(project_id);
        if (!options.AllowLearn)
            throw new ClientError(
                403,
                "project_id",
                "this service does not learn; start it with 'iconclass serve --allow-learn' to let it"
            );
        var documents =
            await ReadJsonAsync<LearnDocument?[]>(
                request,
                json,
                "a JSON array of documents [{\"text\": ..., \"subjects\": [{\"uri\": ...}]}]",
                cancellation
            ) ?? throw new ClientError(400, "body", "a JSON array of documents is required");
        if (documents.Length is 0 || documents.Length > options.MaxBatchDocuments)
            throw new ClientError(
                400,
                "documents",
                $"give 1 to {options.MaxBatchDocuments} documents, not {documents.Length}"
            );
        var records = documents.Select((document, i) => Learnt(project, document, i)).ToArray();
        try
        {
            await _learning[project].LearnAsync(records, _queues[project], cancellation);
        }
        catch (LearningException refused)
        {
            string field = refused.Field switch
            {
                "codes" when refused.Code is { } code => $"subjects[{code}].uri",
                "codes" => "subjects",
                "id" => documents[refused.Record]!.DocumentId is null ? "text" : "document_id",
                _ => "text",
            };
            throw new ClientError(400, $"documents[{refused.Record}].{field}", refused.Message);
        }
        return TypedResults.NoContent();
    }

    private async Task<NoContent> RetuneAsync(string project_id, CancellationToken cancellation)
    {
        var project = Find(project_id);
        if (!options.AllowLearn || options.Retune is not { } retune)
            throw new ClientError(
                403,
                "project_id",
                options.AllowLearn
                    ? "this service cannot retune: its host did not give it the training library"
                    : "this service does not learn; start it with 'iconclass serve --allow-learn' to let it"
            );
        try
        {
            await _learning[project].RetuneAsync(retune, _queues[project], cancellation);
        }
        catch (ArgumentException refused)
        {
            throw new ClientError(409, "project_id", refused.Message);
        }
        return TypedResults.NoContent();
    }

    /// <summary>
    /// A document to learn as a record: its text a title in the project's language, its subjects' notations as
    /// codes, its id the one given or else one made from its text.
    /// </summary>
    private ArtworkRecord Learnt(ServedProject project, LearnDocument? document, int i)
    {
        string text = Text(document?.Text, $"documents[{i}].text");
        var subjects = document!.Subjects ?? [];
        if (subjects.Count == 0)
            throw new ClientError(400, $"documents[{i}].subjects", "required: at least one subject");
        var codes = subjects
            .Select(
                (subject, j) =>
                    subject?.Uri is { } uri && uri.StartsWith(IconclassUri, StringComparison.Ordinal)
                        ? Uri.UnescapeDataString(uri[IconclassUri.Length..])
                        : throw new ClientError(
                            400,
                            $"documents[{i}].subjects[{j}].uri",
                            $"'{subject?.Uri}' is not an Iconclass URI ({IconclassUri}NOTATION)"
                        )
            )
            .ToList();
        byte[] hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text));
        string id = document.DocumentId ?? $"text-{Convert.ToHexStringLower(hash)[..16]}";
        return new ArtworkRecord
        {
            Id = id,
            Titles = [new LocalizedText(project.Language, text)],
            Codes = codes,
        };
    }

    /// <summary>Annif's language detection: the candidates, most likely first, their scores summing to 1.</summary>
    private async Task<Ok<DetectedLanguageList>> DetectLanguageAsync(
        HttpRequest request,
        JsonSerializerOptions json,
        CancellationToken cancellation
    )
    {
        var body = await ReadJsonAsync<LanguageDetectionRequest>(
            request,
            json,
            "a JSON object {\"text\": ..., \"languages\": [...]}",
            cancellation
        );
        string text = Text(body?.Text, "text");
        var languages = body?.Languages ?? throw new ClientError(400, "languages", "required: 1 to 5 languages");
        if (languages.Count is < 1 or > 5)
            throw new ClientError(400, "languages", $"give 1 to 5 languages, not {languages.Count}");
        var detector = thesaurus.LanguageDetector;
        var candidates = languages
            .Select(
                (code, i) =>
                    code is not null && detector.Languages.Contains(code)
                        ? code
                        : throw new ClientError(
                            400,
                            $"languages[{i}]",
                            $"'{code}' is not a language the detector knows ({string.Join(", ", detector.Languages)})"
                        )
            )
            .ToArray();
        return TypedResults.Ok(
            new DetectedLanguageList(
                detector
                    .Detect(text, candidates)
                    .Select(score => new DetectedLanguage(score.Language, Math.Round(score.Score, 6)))
                    .ToArray()
            )
        );
    }

    private async Task<Ok<SuggestionResultList>> SuggestArtworkAsync(
        string project_id,
        HttpRequest request,
        CancellationToken cancellation
    )
    {
        var project = Find(project_id);
        var form = await RequestBodies.ReadFormAsync(request, RequestBodies.Multipart, cancellation);
        var query = QueryOptions(project, key => form[key].FirstOrDefault());
        var record = new ArtworkRecord { Id = "artwork" };
        foreach (var (key, values) in form)
        {
            var target =
                key.StartsWith("title_", StringComparison.Ordinal) ? record.Titles
                : key.StartsWith("description_", StringComparison.Ordinal) ? record.Descriptions
                : null;
            if (target is null)
                continue;
            string suffix = key[(key.IndexOf('_') + 1)..];
            // "auto": each text in the thesaurus language it reads as.
            string? language = suffix == "auto" ? null : Language(suffix, key);
            foreach (var value in values)
            {
                if (string.IsNullOrWhiteSpace(value))
                    continue;
                string text = Text(value, key);
                // A text without a letter has no language to detect: ranked in English, as an import does.
                target.Add(
                    new LocalizedText(
                        language ?? thesaurus.LanguageDetector.Best(text) ?? IconclassThesaurus.FallbackLanguage,
                        text
                    )
                );
            }
        }
        var image = ImagePart(form, project);
        if (record.Titles.Count == 0 && record.Descriptions.Count == 0 && image is null)
            throw new ClientError(400, "title_LANG", "give a title, a description or an image");
        if (image is null)
            return await SuggestOneAsync(project, record, query, cancellation);
        var (reference, bytes) = await _uploads.ReadAsync(image, cancellation);
        record.Image = reference;
        return await SuggestOneAsync(
            project,
            record,
            query,
            cancellation,
            new Dictionary<string, byte[]> { [reference] = bytes }
        );
    }

    /// <summary>
    /// The uploaded image, if any. An image the project would not use is refused rather than ignored: one sent as a
    /// plain field (or as a file part with no file name, which form readers take for one), and any image sent to a
    /// project whose model reads no images.
    /// </summary>
    private static IFormFile? ImagePart(IFormCollection form, ServedProject project)
    {
        var file = form.Files.GetFile("image");
        if (file is null && form.ContainsKey("image"))
            throw new ClientError(400, "image", "send the image as a file part, with a file name");
        if (file is not null && !project.Model.ReadsImages)
            throw new ClientError(
                400,
                "image",
                $"project '{project.Id}' reads no images (its model was trained on text); send titles and "
                    + "descriptions alone, or use a project trained with images"
            );
        return file;
    }

    private async Task<Ok<SuggestionResultList>> SuggestOneAsync(
        ServedProject project,
        ArtworkRecord record,
        SuggestOptions query,
        CancellationToken cancellation,
        IReadOnlyDictionary<string, byte[]>? uploads = null
    )
    {
        var ranked = (await _queues[project].RankAsync([record], query.Limit, cancellation, uploads))[0];
        // Checked on the upload already; a model that still could not use it says so rather than answer without.
        if (ranked.Problems.FirstOrDefault(problem => problem.Field == "image") is { } imageProblem)
            throw new ClientError(400, "image", imageProblem.Message);
        return TypedResults.Ok(
            new SuggestionResultList(await ResultsAsync(project, record, ranked.Codes, query, uploads))
        );
    }

    /// <summary>
    /// A notation as the thesaurus places it (a keyed or named one too), its definition in <paramref name="language"/>
    /// (default English), and its ancestors from the top down; 404 naming <c>notation</c> when it cannot be placed.
    /// </summary>
    private CodeInformation Code(string notation, string? language)
    {
        string labelLanguage = language is { Length: > 0 } code ? Language(code, "language") : "en";
        string? label = GoldCodeNormalizer.Strict(thesaurus).Normalize([notation]).Labels.FirstOrDefault();
        var text = label is null ? null : thesaurus.GetText(label, labelLanguage);
        if (label is null || text is null)
            throw new ClientError(404, "notation", $"'{notation}' is not a notation the thesaurus can place");
        var path = thesaurus
            .LabelAncestors(label)
            .Reverse()
            .Append(label)
            .Select(step => new PathStep(step, thesaurus.GetText(step, labelLanguage)?.Text ?? ""))
            .ToArray();
        return new CodeInformation(label, text.Text, text.Language, text.IsFallback, path);
    }

    private ServedProject Find(string id) =>
        _projects.GetValueOrDefault(id)
        ?? throw new ClientError(
            404,
            "project_id",
            $"no project '{id}' (projects: {string.Join(", ", _projects.Keys.Order(StringComparer.Ordinal))})"
        );

    private Project Describe(ServedProject project) =>
        new(
            project.Id,
            $"Iconclass ({project.Model.Manifest.Encoder} dual encoder, {project.Language})",
            project.Language,
            new ProjectBackend($"mlnet-iconclass-{project.Model.Manifest.Encoder}".ToLowerInvariant()),
            Vocabulary(),
            project.Language,
            true,
            project.Modified
        )
        {
            AcceptsLearning = options.AllowLearn,
            RanksWhatItLearns = project.Model.Manifest.RanksWithMemory,
        };

    private Vocabulary Vocabulary() => new(VocabularyId, thesaurus.Languages, _vocabularySize, true);

    private string Text(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ClientError(400, field, "required, and not blank");
        if (value.Length > options.MaxTextLength)
            throw new ClientError(413, field, $"{value.Length:N0} characters; the limit is {options.MaxTextLength:N0}");
        return value;
    }

    private string Language(string code, string field)
    {
        if (!LanguageCode().IsMatch(code) || !thesaurus.Languages.Contains(code))
            throw new ClientError(
                400,
                field,
                $"'{code}' is not a language of the thesaurus ({string.Join(", ", thesaurus.Languages)})"
            );
        return code;
    }

    /// <summary>
    /// <c>limit</c> (0 or more), <c>threshold</c> (0 to 1), <c>language</c> and <c>explain</c>. The limit and
    /// threshold default to those the project's model chose on its validation records where it is calibrated, else
    /// to Annif's 10 and 0.
    /// </summary>
    private SuggestOptions QueryOptions(ServedProject project, Func<string, string?> value)
    {
        var suggestions = project.Model.Manifest.Suggestions;
        int limit = suggestions?.Limit ?? 10;
        if (value("limit") is { Length: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit < 0))
            throw new ClientError(400, "limit", $"'{limitText}' is not a whole number of 0 or more");
        double threshold = suggestions?.Threshold ?? 0;
        if (
            value("threshold") is { Length: > 0 } thresholdText
            && (
                !double.TryParse(
                    thresholdText,
                    System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out threshold
                ) || threshold is < 0 or > 1 or double.NaN
            )
        )
            throw new ClientError(400, "threshold", $"'{thresholdText}' is not a number from 0 to 1");
        string? language = value("language") is { Length: > 0 } code ? Language(code, "language") : null;
        bool explain = false;
        if (value("explain") is { Length: > 0 } explainText && !bool.TryParse(explainText, out explain))
            throw new ClientError(400, "explain", $"'{explainText}' is not true or false");
        return new SuggestOptions(limit, threshold, language, explain);
    }

    /// <summary>
    /// The answer's results, each with its explanation when the request asked: worked out between ranking batches,
    /// by the project's model as it is then (the one that ranked, unless a learning came in between).
    /// </summary>
    private async Task<IReadOnlyList<SuggestionResult>> ResultsAsync(
        ServedProject project,
        ArtworkRecord record,
        IReadOnlyList<ScoredCode> ranking,
        SuggestOptions query,
        IReadOnlyDictionary<string, byte[]>? uploads = null
    )
    {
        var results = Results(project, ranking, query);
        if (!query.Explain || results.Count == 0)
            return results;
        var images = new Features.ImageAccess
        {
            InMemory = uploads ?? new Dictionary<string, byte[]>(),
            MaxPixels = options.MaxImagePixels,
        };
        var explanations = await _queues[project]
            .BetweenBatchesAsync(() =>
                project.Model.Explain(
                    record,
                    results.Select(result => new ScoredCode(result.Notation!, (float)result.Score)).ToArray(),
                    images
                )
            );
        return results.Zip(explanations, (result, explanation) => result with { Explanation = explanation }).ToArray();
    }

    private IReadOnlyList<SuggestionResult> Results(
        ServedProject project,
        IReadOnlyList<ScoredCode> ranking,
        SuggestOptions query
    )
    {
        string language = query.Language ?? project.Language;
        return ranking
            // Rounded first, so a threshold copied from an answer keeps that answer's result.
            .Select(code => (code.Code, Score: Math.Round(Math.Clamp(code.Score / project.ScoreScale, 0, 1), 6)))
            .Where(code => code.Score > 0 && code.Score >= query.Threshold)
            .Take(query.Limit)
            .Select(code => new SuggestionResult(
                IconclassUri + UriPath(code.Code),
                thesaurus.GetText(code.Code, language)?.Text ?? "",
                code.Code,
                code.Score
            ))
            .ToArray();
    }

    /// <summary>A notation as iconclass.org writes it in a URI: brackets kept, blanks and the rest escaped.</summary>
    private static string UriPath(string notation)
    {
        var path = new StringBuilder(notation.Length);
        foreach (char c in notation)
            path.Append(
                char.IsAsciiLetterOrDigit(c) || "()+.,:-_~".Contains(c) ? c : Uri.EscapeDataString(c.ToString())
            );
        return path.ToString();
    }

    /// <summary>
    /// Ranks a title in each language a project's model was trained on, and an uploaded image for those that read
    /// images, through the path requests take: a model's first ranking, and its first in a language (which builds that
    /// language's index), take seconds.
    /// </summary>
    public async Task WarmUpAsync()
    {
        foreach (var project in options.Projects)
        {
            var titles = project
                .Model.Manifest.Languages.Prepend(project.Language)
                .Distinct()
                .Select(language => new ArtworkRecord
                {
                    Id = "warm-up",
                    Titles = [new LocalizedText(language, "warm-up")],
                })
                .ToArray();
            await _queues[project].RankAsync(titles, 10, CancellationToken.None);
            if (!project.Model.ReadsImages)
                continue;
            using var bitmap = new SKBitmap(64, 64);
            bitmap.Erase(SKColors.Gray);
            using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            using var stream = new MemoryStream(png.ToArray());
            var upload = new FormFile(stream, 0, stream.Length, "image", "warm-up.png");
            var record = titles[0];
            var (reference, bytes) = await _uploads.ReadAsync(upload, CancellationToken.None);
            record.Image = reference;
            await _queues[project]
                .RankAsync(
                    [record],
                    10,
                    CancellationToken.None,
                    new Dictionary<string, byte[]> { [reference] = bytes }
                );
        }
    }

    /// <summary>Ranks what is queued, then stops the queues.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var learning in _learning.Values)
            learning.Dispose();
        foreach (var queue in _queues.Values)
            await queue.DisposeAsync();
        _uploads.Dispose();
    }

    private sealed record SuggestOptions(int Limit, double Threshold, string? Language, bool Explain);
}
