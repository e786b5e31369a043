using System.Collections.Concurrent;
using MlNetIconclass.Collections;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// BM25 between the record's text and each label's document (<see cref="LabelDocuments"/>): one index per query
/// language, built on first use.
/// </summary>
public sealed class Bm25LabelRanker(IconclassThesaurus thesaurus, QueryFields fields = QueryFields.Titles) : ICodeRanker
{
    private readonly ConcurrentDictionary<string, Lazy<Bm25Index>> _indexes = new(StringComparer.Ordinal);

    public string Name => "bm25";

    public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count) =>
        Rank(QueryText.Tokens(record, fields), QueryText.Language(record), count);

    public IReadOnlyList<ScoredCode> Rank(IReadOnlyList<string> queryTokens, string language, int count) =>
        Search(queryTokens, language, count)
            .Select(hit => new ScoredCode(thesaurus.LabelSpace[hit.Document], hit.Score))
            .ToArray();

    /// <summary>The best labels as their positions in the label space, with their scores, best first.</summary>
    internal IReadOnlyList<(int Document, float Score)> Search(
        IReadOnlyList<string> queryTokens,
        string language,
        int count
    ) => IndexFor(language).Search(queryTokens, count);

    /// <summary>The query's words found in the label's document in the language, each once, in query order.</summary>
    internal IReadOnlyList<string> MatchedTerms(IReadOnlyList<string> queryTokens, string label, string language)
    {
        var document = TextTokenizer
            .Tokenize(LabelDocuments.For(thesaurus, label, thesaurus.RankingLanguage(language)))
            .ToHashSet(StringComparer.Ordinal);
        return queryTokens.Where(document.Contains).Distinct(StringComparer.Ordinal).ToArray();
    }

    private Bm25Index IndexFor(string language) =>
        _indexes
            .GetOrAdd(
                thesaurus.RankingLanguage(language),
                key => new Lazy<Bm25Index>(() =>
                    new Bm25Index(
                        thesaurus
                            .LabelSpace.Select(label =>
                                (IReadOnlyList<string>)TextTokenizer.Tokenize(LabelDocuments.For(thesaurus, label, key))
                            )
                            .ToArray()
                    )
                )
            )
            .Value;
}
