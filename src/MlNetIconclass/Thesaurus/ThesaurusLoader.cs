using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace MlNetIconclass.Thesaurus;

/// <summary>Parses the official Iconclass data format (see <c>data/iconclass/ATTRIBUTION.md</c>).</summary>
internal static partial class ThesaurusLoader
{
    // txt/en/txt_en_0_1.txt, txt/cz/text_cz_4.txt, kw/nl/kw_nl_9.txt; the keyword cross references (kw_*_refs) are not
    // keywords.
    [GeneratedRegex(@"^(?<kind>txt|kw)/(?<lang>[a-z]{2})/(?:txt|text|kw)_\k<lang>_(?!refs)[^/]+\.txt$")]
    private static partial Regex TextFile();

    public static IconclassThesaurus Load(ThesaurusSource source, IReadOnlySet<string>? languages)
    {
        var textFiles = source
            .Files.Select(path => (path, match: TextFile().Match(path)))
            .Where(file =>
                file.match.Success && (languages is null || languages.Contains(file.match.Groups["lang"].Value))
            )
            .GroupBy(file => (kind: file.match.Groups["kind"].Value, language: file.match.Groups["lang"].Value))
            .ToArray();

        var tree = ReadTree(source);
        // Texts share the tree's notation strings instead of allocating a key per line and language.
        var notations = tree.Notations.ToHashSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        var definitions = new ConcurrentDictionary<string, Dictionary<string, ReadOnlyMemory<char>>>();
        var keywords = new ConcurrentDictionary<string, ThesaurusTexts.KeywordTable>();

        // One task per language and kind, so no table is shared between threads.
        Parallel.ForEach(
            textFiles,
            group =>
            {
                var pairs = ReadPairs(source, group.Select(file => file.path).Order(StringComparer.Ordinal), notations);
                if (group.Key.kind == "txt")
                    definitions[group.Key.language] = ToDefinitions(pairs);
                else
                    keywords[group.Key.language] = ThesaurusTexts.KeywordTable.Build(pairs);
            }
        );
        return new IconclassThesaurus(tree, new ThesaurusTexts(definitions, keywords));
    }

    private static IconclassTree ReadTree(ThesaurusSource source)
    {
        var nodes = ReadRecords(source, "notations.txt")
            .Select(record => new IconclassTree.TreeNode(
                record.Single("N") ?? throw new InvalidDataException("notations.txt: a record has no N field."),
                record.All("C"),
                record.Single("K"),
                record.All("R")
            ))
            .ToArray();
        var keySets = ReadRecords(source, "keys.txt")
            .ToDictionary(
                record => record.Single("K") ?? throw new InvalidDataException("keys.txt: a record has no K field."),
                record => (IReadOnlyList<string>)record.All("S")
            );
        return new IconclassTree(nodes, keySets);
    }

    /// <summary>Records separated by a line <c>$</c>; lines <c>FIELD value</c>, continued by <c>; value</c>.</summary>
    private static IEnumerable<Record> ReadRecords(ThesaurusSource source, string path)
    {
        using var reader = OpenText(source, path);
        var record = new Record();
        while (reader.ReadLine() is { } line)
        {
            if (line == "$")
            {
                if (record.Fields.Count > 0)
                    yield return record;
                record = new Record();
            }
            else if (line.StartsWith("; ", StringComparison.Ordinal) && record.Fields.Count > 0)
            {
                record.Fields[^1].Values.Add(line[2..]);
            }
            else if (line.Length > 0)
            {
                int space = line.IndexOf(' ');
                record.Fields.Add((space < 0 ? line : line[..space], [space < 0 ? "" : line[(space + 1)..]]));
            }
        }
        if (record.Fields.Count > 0)
            yield return record;
    }

    /// <summary>One record's fields in file order; a record has a handful, so a list beats a dictionary.</summary>
    private sealed class Record
    {
        public List<(string Name, List<string> Values)> Fields { get; } = new(4);

        public string? Single(string name) => Fields.Find(field => field.Name == name).Values?[0];

        public IReadOnlyList<string> All(string name) =>
            Fields.Find(field => field.Name == name).Values ?? (IReadOnlyList<string>)[];
    }

    // A large buffer: the zip streams inflate in small pieces otherwise.
    private static StreamReader OpenText(ThesaurusSource source, string path) =>
        new(source.Open(path), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);

    private static Dictionary<string, ReadOnlyMemory<char>> ToDefinitions(
        List<(string Notation, ReadOnlyMemory<char> Text)> pairs
    )
    {
        var definitions = new Dictionary<string, ReadOnlyMemory<char>>(pairs.Count, StringComparer.Ordinal);
        foreach (var (notation, text) in pairs)
            definitions[notation] = text;
        return definitions;
    }

    /// <summary>
    /// <c>notation|text</c> lines as slices of each file's text; <c>#</c> lines are untranslated placeholders and are
    /// skipped. Notations come from <paramref name="notations"/> where listed there.
    /// </summary>
    private static List<(string Notation, ReadOnlyMemory<char> Text)> ReadPairs(
        ThesaurusSource source,
        IEnumerable<string> paths,
        HashSet<string>.AlternateLookup<ReadOnlySpan<char>> notations
    )
    {
        var pairs = new List<(string, ReadOnlyMemory<char>)>();
        foreach (var path in paths)
        {
            string content;
            using (var reader = OpenText(source, path))
                content = reader.ReadToEnd();
            var remaining = content.AsMemory();
            while (!remaining.IsEmpty)
            {
                int newline = remaining.Span.IndexOf('\n');
                var line = newline < 0 ? remaining : remaining[..newline];
                remaining = newline < 0 ? ReadOnlyMemory<char>.Empty : remaining[(newline + 1)..];
                var span = line.Span;
                if (span.IsEmpty || span[0] == '#')
                    continue;
                int bar = span.IndexOf('|');
                var text = line[(bar + 1)..].Trim();
                if (bar <= 0 || text.IsEmpty)
                    continue;
                var key = span[..bar];
                pairs.Add((notations.TryGetValue(key, out var listed) ? listed : key.ToString(), text));
            }
        }
        return pairs;
    }
}
