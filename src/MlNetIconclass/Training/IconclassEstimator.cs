using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetIconclass.Collections;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Training;

/// <summary>
/// The dual encoder as an ML.NET estimator: <c>Fit</c> trains on an artwork <see cref="IDataView"/> (the schema of
/// <see cref="ArtworkRow"/>) and returns a transformer that appends <c>PredictedCodes</c> and <c>Scores</c>.
/// </summary>
/// <remarks>
/// ML.NET keeps its channel messages internal to its own components, so training progress is reported through
/// <paramref name="log"/> and <paramref name="progress"/> instead.
/// </remarks>
public sealed class IconclassEstimator(MLContext mlContext, IconclassThesaurus thesaurus, DualEncoderOptions options, int top,
    Action<string>? log = null, IProgress<TrainingProgress>? progress = null)
    : IEstimator<IconclassTransformer>
{
    public IconclassTransformer Fit(IDataView input)
    {
        var records = mlContext.Data.ToArtworks(input).ToList();
        log?.Invoke($"training the {options.Encoder} dual encoder on {records.Count} records");
        return new IconclassTransformer(mlContext, IconclassModel.Fit(thesaurus, records, options, log, progress), top);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        foreach (var column in new[] { nameof(ArtworkRow.Id), nameof(ArtworkRow.Titles), nameof(ArtworkRow.TitleLanguages), nameof(ArtworkRow.Codes) })
            if (!inputSchema.Any(c => c.Name == column))
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The input has no '{column}' column (see ArtworkRow).");
        // SchemaShape columns cannot be built outside ML.NET; these two public transforms describe exactly the columns
        // Transform adds: PredictedCodes, a text vector like Codes, and Scores, a float vector of the same length.
        return mlContext.Transforms.CopyColumns(nameof(ScoredArtworkRow.PredictedCodes), nameof(ArtworkRow.Codes))
            .Append(mlContext.Transforms.Conversion.ConvertType(nameof(ScoredArtworkRow.Scores), nameof(ArtworkRow.Codes), DataKind.Single))
            .GetOutputSchema(inputSchema);
    }
}

/// <summary>Ranks Iconclass codes for each artwork row: the input columns plus <c>PredictedCodes</c> and <c>Scores</c>.</summary>
public sealed class IconclassTransformer(MLContext mlContext, IconclassModel model, int top) : ITransformer, IDisposable
{
    public IconclassModel Model { get; } = model;

    /// <summary>How many codes each row gets.</summary>
    public int Top { get; } = top;

    public bool IsRowToRowMapper => false;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => OutputSchema(mlContext);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException("Ranking needs the whole record; use Transform.");

    /// <summary>Lazily ranks each row as the result is read.</summary>
    public IDataView Transform(IDataView input)
    {
        var rows = mlContext.Data.CreateEnumerable<ArtworkRow>(input, reuseRowObject: false);
        return mlContext.Data.LoadFromEnumerable(rows.Select(Score));
    }

    private ScoredArtworkRow Score(ArtworkRow row)
    {
        var ranking = Model.Rank(row.ToRecord(), Top);
        return new ScoredArtworkRow
        {
            Id = row.Id, Titles = row.Titles, TitleLanguages = row.TitleLanguages, Descriptions = row.Descriptions,
            DescriptionLanguages = row.DescriptionLanguages, Image = row.Image, Codes = row.Codes,
            PredictedCodes = ranking.Select(c => c.Code).ToArray(),
            Scores = ranking.Select(c => c.Score).ToArray(),
        };
    }

    /// <summary>Saves to one model file; load it with <c>mlContext.Iconclass().LoadModel(...)</c>.</summary>
    public void Save(string path) => Model.Save(path);

    void ICanSaveModel.Save(ModelSaveContext context) =>
        throw new NotSupportedException("MlNetIconclass models are saved with IconclassTransformer.Save(path) to their own file.");

    private static DataViewSchema OutputSchema(MLContext mlContext) =>
        mlContext.Data.LoadFromEnumerable(Array.Empty<ScoredArtworkRow>()).Schema;

    public void Dispose() => Model.Dispose();
}

/// <summary>An artwork row with its ranked codes.</summary>
public sealed class ScoredArtworkRow : ArtworkRow
{
    public string[] PredictedCodes { get; set; } = [];
    public float[] Scores { get; set; } = [];
}
