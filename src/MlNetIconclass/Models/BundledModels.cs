namespace MlNetIconclass.Models;

/// <summary>
/// The model that ships with the project (see <c>models/README.md</c>), copied next to the assemblies.
/// </summary>
public static class BundledModels
{
    /// <summary>The n-gram dual encoder trained on the Suriname sample's train split.</summary>
    public static string Default => BundledFiles.PathOf("models", "suriname-ngram.iconclass");

    /// <summary>
    /// The pretrained n-gram encoder: MiniLM distilled through the thesaurus in all its languages, trained on no
    /// collection. It ranks as it is (zero-shot), and training starts from it by default.
    /// </summary>
    public static string Pretrained => BundledFiles.PathOf("models", "pretrained-ngram.iconclass");

    /// <summary>The name that stands for <see cref="Pretrained"/> wherever a model file is asked for.</summary>
    public const string PretrainedName = "pretrained";

    /// <summary>
    /// The model file a command's value names: the default model for none, the pretrained model for
    /// <see cref="PretrainedName"/>, else the path as given.
    /// </summary>
    public static string Resolve(string? nameOrPath) =>
        nameOrPath switch
        {
            null => Default,
            PretrainedName => Pretrained,
            _ => nameOrPath,
        };
}
