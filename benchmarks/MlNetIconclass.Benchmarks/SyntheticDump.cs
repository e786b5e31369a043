using MlNetIconclass.Collections;

namespace MlNetIconclass.Benchmarks;

/// <summary>A dump of any size made of the bundled sample's records under new ids, for scoring runs at scale.</summary>
public static class SyntheticDump
{
    public static IEnumerable<ArtworkRecord> Records(IReadOnlyList<ArtworkRecord> sample, long count)
    {
        for (long i = 0; i < count; i++)
        {
            var source = sample[(int)(i % sample.Count)];
            yield return new ArtworkRecord
            {
                Id = $"{source.Id}#{i / sample.Count}",
                Titles = source.Titles,
                Descriptions = source.Descriptions,
                Image = source.Image,
                Codes = source.Codes,
            };
        }
    }

    /// <summary><c>make-dump ROWS PATH [SAMPLE]</c>: writes the dump (row groups of 10,000), streaming.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        long rows = long.Parse(args[1]);
        var sample = await ArtworkParquet.ReadCollectionsAsync([
            args.Length > 3 ? args[3] : BundledSamples.RijksmuseumSuriname,
        ]);
        await ArtworkParquet.WriteAsync(Records(sample, rows), args[2]);
        Console.WriteLine($"wrote {args[2]}: {rows:N0} rows");
        return 0;
    }
}
