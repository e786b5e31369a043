using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetIconclass.Collections;
using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Models;

/// <summary>
/// The transformer one row at a time, as a <c>PredictionEngine</c> uses it: the input row's columns passed through,
/// and its codes ranked when they are first read at a new row position.
/// </summary>
internal sealed class RankingRowMapper(
    IconclassTransformer transformer,
    DataViewSchema inputSchema,
    DataViewSchema outputSchema
) : IRowToRowMapper
{
    public DataViewSchema InputSchema => inputSchema;

    public DataViewSchema OutputSchema => outputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var columns = dependingColumns.ToArray();
        var passedThrough = columns
            .Where(column => column.Index < inputSchema.Count)
            .Select(column => inputSchema[column.Index]);
        return columns.Any(column => column.Index >= inputSchema.Count)
            ? passedThrough.Concat(ArtworkColumns.In(inputSchema)).Distinct()
            : passedThrough;
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new Row(transformer, outputSchema, input, activeColumns.Select(column => column.Index).ToHashSet());

    private sealed class Row(
        IconclassTransformer transformer,
        DataViewSchema schema,
        DataViewRow input,
        HashSet<int> active
    ) : DataViewRow
    {
        private readonly Func<ArtworkRecord>? _read = active.Any(index => index >= input.Schema.Count)
            ? ArtworkColumns.Reader(input)
            : null;
        private RankedArtwork _ranking = new([], []);
        private long _rankedPosition = -1;

        public override DataViewSchema Schema => schema;

        public override long Position => input.Position;

        public override long Batch => input.Batch;

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            column.Index < input.Schema.Count
                ? input.GetGetter<TValue>(input.Schema[column.Index])
                : RankingGetters.For<TValue>(column, Current);

        private RankedArtwork Current()
        {
            if (_rankedPosition != input.Position)
            {
                _ranking = transformer.Rank([_read!()])[0];
                _rankedPosition = input.Position;
            }
            return _ranking;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();
    }
}
