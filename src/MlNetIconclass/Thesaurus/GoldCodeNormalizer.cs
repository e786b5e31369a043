namespace MlNetIconclass.Thesaurus;

/// <summary>
/// The evaluation protocol's gold normalisation: key suffixes stripped, combined notations split on <c>:</c>, a
/// bracketed notation outside the label space falls back to its <c>(...)</c> placeholder, else to the part before
/// the bracket; what is still unknown is unresolvable.
/// </summary>
public sealed class GoldCodeNormalizer(IReadOnlySet<string> labels)
{
    public GoldCodeNormalizer(IconclassThesaurus thesaurus)
        : this(thesaurus.LabelSpace.ToHashSet(StringComparer.Ordinal)) { }

    public NormalizedCodes Normalize(IEnumerable<string> codes)
    {
        var resolved = new List<string>();
        var unresolvable = new List<string>();
        foreach (var code in codes)
        {
            foreach (var part in Notation.SplitCombined(code))
            {
                var label = Notation.TryParse(part, out var notation, out _) ? Resolve(notation) : null;
                if (label is null)
                    unresolvable.Add(part.Trim());
                else if (!resolved.Contains(label))
                    resolved.Add(label);
            }
        }
        return new NormalizedCodes(resolved, unresolvable);
    }

    /// <summary>The label a single notation counts as, or null when it cannot be resolved.</summary>
    public string? Resolve(Notation notation)
    {
        if (labels.Contains(notation.Base))
            return notation.Base;
        if (notation.PlaceholderBase is { } placeholder && labels.Contains(placeholder))
            return placeholder;
        if (notation.UnbracketedBase is { } unbracketed && labels.Contains(unbracketed))
            return unbracketed;
        return null;
    }
}

/// <summary>Gold codes as labels of the label space, and the codes that could not be resolved.</summary>
public sealed record NormalizedCodes(IReadOnlyList<string> Labels, IReadOnlyList<string> Unresolvable);
