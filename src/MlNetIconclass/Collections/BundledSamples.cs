namespace MlNetIconclass.Collections;

/// <summary>Sample collections that ship with the project (see <c>data/samples/ATTRIBUTION.md</c>).</summary>
public static class BundledSamples
{
    /// <summary>The Rijksmuseum's Suriname-related records: Dutch titles and descriptions, Iconclass codes.</summary>
    public static string RijksmuseumSuriname => BundledFiles.PathOf("data", "samples", "rijksmuseum-suriname.parquet");

    /// <summary>
    /// 36 public-domain paintings of saints with their images (under <c>saints/</c>, paths relative to the file),
    /// one saint code each; the Wikimedia Commons file name as the title where there is one.
    /// </summary>
    public static string Saints => BundledFiles.PathOf("data", "samples", "saints.parquet");
}
