using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetIconclass.Collections;
using MlNetIconclass.Models;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Training;

/// <summary>
/// The dual encoder as an ML.NET estimator: <c>Fit</c> trains on an artwork <see cref="IDataView"/> (the columns of
/// <see cref="ArtworkRow"/>; <c>Id</c>, <c>Titles</c>, <c>TitleLanguages</c> and <c>Codes</c> are required, the others
/// read when present) and returns the <see cref="IconclassTransformer"/>, which adds <c>PredictedCodes</c> and
/// <c>Scores</c>. Without a seed in the options, training draws one from the context, so <c>new MLContext(seed: 1)</c>
/// trains reproducibly.
/// </summary>
/// <remarks>
/// ML.NET keeps its channel messages internal to its own components, so training progress is reported through
/// <paramref name="log"/> and <paramref name="progress"/> instead.
/// </remarks>
public sealed class IconclassEstimator(
    MLContext mlContext,
    IconclassThesaurus thesaurus,
    DualEncoderOptions options,
    int top,
    Action<string>? log = null,
    IProgress<TrainingProgress>? progress = null
) : IEstimator<IconclassTransformer>
{
    public IconclassTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>
    /// Trains; cancelling stops at the next training step with an <see cref="OperationCanceledException"/>.
    /// </summary>
    public IconclassTransformer Fit(IDataView input, CancellationToken cancellation)
    {
        ArtworkColumns.Check(input.Schema, training: true);
        var seeded = options.Clone();
        seeded.Seed ??= ((IHostEnvironment)mlContext).Register(nameof(IconclassEstimator)).Rand.Next();
        var records = mlContext.Data.ToArtworks(input).ToList();
        log?.Invoke($"training the {seeded.Encoder} dual encoder on {records.Count} records (seed {seeded.Seed})");
        return new IconclassTransformer(
            IconclassTrainer.Fit(thesaurus, records, seeded, log, progress, cancellation),
            top
        );
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArtworkColumns.Check(inputSchema, training: true);
        // SchemaShape columns cannot be made outside ML.NET; a custom mapping with no inputs reports exactly the two
        // columns the transformer adds, as its output class declares them.
        return mlContext
            .Transforms.CustomMapping<NoColumns, IconclassPrediction>((_, _) => { }, contractName: null)
            .GetOutputSchema(inputSchema);
    }

    private sealed class NoColumns;
}

/// <summary>
/// The estimator in ML.NET's catalog style: <c>mlContext.Iconclass().DualEncoder(thesaurus, options)</c>.
/// </summary>
public static class IconclassTrainingCatalog
{
    /// <summary>
    /// An estimator that trains the dual encoder and its hybrid ranker; each row gets <paramref name="top"/> codes.
    /// </summary>
    public static IconclassEstimator DualEncoder(
        this IconclassCatalog catalog,
        IconclassThesaurus thesaurus,
        DualEncoderOptions? options = null,
        int top = 20,
        Action<string>? log = null,
        IProgress<TrainingProgress>? progress = null
    ) => new(catalog.Context, thesaurus, options ?? new DualEncoderOptions(), top, log, progress);
}
