namespace MlNetIconclass.Collections;

/// <summary>What an import read, wrote and rejected, and why; filled in as records stream through.</summary>
public sealed class ImportReport
{
    public int RecordsRead { get; internal set; }
    public int RecordsWritten { get; internal set; }
    public int CodesWritten { get; internal set; }
    public List<RecordProblem> Rejected { get; } = [];

    /// <summary>Malformed codes that were dropped from records that were kept.</summary>
    public List<RecordProblem> DroppedCodes { get; } = [];

    /// <summary>Well-formed codes that the protocol's gold normalisation cannot place in the label space.</summary>
    public List<RecordProblem> UnresolvableCodes { get; } = [];

    /// <summary>Records kept with a problem in their text: bytes that are not UTF-8, replaced by U+FFFD.</summary>
    public List<RecordProblem> TextWarnings { get; } = [];

    /// <summary>File-level remarks, such as an optional mapped column the file lacks.</summary>
    public List<string> Warnings { get; } = [];
    public HashSet<string> DistinctCodes { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The texts of <c>auto</c> columns by the language found; those without a letter count under <see
    /// cref="NoLanguage"/> and are taken as English.
    /// </summary>
    public SortedDictionary<string, int> DetectedLanguages { get; } = new(StringComparer.Ordinal);

    public const string NoLanguage = "none";

    /// <summary>The detected languages as a line: <c>nl 1,950, en 12</c>, most first.</summary>
    public string DetectedLanguagesLine() =>
        string.Join(", ", DetectedLanguages.OrderByDescending(pair => pair.Value).Select(p => $"{p.Key} {p.Value:N0}"));
}

/// <summary>A problem with one record: where it is, which field, and what is wrong.</summary>
public sealed record RecordProblem(long Line, string? RecordId, string Field, string Reason)
{
    public override string ToString() =>
        $"{(RecordId is null ? $"line {Line}" : $"record '{RecordId}' (line {Line})")}, {Field}: {Reason}";
}
