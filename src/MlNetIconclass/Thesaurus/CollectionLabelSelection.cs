namespace MlNetIconclass.Thesaurus;

/// <summary>
/// Chooses the notations that become labels beside the listed ones: the free names and keyed codes that collections
/// write. From the bundled usage counts, those used at least <c>minimumUses</c> times over the four collections (a
/// single use is as often a slip as a subject); from the collection a model trains on, every code it carries. A name
/// that no collection uses is never invented.
/// </summary>
public static class CollectionLabelSelection
{
    /// <summary>
    /// Three uses: on the Suriname train split, usage counts at 1, 2, 3, 5 and 10 uses cover 196, 192, 189, 187 and
    /// 176 of its 246 free-named and keyed assignments, with 34,000, 12,700, 7,700, 4,400 and 2,300 labels.
    /// </summary>
    public const int DefaultMinimumUses = 3;

    /// <summary>
    /// The thesaurus with the usage counts' notations used at least <paramref name="minimumUses"/> times, and every
    /// code of <paramref name="collectionCodes"/> the thesaurus can place, as labels; 0 keeps the protocol's label
    /// space.
    /// </summary>
    public static (IconclassThesaurus Thesaurus, CollectionLabelReport Report) Extend(
        IconclassThesaurus thesaurus,
        UsageCounts usage,
        int minimumUses,
        IEnumerable<string> collectionCodes
    )
    {
        if (minimumUses <= 0)
            return (thesaurus, new CollectionLabelReport(minimumUses, 0, 0, 0));
        var fromUsage = FromUsage(thesaurus, usage, minimumUses);
        // The collection's codes are read against the usage labels, so a name spelt in another case is the same one.
        var withUsage = thesaurus.WithCollectionLabels(fromUsage);
        var known = withUsage.LabelSpace.ToHashSet(StringComparer.Ordinal);
        var fromCollection = GoldCodeNormalizer
            .Strict(withUsage)
            .Normalize(collectionCodes)
            .Labels.Where(label => !known.Contains(label));
        var extended = thesaurus.WithCollectionLabels(fromUsage.Concat(fromCollection));
        int keyed = fromUsage.Count(label => Notation.Parse(label).HasKeys);
        return (
            extended,
            new CollectionLabelReport(minimumUses, fromUsage.Count - keyed, keyed, extended.CollectionLabels.Count)
        );
    }

    /// <summary>
    /// The unlisted notations the four collections together use at least <paramref name="minimumUses"/> times;
    /// spellings that differ only in case count as one, written as the most used.
    /// </summary>
    public static IReadOnlyList<string> FromUsage(IconclassThesaurus thesaurus, UsageCounts usage, int minimumUses)
    {
        var listed = thesaurus.ProtocolLabelSpace.ToHashSet(StringComparer.Ordinal);
        var uses = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var collection in usage.ByCollection.Keys)
        foreach (var (written, count) in usage.Split(collection))
            if (thesaurus.Canonical(written) is { } label && !listed.Contains(label))
                uses[label] = uses.GetValueOrDefault(label) + count;
        return uses.GroupBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase)
            .Select(spellings =>
                (
                    Label: spellings
                        .OrderByDescending(s => s.Value)
                        .ThenBy(s => s.Key, StringComparer.Ordinal)
                        .First()
                        .Key,
                    Uses: spellings.Sum(s => s.Value)
                )
            )
            .Where(label => label.Uses >= minimumUses)
            .Select(label => label.Label)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}

/// <summary>
/// How the label space grew: the threshold of uses, the free-named and keyed labels taken from the usage counts, and
/// all collection labels (those plus the training collection's own).
/// </summary>
public sealed record CollectionLabelReport(int MinimumUses, int FreeNamed, int Keyed, int Total)
{
    public override string ToString() =>
        MinimumUses <= 0
            ? "label space: the protocol's (no collection labels)"
            : $"label space: {Total} collection labels beside the listed ones ({FreeNamed} free-named and {Keyed} "
                + $"keyed used at least {MinimumUses} times in the usage counts, {Total - FreeNamed - Keyed} more "
                + "from the collection)";
}
