using MlNetIconclass.Collections;
using MlNetIconclass.Features;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// A ranker whose scores are probabilities: the inner ranker's ranking, in its order, each score mapped through the
/// model's <see cref="ScoreCalibration"/>.
/// </summary>
internal sealed class CalibratedRanker(IImageQueryRanker inner, ScoreCalibration calibration) : IImageQueryRanker
{
    public string Name => inner.Name;

    /// <summary>The ranker whose scores are calibrated.</summary>
    public IImageQueryRanker Uncalibrated => inner;

    public IReadOnlyList<ScoredCode> Rank(ArtworkRecord record, int count) => RankBatch([record], count)[0];

    public IReadOnlyList<IReadOnlyList<ScoredCode>> RankBatch(
        IReadOnlyList<ArtworkRecord> records,
        int count,
        ArtworkImageFeatures? images = null
    ) =>
        inner
            .RankBatch(records, count, images)
            .Select(ranking =>
                (IReadOnlyList<ScoredCode>)
                    ranking.Select(code => code with { Score = (float)calibration.Apply(code.Score) }).ToArray()
            )
            .ToArray();
}
