using MlNetIconclass.Collections;
using MlNetIconclass.Features;

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

    /// <summary>
    /// Rankings of several records; rankers that gain from batching (one matrix product for all) override it.
    /// </summary>
    IReadOnlyList<IReadOnlyList<ScoredCode>> RankBatch(IReadOnlyList<ArtworkRecord> records, int count) =>
        records.Select(record => Rank(record, count)).ToArray();
}

/// <summary>
/// A ranker whose queries may read images. The images' features come with each call, read and owned by its caller (a
/// call without them reads each record's image as its path says).
/// </summary>
public interface IImageQueryRanker : ICodeRanker
{
    IReadOnlyList<IReadOnlyList<ScoredCode>> RankBatch(
        IReadOnlyList<ArtworkRecord> records,
        int count,
        ArtworkImageFeatures? images
    );

    IReadOnlyList<IReadOnlyList<ScoredCode>> ICodeRanker.RankBatch(IReadOnlyList<ArtworkRecord> records, int count) =>
        RankBatch(records, count, null);
}

public readonly record struct ScoredCode(string Code, float Score);
