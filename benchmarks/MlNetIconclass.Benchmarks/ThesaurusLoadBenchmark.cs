using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Benchmarks;

/// <summary>
/// Loading the whole thesaurus (13 languages of definitions, 9 of keywords) against the floor of reading the same
/// archive: inflating every file and splitting it into lines. The Ratio column is the figure to watch.
/// </summary>
[MemoryDiagnoser]
public class ThesaurusLoadBenchmark
{
    private readonly string _archive = IconclassThesaurus.BundledDataPath;

    [Benchmark(Baseline = true, Description = "inflate and split every file into lines")]
    public int ReadArchiveLines()
    {
        int lines = 0;
        using var archive = ZipFile.OpenRead(_archive);
        foreach (var entry in archive.Entries.Where(e => e.FullName.EndsWith(".txt", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open());
            while (reader.ReadLine() is not null)
                lines++;
        }
        return lines;
    }

    [Benchmark(Description = "IconclassThesaurus.Load, every language")]
    public int LoadEveryLanguage() => IconclassThesaurus.Load(_archive).Tree.Notations.Count;
}
