namespace MlNetIconclass.Thesaurus;

/// <summary>
/// Turns the codes a record was catalogued with into labels. Two ways (docs/evaluation-protocol.md):
/// <list type="bullet">
/// <item>the protocol's (<see cref="GoldCodeNormalizer(IconclassThesaurus)"/>): key suffixes stripped, combined
/// notations split on <c>:</c>, a bracketed notation outside the protocol's label space falls back to its
/// <c>(...)</c> placeholder, else to the part before the bracket;</item>
/// <item>strict (<see cref="Strict"/>): combined notations split, names and keys kept, only spacing and case
/// normalised (<see cref="IconclassThesaurus.Canonical"/>).</item>
/// </list>
/// Either way, what the thesaurus cannot place is unresolvable.
/// </summary>
public sealed class GoldCodeNormalizer
{
    private readonly Func<string, string?> _resolve;

    private GoldCodeNormalizer(Func<string, string?> resolve) => _resolve = resolve;

    /// <summary>The protocol's normalisation onto these labels.</summary>
    public GoldCodeNormalizer(IReadOnlySet<string> labels)
        : this(part => Notation.TryParse(part, out var notation, out _) ? ResolveOnto(notation, labels) : null) { }

    /// <summary>The protocol's normalisation onto the thesaurus's protocol label space.</summary>
    public GoldCodeNormalizer(IconclassThesaurus thesaurus)
        : this(thesaurus.ProtocolLabelSpace.ToHashSet(StringComparer.Ordinal)) { }

    /// <summary>
    /// Codes as written, names and keys kept. A code the thesaurus places but its label space lacks (a name no
    /// collection used) is kept too: as gold it is a label the ranker had no chance to find.
    /// </summary>
    public static GoldCodeNormalizer Strict(IconclassThesaurus thesaurus) => new(thesaurus.Canonical);

    public NormalizedCodes Normalize(IEnumerable<string> codes)
    {
        var resolved = new List<string>();
        var unresolvable = new List<string>();
        foreach (var code in codes)
        {
            foreach (var part in Notation.SplitCombined(code))
            {
                var label = _resolve(part);
                if (label is null)
                    unresolvable.Add(part.Trim());
                else if (!resolved.Contains(label))
                    resolved.Add(label);
            }
        }
        return new NormalizedCodes(resolved, unresolvable);
    }

    /// <summary>
    /// The label a single notation (not a combined one) counts as, or null when it cannot be resolved: read by the
    /// protocol, the label it counts as (<c>25G21(BANANA)</c> as <c>25G21(...)</c>).
    /// </summary>
    public string? Resolve(string notation) => _resolve(notation);

    private static string? ResolveOnto(Notation notation, IReadOnlySet<string> labels)
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
