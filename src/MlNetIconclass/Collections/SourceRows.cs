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

/// <summary>One row of a source file: its line, its values by column name, or why it could not be read.</summary>
internal sealed record SourceRow(long Line, IReadOnlyDictionary<string, IReadOnlyList<string>> Values, string? Error);

/// <summary>Reads CSV, TSV or JSON Lines into <see cref="SourceRow"/>s; the header gives the columns.</summary>
internal static class SourceRows
{
    public static (IReadOnlyList<string> Columns, IEnumerable<SourceRow> Rows) Open(string path, SourceFormat format) =>
        format switch
        {
            SourceFormat.Csv => OpenDelimited(path, ","),
            SourceFormat.Tsv => OpenDelimited(path, "\t"),
            SourceFormat.Rijksmuseum => OpenDelimited(path, ";"),
            SourceFormat.Jsonl => OpenJsonLines(path),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };

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
        return (header, ReadDelimited(csv, header));
    }

    private static IEnumerable<SourceRow> ReadDelimited(CsvReader csv, string[] header)
    {
        using (csv)
        {
            while (csv.Read())
            {
                var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                int count = csv.Parser.Count;
                for (int i = 0; i < Math.Min(count, header.Length); i++)
                    values[header[i]] = [csv.Parser[i] ?? ""];
                string? error =
                    count < header.Length ? $"the row has {count} fields where the header has {header.Length}" : null;
                yield return new SourceRow(csv.Parser.RawRow, values, error);
            }
        }
    }

    private static (IReadOnlyList<string>, IEnumerable<SourceRow>) OpenJsonLines(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"'{path}' does not exist.", path);
        return ([], ReadJsonLines(path));
    }

    private static IEnumerable<SourceRow> ReadJsonLines(string path)
    {
        long line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            Dictionary<string, IReadOnlyList<string>>? values = null;
            string? error = null;
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    error = "the line is not a JSON object";
                else
                    values = document
                        .RootElement.EnumerateObject()
                        .ToDictionary(p => p.Name, p => JsonValues(p.Value), StringComparer.Ordinal);
            }
            catch (JsonException exception)
            {
                error = $"the line is not valid JSON ({exception.Message})";
            }
            yield return new SourceRow(line, values ?? [], error);
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
