using System.Globalization;
using System.IO.Compression;

namespace MlNetIconclass.Thesaurus;

/// <summary>
/// How often collections use each notation (see <c>data/usage-counts/ATTRIBUTION.md</c>): the Rijksmuseum, RKD,
/// Arkyves (the Iconclass AI Test Set) and the Städel Museum. Notations as the collections wrote them; Arkyves joins
/// combined notations with <c>:</c>, which <see cref="Split"/> counts once per part.
/// </summary>
public sealed class UsageCounts
{
    private UsageCounts(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> byCollection) =>
        ByCollection = byCollection;

    /// <summary>Counts by collection name (rijksmuseum, rkd, arkyves, staedel), then by notation.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByCollection { get; }

    /// <summary>The collections the bundled counts hold.</summary>
    public static IReadOnlyList<string> BundledCollections { get; } = ["arkyves", "rijksmuseum", "rkd", "staedel"];

    public static string BundledPath => BundledFiles.PathOf("data", "usage-counts", "iconclass-usage-counts.zip");

    public static UsageCounts LoadBundled() => Load(BundledPath);

    public static UsageCounts Load(string zipPath)
    {
        if (!File.Exists(zipPath))
            throw new FileNotFoundException($"The usage counts '{zipPath}' do not exist.", zipPath);
        using var zip = ZipFile.OpenRead(zipPath);
        var collections = new Dictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries.Where(e => e.Name.EndsWith("-counts.csv", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open());
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            reader.ReadLine(); // header
            int lineNumber = 1;
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                int comma = line.LastIndexOf(',');
                if (
                    comma < 0
                    || !long.TryParse(
                        line.AsSpan(comma + 1),
                        NumberStyles.None,
                        CultureInfo.InvariantCulture,
                        out long count
                    )
                )
                    throw new InvalidDataException(
                        $"'{zipPath}', {entry.Name} line {lineNumber}: '{line}' is not notation,count."
                    );
                string notation = line[..comma].Trim('"').Trim();
                // Arkyves has a few rows without a notation; they count nothing Iconclass can name.
                if (notation.Length > 0)
                    counts[notation] = counts.GetValueOrDefault(notation) + count;
            }
            collections[entry.Name[..^"-counts.csv".Length]] = counts;
        }
        return new UsageCounts(collections);
    }

    /// <summary>One collection's counts with combined notations split into their parts.</summary>
    public IReadOnlyDictionary<string, long> Split(string collection)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (notation, count) in ByCollection[collection])
        foreach (var part in Notation.SplitCombined(notation))
            counts[part.Trim()] = counts.GetValueOrDefault(part.Trim()) + count;
        return counts;
    }
}
