namespace MlNetIconclass.Models;

/// <summary>
/// The model that ships with the project (see <c>models/README.md</c>), copied next to the assemblies.
/// </summary>
public static class BundledModels
{
    /// <summary>The n-gram dual encoder trained on the Suriname sample's train split.</summary>
    public static string Default => BundledFiles.PathOf("models", "suriname-ngram.iconclass");
}
