using System.Globalization;
using MlNetIconclass.Persistence;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// The frequency prior of a model that remembers no records (a zero-shot or pretrained model): how often other
/// collections use each of its labels, from the bundled <see cref="UsageCounts"/>. Kept in the model file, so the
/// model ranks the same whatever usage counts a later library ships. The hybrid reads it instead of the memory's
/// frequencies, also after the model learns records: its weights were chosen for it, and a few learnt records would
/// make their codes the most frequent of all.
/// </summary>
public sealed class BorrowedPrior
{
    private const string Entry = "borrowed-prior.tsv";

    private BorrowedPrior(IReadOnlyList<string> collections, IReadOnlyDictionary<string, long> counts)
    {
        Collections = collections;
        Counts = counts;
    }

    public static BorrowedPrior None { get; } = new([], new Dictionary<string, long>());

    /// <summary>The usage counts' collections it was drawn from.</summary>
    public IReadOnlyList<string> Collections { get; }

    /// <summary>Uses by label of the model's label space.</summary>
    public IReadOnlyDictionary<string, long> Counts { get; }

    /// <summary>
    /// The uses the named collections record, read onto <paramref name="thesaurus"/>'s label space: a notation as
    /// written where the space has it (<c>25G21(BANANA)</c>), else the label the protocol counts it as.
    /// </summary>
    public static BorrowedPrior From(UsageCounts usage, IconclassThesaurus thesaurus, IReadOnlyList<string> collections)
    {
        if (collections.Count == 0)
            return None;
        var space = thesaurus.LabelSpace.ToHashSet(StringComparer.Ordinal);
        var protocol = new GoldCodeNormalizer(space);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var collection in collections)
        {
            if (!usage.ByCollection.ContainsKey(collection))
                throw new ArgumentException(
                    $"The usage counts hold no collection '{collection}' "
                        + $"({string.Join(", ", usage.ByCollection.Keys)})."
                );
            foreach (var (written, uses) in usage.Split(collection))
            {
                string? label =
                    thesaurus.Canonical(written) is { } canonical && space.Contains(canonical)
                        ? canonical
                        : protocol.Resolve(written);
                if (label is not null)
                    counts[label] = counts.GetValueOrDefault(label) + uses;
            }
        }
        return new BorrowedPrior(collections, counts);
    }

    /// <summary>One line of collections, then a label and its uses a line, most used first.</summary>
    internal void Save(IModelEntryWriter writer)
    {
        if (Collections.Count == 0)
            return;
        using var lines = new StreamWriter(writer.Create(Entry));
        lines.WriteLine(string.Join('\t', Collections));
        foreach (var (label, uses) in PriorRanker.MostUsedFirst(Counts))
            lines.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}\t{uses}"));
    }

    /// <summary>The prior a model file keeps; none where it keeps none (every model that remembers records).</summary>
    internal static BorrowedPrior Load(IModelEntryReader reader, IconclassThesaurus thesaurus) =>
        !reader.Contains(Entry)
            ? None
            : reader.Read(
                Entry,
                stream =>
                {
                    var labelSpace = thesaurus.LabelSpace.ToHashSet(StringComparer.Ordinal);
                    using var lines = new StreamReader(stream);
                    var collections = (lines.ReadLine() ?? "").Split('\t', StringSplitOptions.RemoveEmptyEntries);
                    var counts = new Dictionary<string, long>(StringComparer.Ordinal);
                    while (lines.ReadLine() is { } line)
                    {
                        var fields = line.Split('\t');
                        if (fields.Length != 2 || !labelSpace.Contains(fields[0]))
                            throw new InvalidDataException($"'{line}' is not a label of the model and its uses.");
                        counts[fields[0]] = long.Parse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture);
                    }
                    return new BorrowedPrior(collections, counts);
                }
            );
}
