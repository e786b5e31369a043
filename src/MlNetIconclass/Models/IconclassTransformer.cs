using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetIconclass.Collections;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Models;

/// <summary>
/// Ranks Iconclass codes for each artwork row: a row-to-row transformer that keeps the input columns and adds
/// <c>PredictedCodes</c> (text vector, best first), <c>Scores</c> (float vector) and <c>Problems</c> (text vector:
/// the row's image not read and why, its language not the thesaurus's, nothing to rank by). <see cref="Transform"/> is
/// lazy
/// and ranks a cursor's rows in batches (one matrix product per index for many records);
/// <c>mlContext.Model.CreatePredictionEngine&lt;ArtworkRow, IconclassPrediction&gt;</c> ranks one row at a time.
/// A pipeline holding it saves and loads with <c>mlContext.Model.Save</c> and <c>Load</c> (the context must know
/// the transformer first: <c>mlContext.ComponentCatalog.RegisterIconclass()</c>, as ML.NET's custom mappings need
/// <c>RegisterAssembly</c>).
/// </summary>
public sealed class IconclassTransformer : ITransformer, IDisposable
{
    public const string PredictedCodesColumn = nameof(IconclassPrediction.PredictedCodes);
    public const string ScoresColumn = nameof(IconclassPrediction.Scores);
    public const string ProblemsColumn = nameof(IconclassPrediction.Problems);

    /// <summary>Rows ranked together as a cursor moves: enough for the batched ranking, few enough to hold.</summary>
    internal const int RankingBatch = 256;

    public IconclassTransformer(IconclassModel model, int top = 20)
    {
        Model = model;
        Top = RankingOptions.CheckedCount(top);
    }

    public IconclassModel Model { get; }

    /// <summary>How many codes each row gets.</summary>
    public int Top { get; }

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArtworkColumns.Check(inputSchema, training: false);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumn(PredictedCodesColumn, new VectorDataViewType(TextDataViewType.Instance));
        builder.AddColumn(ScoresColumn, new VectorDataViewType(NumberDataViewType.Single));
        builder.AddColumn(ProblemsColumn, new VectorDataViewType(TextDataViewType.Instance));
        return builder.ToSchema();
    }

    public IDataView Transform(IDataView input) => new RankedDataView(this, input, GetOutputSchema(input.Schema));

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        new RankingRowMapper(this, inputSchema, GetOutputSchema(inputSchema));

    /// <summary>
    /// Saves the model alone, to one model file (<c>iconclass</c> and <see cref="IconclassModel.Load"/> read it).
    /// </summary>
    public void Save(string path) => Model.Save(path);

    void ICanSaveModel.Save(ModelSaveContext context) => MlNetPersistence.Save(context, this);

    /// <summary>
    /// What <c>mlContext.Model.Load</c> calls, through the loader <see cref="MlNetPersistence"/> registers.
    /// </summary>
    internal static IconclassTransformer Load(IHostEnvironment environment, object context) =>
        MlNetPersistence.Load(environment, context);

    public void Dispose() => Model.Dispose();

    /// <summary>
    /// The ranked codes of a batch of records, at most <see cref="Top"/> each, with their problems; images are read
    /// as the rows' paths say.
    /// </summary>
    internal IReadOnlyList<RankedArtwork> Rank(IReadOnlyList<ArtworkRecord> records) =>
        Model.Rank(records, new RankingOptions { Count = Top });
}

/// <summary>What the Iconclass transformer adds to a row; the output class of its <c>PredictionEngine</c>.</summary>
public class IconclassPrediction
{
    /// <summary>Iconclass notations, best first.</summary>
    public string[] PredictedCodes { get; set; } = [];

    /// <summary>The hybrid score of each code.</summary>
    public float[] Scores { get; set; } = [];

    /// <summary>What went wrong for the row: its image not read and why, its language, nothing to rank by.</summary>
    public string[] Problems { get; set; } = [];
}

/// <summary>An artwork row with its ranked codes: the rows of a transformed artwork <see cref="IDataView"/>.</summary>
public sealed class ScoredArtworkRow : ArtworkRow
{
    public string[] PredictedCodes { get; set; } = [];
    public float[] Scores { get; set; } = [];
    public string[] Problems { get; set; } = [];
}
