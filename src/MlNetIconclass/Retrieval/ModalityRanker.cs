using MlNetIconclass.Collections;
using MlNetIconclass.Features;

namespace MlNetIconclass.Retrieval;

/// <summary>What of a record a query may read, for the modality ablation.</summary>
public enum Modality
{
    TextOnly,
    ImageOnly,
}

/// <summary>A ranker that sees only one modality of each record: its text (no image), or its image (no text).</summary>
public sealed class ModalityRanker(ICodeRanker inner, Modality modality) : IImageQueryRanker
{
    public string Name { get; } = $"{inner.Name}, {(modality == Modality.TextOnly ? "text only" : "image only")}";

    public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count) => inner.Rank(Strip(record), count);

    public IReadOnlyList<IReadOnlyList<ScoredCode>> RankBatch(IReadOnlyList<ArtworkRecord> records, int count) =>
        inner.RankBatch(records.Select(Strip).ToArray(), count);

    public IReadOnlyList<IReadOnlyList<ScoredCode>> RankBatch(
        IReadOnlyList<ArtworkRecord> records,
        int count,
        ArtworkImageFeatures? images
    ) =>
        inner is IImageQueryRanker reading
            ? reading.RankBatch(records.Select(Strip).ToArray(), count, images)
            : RankBatch(records, count);

    private ArtworkRecord Strip(ArtworkRecord record) =>
        modality == Modality.TextOnly
            ? new ArtworkRecord
            {
                Id = record.Id,
                Titles = record.Titles,
                Descriptions = record.Descriptions,
                Codes = record.Codes,
            }
            : new ArtworkRecord
            {
                Id = record.Id,
                Image = record.Image,
                Codes = record.Codes,
            };
}
