using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Collections;

/// <summary>
/// Turns a CSV, TSV or JSON Lines file into <see cref="ArtworkRecord"/>s through a <see cref="ColumnMapping"/>.
/// A bad record is rejected with the field and the reason, a malformed code is dropped from its record, and every
/// other record goes through; all of it is counted in the <see cref="ImportReport"/>.
/// </summary>
public sealed class CollectionImporter(IconclassThesaurus thesaurus)
{
    private readonly GoldCodeNormalizer _normalizer = new(thesaurus);
    private readonly GoldCodeNormalizer _strict = GoldCodeNormalizer.Strict(thesaurus);

    /// <summary>Streams the records of a file; <paramref name="report"/> is complete once the sequence is.</summary>
    public IEnumerable<ArtworkRecord> Read(
        string path,
        SourceFormat format,
        ColumnMapping mapping,
        ImportReport report
    ) => ReadRows(path, format, mapping, report).Where(row => row.Record is not null).Select(row => row.Record!);

    /// <summary>
    /// Every row of a file, in order: its record, or why it was rejected (batch scoring reports each one).
    /// </summary>
    public IEnumerable<ImportedRow> ReadRows(
        string path,
        SourceFormat format,
        ColumnMapping mapping,
        ImportReport report
    )
    {
        var (columns, rows) = SourceRows.Open(path, format);
        if (columns.Count > 0)
            CheckColumns(path, columns, mapping, report);
        foreach (
            var language in mapping
                .Titles.Concat(mapping.Descriptions)
                .Select(c => c.Language)
                .Where(language => language != LanguageColumn.Detected)
                .Distinct()
        )
            if (thesaurus.RankingLanguage(language) != language)
                report.Warnings.Add(
                    $"'{language}' is not a language of the thesaurus ({string.Join(", ", thesaurus.Languages)}): "
                        + "its texts are kept as they are and ranked against the English definitions."
                );
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            report.RecordsRead++;
            var record = ToRecord(row, mapping, report, out var problem);
            if (problem is null && !seenIds.Add(record!.Id))
                problem = new RecordProblem(
                    row.Line,
                    record.Id,
                    $"id (column '{mapping.Id}')",
                    "the id occurs earlier in the file"
                );
            if (problem is not null)
            {
                report.Rejected.Add(problem);
                yield return new ImportedRow(row.Line, null, problem);
                continue;
            }
            report.RecordsWritten++;
            report.CodesWritten += record!.Codes.Count;
            report.DistinctCodes.UnionWith(record.Codes);
            var warning = row.Warning is null ? null : new RecordProblem(row.Line, record.Id, "row", row.Warning);
            if (warning is not null)
                report.TextWarnings.Add(warning);
            yield return new ImportedRow(row.Line, record, null, warning);
        }
    }

    /// <summary>Imports a file into a Parquet file in the project schema (never over the file it reads).</summary>
    public async Task<ImportReport> ImportAsync(
        string path,
        SourceFormat format,
        ColumnMapping mapping,
        string outputPath,
        CancellationToken cancellation = default
    )
    {
        Persistence.OutputPaths.CheckNotAnInput(outputPath, [path]);
        Persistence.OutputPaths.CheckFile(outputPath, "output");
        var report = new ImportReport();
        await ArtworkParquet.WriteAsync(Read(path, format, mapping, report), outputPath, cancellation: cancellation);
        return report;
    }

    private static void CheckColumns(
        string path,
        IReadOnlyList<string> columns,
        ColumnMapping mapping,
        ImportReport report
    )
    {
        foreach (var (field, column) in mapping.Columns.Where(c => !columns.Contains(c.Column)))
        {
            if (field == "id")
                throw new InvalidDataException(
                    $"'{path}' has no column '{column}' for the id; its columns are: {string.Join(", ", columns)}."
                );
            report.Warnings.Add(
                $"'{path}' has no column '{column}' for the {field}; its columns are: {string.Join(", ", columns)}."
            );
        }
    }

    private ArtworkRecord? ToRecord(
        SourceRow row,
        ColumnMapping mapping,
        ImportReport report,
        out RecordProblem? problem
    )
    {
        string? id = Values(row, mapping.Id, null).FirstOrDefault();
        problem =
            row.Error is not null ? new RecordProblem(row.Line, id, "row", row.Error)
            : string.IsNullOrWhiteSpace(id)
                ? new RecordProblem(row.Line, null, $"id (column '{mapping.Id}')", "the id is empty")
            : null;
        if (problem is not null)
            return null;

        var record = new ArtworkRecord
        {
            Id = id!.Trim(),
            Titles = Texts(row, mapping.Titles, mapping.TextSeparator, report),
            Descriptions = Texts(row, mapping.Descriptions, mapping.TextSeparator, report),
            Image = mapping.Image is null ? null : Values(row, mapping.Image, null).FirstOrDefault(v => v.Length > 0),
        };
        if (record.Titles.Count == 0 && record.Image is null)
        {
            string titleColumns = string.Join(", ", mapping.Titles.Select(t => $"'{t.Column}'"));
            problem = new RecordProblem(
                row.Line,
                record.Id,
                $"title (column {titleColumns})",
                "the title is empty and there is no image"
            );
            return null;
        }
        foreach (var column in mapping.Codes)
        foreach (var code in Values(row, column, mapping.CodesSeparator))
            AddCode(record, code, $"codes (column '{column}')", row.Line, report);
        return record;
    }

    private void AddCode(ArtworkRecord record, string code, string field, long line, ImportReport report)
    {
        var parts = Notation.SplitCombined(code);
        foreach (var part in parts)
        {
            if (!Notation.TryParse(part, out _, out var error))
            {
                report.DroppedCodes.Add(new RecordProblem(line, record.Id, field, error));
                return;
            }
            if (_normalizer.Resolve(part) is not { } counted)
                report.UnresolvableCodes.Add(
                    new RecordProblem(line, record.Id, field, $"'{part.Trim()}' is not in the thesaurus")
                );
            else if (_strict.Resolve(part) is null)
                report.UnresolvableCodes.Add(
                    new RecordProblem(
                        line,
                        record.Id,
                        field,
                        $"'{part.Trim()}': the thesaurus cannot place its name or key (the protocol counts it as "
                            + $"'{counted}'; strict evaluation drops it)"
                    )
                );
        }
        record.Codes.Add(code);
    }

    private List<LocalizedText> Texts(
        SourceRow row,
        IEnumerable<LanguageColumn> columns,
        string? separator,
        ImportReport report
    ) =>
        columns
            .SelectMany(column =>
                Values(row, column.Column, separator)
                    .Select(text => new LocalizedText(
                        column.Language == LanguageColumn.Detected ? Detect(text, report) : column.Language,
                        text
                    ))
            )
            .ToList();

    /// <summary>
    /// The text's language among the thesaurus's, counted in the report; English without a letter. The languages
    /// found in the import so far are its prior (<see cref="LanguageDetector.Prior"/>).
    /// </summary>
    private string Detect(string text, ImportReport report)
    {
        var detector = thesaurus.LanguageDetector;
        string? language = detector.Best(text, prior: detector.Prior(report.DetectedLanguages));
        string counted = language ?? ImportReport.NoLanguage;
        report.DetectedLanguages[counted] = report.DetectedLanguages.GetValueOrDefault(counted) + 1;
        return language ?? IconclassThesaurus.FallbackLanguage;
    }

    /// <summary>The non-empty, trimmed values of a column, split on the separator when one is given.</summary>
    private static IEnumerable<string> Values(SourceRow row, string column, string? separator) =>
        (row.Values.TryGetValue(column, out var values) ? values : [])
            .SelectMany(value => separator is null ? [value] : value.Split(separator))
            .Select(value => value.Trim())
            .Where(value => value.Length > 0);
}

/// <summary>
/// One source row: the record made from it, or the problem that rejected it; and a problem it was kept despite.
/// </summary>
public sealed record ImportedRow(
    long Line,
    ArtworkRecord? Record,
    RecordProblem? Problem,
    RecordProblem? Warning = null
);
