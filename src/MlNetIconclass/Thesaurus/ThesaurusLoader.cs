using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace MlNetIconclass.Thesaurus;

/// <summary>Parses the official Iconclass data format (see <c>data/iconclass/ATTRIBUTION.md</c>).</summary>
internal static partial class ThesaurusLoader
{
    // txt/en/txt_en_0_1.txt, txt/cz/text_cz_4.txt, kw/nl/kw_nl_9.txt; the keyword cross references (kw_*_refs) are not keywords.
    [GeneratedRegex(@"^(?<kind>txt|kw)/(?<lang>[a-z]{2})/(?:txt|text|kw)_\k<lang>_(?!refs)[^/]+\.txt$")]
    private static partial Regex TextFile();

    public static IconclassThesaurus Load(ThesaurusSource source, IReadOnlySet<string>? languages)
    {
        var textFiles = source.Files
            .Select(path => (path, match: TextFile().Match(path)))
            .Where(file => file.match.Success && (languages is null || languages.Contains(file.match.Groups["lang"].Value)))
            .GroupBy(file => (kind: file.match.Groups["kind"].Value, language: file.match.Groups["lang"].Value))
            .ToArray();

        var definitions = new ConcurrentDictionary<string, Dictionary<string, string>>();
        var keywords = new ConcurrentDictionary<string, Dictionary<string, List<string>>>();
        IconclassTree? tree = null;

        // One task per language and kind, so no dictionary is shared between threads.
        var work = textFiles.Select<IGrouping<(string kind, string language), (string path, Match match)>, Action>(group => () =>
        {
            var paths = group.Select(file => file.path).Order(StringComparer.Ordinal);
            if (group.Key.kind == "txt") definitions[group.Key.language] = ReadDefinitions(source, paths);
            else keywords[group.Key.language] = ReadKeywords(source, paths);
        }).Append(() => tree = ReadTree(source));
        Parallel.Invoke(work.ToArray());

        return new IconclassThesaurus(tree!, new ThesaurusTexts(definitions, keywords));
    }

    private static IconclassTree ReadTree(ThesaurusSource source)
    {
        var nodes = ReadRecords(source, "notations.txt")
            .Select(fields => new IconclassTree.TreeNode(
                Single(fields, "N") ?? throw new InvalidDataException("notations.txt: a record has no N field."),
                fields.GetValueOrDefault("C") ?? [],
                Single(fields, "K"),
                fields.GetValueOrDefault("R") ?? []))
            .ToArray();
        var keySets = ReadRecords(source, "keys.txt").ToDictionary(
            fields => Single(fields, "K") ?? throw new InvalidDataException("keys.txt: a record has no K field."),
            fields => (IReadOnlyList<string>)(fields.GetValueOrDefault("S") ?? []));
        return new IconclassTree(nodes, keySets);
    }

    private static string? Single(Dictionary<string, List<string>> fields, string name) =>
        fields.TryGetValue(name, out var values) ? values[0] : null;

    /// <summary>Records separated by a line <c>$</c>; lines <c>FIELD value</c>, continued by <c>; value</c>.</summary>
    private static IEnumerable<Dictionary<string, List<string>>> ReadRecords(ThesaurusSource source, string path)
    {
        using var reader = new StreamReader(source.Open(path));
        var record = new Dictionary<string, List<string>>();
        List<string>? lastField = null;
        while (reader.ReadLine() is { } line)
        {
            if (line == "$")
            {
                if (record.Count > 0) yield return record;
                record = [];
                lastField = null;
            }
            else if (line.StartsWith("; ", StringComparison.Ordinal) && lastField is not null)
            {
                lastField.Add(line[2..]);
            }
            else if (line.Length > 0)
            {
                int space = line.IndexOf(' ');
                string name = space < 0 ? line : line[..space];
                lastField = [space < 0 ? "" : line[(space + 1)..]];
                record[name] = lastField;
            }
        }
        if (record.Count > 0) yield return record;
    }

    private static Dictionary<string, string> ReadDefinitions(ThesaurusSource source, IEnumerable<string> paths)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (notation, text) in ReadPairs(source, paths)) texts[notation] = text;
        return texts;
    }

    private static Dictionary<string, List<string>> ReadKeywords(ThesaurusSource source, IEnumerable<string> paths)
    {
        var keywords = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (notation, keyword) in ReadPairs(source, paths))
        {
            if (!keywords.TryGetValue(notation, out var list)) keywords[notation] = list = [];
            list.Add(keyword);
        }
        return keywords;
    }

    /// <summary><c>notation|text</c> lines; <c>#</c> lines are untranslated placeholders and are skipped.</summary>
    private static IEnumerable<(string Notation, string Text)> ReadPairs(ThesaurusSource source, IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            using var reader = new StreamReader(source.Open(path));
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#') continue;
                int bar = line.IndexOf('|');
                if (bar <= 0 || bar == line.Length - 1) continue;
                yield return (line[..bar], line[(bar + 1)..].Trim());
            }
        }
    }
}
