using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Models;

/// <summary>Entry points in ML.NET's catalog style: <c>mlContext.Iconclass()</c>.</summary>
public static class IconclassCatalogExtensions
{
    /// <summary>
    /// The Iconclass components of this context (MlNetIconclass.Training adds the estimator,
    /// <c>mlContext.Iconclass().DualEncoder(...)</c>). Also registers the transformer's loader with the context.
    /// </summary>
    public static IconclassCatalog Iconclass(this MLContext mlContext)
    {
        mlContext.ComponentCatalog.RegisterIconclass();
        return new IconclassCatalog(mlContext);
    }

    /// <summary>
    /// Lets <c>mlContext.Model.Load</c> read models that hold an Iconclass transformer, ranking against
    /// <paramref name="thesaurus"/> (by default the bundled one). Call it before loading, as ML.NET's custom mappings
    /// need <c>RegisterAssembly</c>.
    /// </summary>
    public static void RegisterIconclass(this ComponentCatalog catalog, IconclassThesaurus? thesaurus = null) =>
        MlNetPersistence.Register(catalog, thesaurus);
}

public sealed class IconclassCatalog
{
    internal IconclassCatalog(MLContext context) => Context = context;

    /// <summary>The context the catalog's components belong to (for extensions such as the estimator).</summary>
    public MLContext Context { get; }

    /// <summary>
    /// A transformer over a model file saved by <see cref="IconclassModel.Save"/> (or <c>iconclass train</c>).
    /// </summary>
    public IconclassTransformer LoadModel(
        string path,
        IconclassThesaurus thesaurus,
        ModelLoadOptions? options = null,
        int top = 20
    ) => new(IconclassModel.Load(path, thesaurus, options), top);
}
