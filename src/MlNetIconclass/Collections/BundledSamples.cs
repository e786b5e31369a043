namespace MlNetIconclass.Collections;

/// <summary>Sample collections that ship with the project (see <c>data/samples/ATTRIBUTION.md</c>).</summary>
public static class BundledSamples
{
    /// <summary>The Rijksmuseum's Suriname-related records: Dutch titles and descriptions, Iconclass codes.</summary>
    public static string RijksmuseumSuriname => Path.Combine(AppContext.BaseDirectory, "data", "samples", "rijksmuseum-suriname.parquet");
}
