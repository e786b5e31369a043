using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace MlNetIconclass.Collections;

/// <summary>The formats a collection can be imported from.</summary>
public enum SourceFormat
{
    Csv,
    Tsv,
    Jsonl,

    /// <summary>The Rijksmuseum export: semicolon-separated CSV with <see cref="ColumnMapping.Rijksmuseum"/>.</summary>
    Rijksmuseum,
}

/// <summary>
/// One row of a source file: its (first) line, its values by column name, or why it could not be read; and what was
/// wrong with it that did not stop it being read (bytes that are not UTF-8).
/// </summary>
internal sealed record SourceRow(
    long Line,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Values,
    string? Error,
    string? Warning = null
);

/// <summary>
/// Reads CSV, TSV or JSON Lines into <see cref="SourceRow"/>s; the header gives the columns. Text is read as UTF-8:
/// bytes that are not UTF-8 become U+FFFD, and the row says so.
/// </summary>
internal static class SourceRows
{
    private const string NotUtf8 =
        "some bytes are not UTF-8 and were replaced by U+FFFD (is the file in another encoding?)";

    public static (IReadOnlyList<string> Columns, IEnumerable<SourceRow> Rows) Open(string path, SourceFormat format)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"'{path}' does not exist.", path);
        return format switch
        {
            SourceFormat.Csv => OpenDelimited(path, ","),
            SourceFormat.Tsv => OpenDelimited(path, "\t"),
            SourceFormat.Rijksmuseum => OpenDelimited(path, ";"),
            SourceFormat.Jsonl => ([], ReadJsonLines(path)),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }

    private static (IReadOnlyList<string>, IEnumerable<SourceRow>) OpenDelimited(string path, string delimiter)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter,
            MissingFieldFound = null,
            BadDataFound = null,
            DetectColumnCountChanges = false,
        };
        var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var csv = new CsvReader(reader, configuration);
        if (!csv.Read() || !csv.ReadHeader())
        {
            csv.Dispose();
            throw new InvalidDataException($"'{path}' has no header row.");
        }
        var header = csv.HeaderRecord!;
        return (header, ReadDelimited(csv, header, firstLine: 1 + LineCount(csv.Parser.RawRecord)));
    }

    /// <summary>
    /// The rows after the header. A quote that is never closed makes the parser read every following line into one
    /// field: such a row (several lines, and not the header's number of fields or an odd number of quotes) is rejected,
    /// and so is each line it swallowed, each with its line number.
    /// </summary>
    private static IEnumerable<SourceRow> ReadDelimited(CsvReader csv, string[] header, long firstLine)
    {
        using (csv)
        {
            long line = firstLine;
            while (csv.Read())
            {
                string raw = csv.Parser.RawRecord;
                long lines = LineCount(raw);
                int count = csv.Parser.Count;
                if (lines > 1 && (count != header.Length || raw.Count(c => c == '"') % 2 == 1))
                {
                    string span = $"lines {line}-{line + lines - 1}";
                    yield return new SourceRow(
                        line,
                        new Dictionary<string, IReadOnlyList<string>>(),
                        $"{span} were read as one row: a quote (\") opened on line {line} is not closed where the row "
                            + "should end"
                    );
                    for (long swallowed = line + 1; swallowed < line + lines; swallowed++)
                        yield return new SourceRow(
                            swallowed,
                            new Dictionary<string, IReadOnlyList<string>>(),
                            $"the line was read into the row of line {line}, whose quote (\") is not closed"
                        );
                    line += lines;
                    continue;
                }
                var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                for (int i = 0; i < Math.Min(count, header.Length); i++)
                    values[header[i]] = [csv.Parser[i] ?? ""];
                string? error =
                    count < header.Length ? $"the row has {count} fields where the header has {header.Length}" : null;
                yield return new SourceRow(line, values, error, EncodingWarning(raw));
                line += lines;
            }
        }
    }

    private static string? EncodingWarning(string text) => text.Contains('\uFFFD') ? NotUtf8 : null;

    /// <summary>How many lines a raw record spans: its line breaks, and a last line that has none.</summary>
    private static long LineCount(string raw) =>
        raw.Count(c => c == '\n') + (raw.Length > 0 && !raw.EndsWith('\n') ? 1 : 0);

    private static IEnumerable<SourceRow> ReadJsonLines(string path)
    {
        long line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            string? error = null;
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    error = "the line is not a JSON object";
                else
                    foreach (var property in document.RootElement.EnumerateObject())
                        if (!values.TryAdd(property.Name, JsonValues(property.Value)))
                        {
                            // Which of the two is meant is not for us to guess.
                            error = $"the key '{property.Name}' occurs twice in the line";
                            break;
                        }
            }
            catch (JsonException exception)
            {
                error = $"the line is not valid JSON ({exception.Message})";
            }
            yield return new SourceRow(line, error is null ? values : [], error, EncodingWarning(text));
        }
    }

    private static IReadOnlyList<string> JsonValues(JsonElement value) =>
        value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().SelectMany(JsonValues).ToArray(),
            JsonValueKind.Null or JsonValueKind.Undefined => [],
            JsonValueKind.String => [value.GetString()!],
            _ => [value.GetRawText()],
        };
}
