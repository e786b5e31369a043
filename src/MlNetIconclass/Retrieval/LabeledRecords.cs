using MlNetIconclass.Collections;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Retrieval;

/// <summary>Training records with their gold codes normalised to labels; records without any label are left out.</summary>
public sealed class LabeledRecords
{
    public LabeledRecords(IEnumerable<ArtworkRecord> records, GoldCodeNormalizer normalizer)
    {
        var kept = new List<(ArtworkRecord, IReadOnlyList<string>)>();
        foreach (var record in records)
        {
            var labels = normalizer.Normalize(record.Codes).Labels;
            if (labels.Count > 0) kept.Add((record, labels));
            else WithoutLabels++;
        }
        Items = kept;
    }

    private LabeledRecords(IReadOnlyList<(ArtworkRecord, IReadOnlyList<string>)> items, int withoutLabels)
    {
        Items = items;
        WithoutLabels = withoutLabels;
    }

    public IReadOnlyList<(ArtworkRecord Record, IReadOnlyList<string> Labels)> Items { get; }

    public LabeledRecords Concat(LabeledRecords other) =>
        new(Items.Concat(other.Items).ToArray(), WithoutLabels + other.WithoutLabels);

    public int WithoutLabels { get; }
}
