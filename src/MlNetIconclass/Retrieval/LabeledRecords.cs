using System.Text.Json;
using MlNetIconclass.Collections;
using MlNetIconclass.Persistence;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// Training records with their gold codes normalised to labels; records without any label are left out. As a model's
/// memory (the records its memory components search) it saves itself as <c>memory.jsonl</c>, one record a line.
/// </summary>
public sealed class LabeledRecords
{
    private const string Entry = "memory.jsonl";

    public LabeledRecords(IEnumerable<ArtworkRecord> records, GoldCodeNormalizer normalizer)
    {
        var kept = new List<(ArtworkRecord, IReadOnlyList<string>)>();
        foreach (var record in records)
        {
            var labels = normalizer.Normalize(record.Codes).Labels;
            if (labels.Count > 0)
                kept.Add((record, labels));
            else
                WithoutLabels++;
        }
        Items = kept;
    }

    private LabeledRecords(IReadOnlyList<(ArtworkRecord, IReadOnlyList<string>)> items, int withoutLabels)
    {
        Items = items;
        WithoutLabels = withoutLabels;
    }

    /// <summary>No records: the memory a hybrid chosen without one ranks with.</summary>
    internal static LabeledRecords None { get; } = new([], 0);

    public IReadOnlyList<(ArtworkRecord Record, IReadOnlyList<string> Labels)> Items { get; }

    /// <summary>These records but those with the given ids, their labels as they are.</summary>
    internal LabeledRecords Except(IReadOnlySet<string> ids) =>
        new(Items.Where(item => !ids.Contains(item.Record.Id)).ToArray(), WithoutLabels);

    public LabeledRecords Concat(LabeledRecords other) =>
        new(Items.Concat(other.Items).ToArray(), WithoutLabels + other.WithoutLabels);

    public int WithoutLabels { get; }

    /// <summary>
    /// Each record's id, titles, descriptions and labels; images are not kept (the memory is searched by text).
    /// </summary>
    internal void Save(IModelEntryWriter writer)
    {
        using var stream = new StreamWriter(writer.Create(Entry));
        foreach (var (record, labels) in Items)
            stream.WriteLine(
                JsonSerializer.Serialize(
                    new ArtworkRecord
                    {
                        Id = record.Id,
                        Titles = record.Titles,
                        Descriptions = record.Descriptions,
                        Codes = labels.ToList(),
                    }
                )
            );
    }

    /// <summary>
    /// Every line is a record: a blank or unreadable line makes the file unusable rather than the memory shorter.
    /// </summary>
    internal static LabeledRecords Load(IModelEntryReader reader, GoldCodeNormalizer normalizer) =>
        reader.Read(
            Entry,
            stream =>
            {
                using var text = new StreamReader(stream);
                var records = new List<ArtworkRecord>();
                int number = 0;
                while (text.ReadLine() is { } line)
                {
                    number++;
                    var record = line.Length == 0 ? null : JsonSerializer.Deserialize<ArtworkRecord>(line);
                    if (
                        record is not { Id: not null, Titles: not null, Descriptions: not null, Codes: not null }
                        || record
                            .Titles.Concat(record.Descriptions)
                            .Any(text => text?.Text is null || text.Language is null)
                        || record.Codes.Any(code => code is null)
                    )
                        throw new InvalidDataException($"line {number} is not a record");
                    records.Add(record);
                }
                return new LabeledRecords(records, normalizer);
            }
        );
}
