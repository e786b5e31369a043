using MlNetIconclass.Collections;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Models;

/// <summary>The records a model is taught after training (<see cref="IconclassModel.Learn"/>), checked.</summary>
public static class LearnedRecords
{
    /// <summary>The name of a learning's part in <see cref="ModelManifest.Seen"/>.</summary>
    public const string Part = "learned";

    /// <summary>
    /// The records as the memory holds them, each checked: an id, a title or description, at least one code, and no
    /// id twice. A code is read as the memory reads codes; one outside the labels the model ranks (a name or key its
    /// training did not see) is learnt as its nearest ancestor that it ranks. The first record that fails is refused
    /// with a <see cref="LearningException"/> naming it (its id, or its place in the list) and the field.
    /// </summary>
    internal static LabeledRecords Check(
        IReadOnlyList<ArtworkRecord> records,
        IconclassThesaurus thesaurus,
        LabelPositions labels,
        GoldCodeNormalizer normalizer
    )
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var checkedRecords = new List<ArtworkRecord>(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i];
            string where = string.IsNullOrWhiteSpace(record.Id) ? $"record {i}" : $"record '{record.Id}'";
            LearningException Refused(string field, string problem, int? code = null) =>
                new($"{where}, {field}: {problem}", i, field, code);
            if (string.IsNullOrWhiteSpace(record.Id))
                throw Refused("id", "required, to know the record if it is taught again");
            if (!ids.Add(record.Id))
                throw Refused("id", "given twice");
            if (record.Titles.Concat(record.Descriptions).All(text => string.IsNullOrWhiteSpace(text.Text)))
                throw Refused("title", "there is no title or description to remember it by");
            if (record.Codes.Count == 0)
                throw Refused("codes", "none; a record is learnt with its codes");
            var ranked = new List<string>();
            for (int c = 0; c < record.Codes.Count; c++)
            {
                string code = record.Codes[c];
                var label =
                    normalizer.Normalize([code]).Labels.FirstOrDefault()
                    ?? throw Refused("codes", $"'{code}' is not a notation the thesaurus can place", c);
                ranked.Add(
                    new[] { label }
                        .Concat(thesaurus.LabelAncestors(label))
                        .FirstOrDefault(candidate => labels.TryGet(candidate, out _))
                        ?? throw Refused(
                            "codes",
                            $"neither '{code}' nor any of its ancestors is a label the model ranks",
                            c
                        )
                );
            }
            checkedRecords.Add(
                new ArtworkRecord
                {
                    Id = record.Id,
                    Titles = record.Titles,
                    Descriptions = record.Descriptions,
                    Image = record.Image,
                    Codes = ranked.Distinct(StringComparer.Ordinal).ToList(),
                }
            );
        }
        return new LabeledRecords(checkedRecords, normalizer);
    }
}

/// <summary>
/// A record that cannot be learnt: its place in the list, the field (<c>id</c>, <c>title</c> or <c>codes</c>) and,
/// for a code, which of the record's codes.
/// </summary>
public sealed class LearningException(string message, int record, string field, int? code) : ArgumentException(message)
{
    public int Record { get; } = record;

    public string Field { get; } = field;

    public int? Code { get; } = code;
}
