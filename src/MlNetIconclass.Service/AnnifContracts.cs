using System.Text.Json.Serialization;
using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Service;

// The shapes of Annif's REST API v1 (annif/openapi/annif.yaml in NatLibFi/Annif), field for field; the service
// writes them with snake_case names (project_id, document_id), as Annif does.

/// <summary><c>GET /v1/</c>.</summary>
public sealed record ApiInfo(string Title, string Version);

public sealed record ProjectBackend(string BackendId);

/// <summary>A subject vocabulary: here always Iconclass.</summary>
public sealed record Vocabulary(string VocabId, IReadOnlyList<string> Languages, int? Size, bool Loaded);

public sealed record VocabularyList(IReadOnlyList<Vocabulary> Vocabs);

/// <summary>A project: one model, ranking in the language it was trained on.</summary>
public sealed record Project(
    string ProjectId,
    string Name,
    string Language,
    ProjectBackend Backend,
    Vocabulary? Vocab,
    string? VocabLanguage,
    bool? IsTrained,
    DateTimeOffset? ModificationTime
)
{
    /// <summary>Whether <c>learn</c> is answered for the project (an extension; Annif's clients ignore it).</summary>
    public bool AcceptsLearning { get; init; }

    /// <summary>
    /// Whether what the project learns counts in its next suggestions (an extension): false for a zero-shot model
    /// until <c>retune</c> chooses its hybrid with the learnt records voting.
    /// </summary>
    public bool RanksWhatItLearns { get; init; }
}

public sealed record ProjectList(IReadOnlyList<Project> Projects);

/// <summary>
/// One suggested subject: <c>uri</c> is <c>http://iconclass.org/NOTATION</c>, <c>label</c> the definition in the
/// requested language (else English), <c>score</c> in [0, 1]; with <c>explain=true</c> also <c>explanation</c>.
/// </summary>
public sealed record SuggestionResult(string Uri, string Label, string? Notation, double Score)
{
    /// <summary>
    /// Why it was suggested, when the request asked (<c>explain=true</c>); Annif's clients ignore it.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CodeExplanation? Explanation { get; init; }
}

public sealed record SuggestionResultList(IReadOnlyList<SuggestionResult> Results);

/// <summary>One document's results in a batch, with the id it was sent with.</summary>
public sealed record BatchSuggestionResult(IReadOnlyList<SuggestionResult> Results, string? DocumentId);

/// <summary>A document of a batch: its text, an optional id and metadata.</summary>
public sealed record Document(string? Text, string? DocumentId, IReadOnlyDictionary<string, string>? Metadata);

/// <summary>The body of <c>suggest-batch</c>.</summary>
public sealed record DocumentBatch(IReadOnlyList<Document?>? Documents);

/// <summary>The body of <c>detect-language</c>: a text and the 1 to 5 languages it may be in.</summary>
public sealed record LanguageDetectionRequest(string? Text, IReadOnlyList<string?>? Languages);

/// <summary>A candidate language and how likely it is (the scores of one answer sum to 1).</summary>
public sealed record DetectedLanguage(string Language, double Score);

public sealed record DetectedLanguageList(IReadOnlyList<DetectedLanguage> Results);

/// <summary>
/// A subject of a document to learn: its URI (<c>http://iconclass.org/NOTATION</c>); its label is not read.
/// </summary>
public sealed record Subject(string? Uri, string? Label);

/// <summary>
/// A document of <c>learn</c>: its text and subjects, as Annif's, and optionally an id (an extension): a document
/// taught again, by the same id or, without one, the same text, replaces what was learnt from it.
/// </summary>
public sealed record LearnDocument(string? Text, IReadOnlyList<Subject?>? Subjects, string? DocumentId);

/// <summary>
/// <c>GET /v1/codes/{notation}</c> (an extension): a notation as the thesaurus reads it, its definition in the language
/// asked for (<c>fallback</c> when that language lacks one and English is given), and the path of its ancestors from
/// the top of the tree down to it.
/// </summary>
public sealed record CodeInformation(
    string Notation,
    string Label,
    string Language,
    bool Fallback,
    IReadOnlyList<PathStep> Path
);

/// <summary>One notation on a path down the tree, with its definition.</summary>
public sealed record PathStep(string Notation, string Label);
