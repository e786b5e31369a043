using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Models;

/// <summary>What one ranking call asks for: how many codes a record gets, and where its images are read.</summary>
public sealed record RankingOptions
{
    private readonly int _count = 10;

    /// <summary>Codes per record, at least one; refused here, where it is set.</summary>
    public int Count
    {
        get => _count;
        init => _count = CheckedCount(value);
    }

    /// <summary>A count of codes per record, or the one message every option that sets one gives.</summary>
    public static int CheckedCount(int count) =>
        count > 0 ? count : throw new ArgumentException($"--top: keep at least one code per record, not {count}.");

    /// <summary>Where the records' images are read from: files under a folder and root, or uploads in memory.</summary>
    public ImageAccess Images { get; init; } = new();
}

/// <summary>
/// One record's ranking: its codes, best first, and what a cataloguer should know about them: its image not read and
/// why, its language not one of the thesaurus's, or nothing to rank by.
/// </summary>
public sealed record RankedArtwork(IReadOnlyList<ScoredCode> Codes, IReadOnlyList<RankingProblem> Problems);

/// <summary>
/// Something a ranking could not use as asked, with the record field it concerns (<c>image</c>, <c>language</c> or
/// <c>query</c>) and a message that names the record.
/// </summary>
public sealed record RankingProblem(string Field, string Message)
{
    public override string ToString() => Message;
}

/// <summary>
/// Ranks records as a pure call: records and options in, each record's codes and problems out; nothing of a call is
/// kept after it. What the batch scorer and the service rank through.
/// </summary>
public interface IArtworkRanker
{
    string Name { get; }

    /// <summary>Which model this is, so that a scoring run is resumed with the model that started it only.</summary>
    string Fingerprint { get; }

    /// <summary>Whether records' images count; a ranker that reads none ranks on their text alone.</summary>
    bool ReadsImages { get; }

    IReadOnlyList<RankedArtwork> Rank(IReadOnlyList<ArtworkRecord> records, RankingOptions options);
}

/// <summary>The problems every ranker's results share: the query's language, and whether there is a query.</summary>
public static class RankingProblems
{
    public static IEnumerable<RankingProblem> Of(ArtworkRecord record, IconclassThesaurus thesaurus)
    {
        string queryLanguage = QueryText.Language(record);
        if (thesaurus.RankingLanguage(queryLanguage) != queryLanguage)
            yield return new RankingProblem(
                "language",
                $"record '{record.Id}': '{queryLanguage}' is not a thesaurus language; ranked in English"
            );
        if (QueryText.IsEmpty(record))
            yield return new RankingProblem(
                "query",
                $"record '{record.Id}': no title, description or image; its codes are only the most frequent ones"
            );
    }
}

/// <summary>
/// A text ranker (a baseline, a test double) as an <see cref="IArtworkRanker"/>: it reads no images.
/// </summary>
public sealed class TextArtworkRanker(ICodeRanker ranker, IconclassThesaurus thesaurus, string? fingerprint = null)
    : IArtworkRanker
{
    public string Name => ranker.Name;

    public string Fingerprint { get; } = fingerprint ?? $"the {ranker.Name} ranker";

    public bool ReadsImages => false;

    public IReadOnlyList<RankedArtwork> Rank(IReadOnlyList<ArtworkRecord> records, RankingOptions options) =>
        ranker
            .RankBatch(records, options.Count)
            .Select((codes, i) => new RankedArtwork(codes, RankingProblems.Of(records[i], thesaurus).ToArray()))
            .ToArray();
}

/// <summary>A ranker that can say why it suggested each code of a ranking it made (a trained model).</summary>
public interface ICodeExplainer
{
    /// <summary>Why each code of <paramref name="ranking"/>, the record's ranking, was suggested.</summary>
    IReadOnlyList<CodeExplanation> Explain(
        ArtworkRecord record,
        IReadOnlyList<ScoredCode> ranking,
        ImageAccess? images = null
    );
}
