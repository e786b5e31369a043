using MlNetIconclass.Collections;

namespace MlNetIconclass.Retrieval;

/// <summary>Ranks Iconclass labels for an artwork record, best first.</summary>
public interface ICodeRanker
{
    string Name { get; }

    /// <summary>
    /// At most <paramref name="count"/> distinct labels in rank order. Scores fall along the list, but where a
    /// ranker fills its tail from another source they are only comparable within each part.
    /// </summary>
    IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count);
}

public readonly record struct ScoredCode(string Code, float Score);
