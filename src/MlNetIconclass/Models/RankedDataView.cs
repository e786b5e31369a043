using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetIconclass.Collections;
using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Models;

/// <summary>
/// The lazy output of <see cref="IconclassTransformer.Transform"/>: the input's columns, passed through, and the
/// ranked codes. A cursor that reads the codes opens a second cursor on the input that runs ahead, reads a batch of
/// records and ranks them together; the row cursor then serves them one by one. A cursor that reads only input
/// columns ranks nothing.
/// </summary>
internal sealed class RankedDataView(IconclassTransformer transformer, IDataView input, DataViewSchema schema)
    : IDataView
{
    public DataViewSchema Schema => schema;

    /// <summary>The read-ahead cursor must see the rows in the same order as the row cursor.</summary>
    public bool CanShuffle => false;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Select(column => column.Index).ToHashSet();
        int inputColumns = input.Schema.Count;
        bool ranks = needed.Any(index => index >= inputColumns);
        var inputCursor = input.GetRowCursor(input.Schema.Where(column => needed.Contains(column.Index)));
        var readAhead = ranks ? input.GetRowCursor(ArtworkColumns.In(input.Schema)) : null;
        return new Cursor(transformer, schema, inputCursor, readAhead, needed);
    }

    public DataViewRowCursor[] GetRowCursorSet(
        IEnumerable<DataViewSchema.Column> columnsNeeded,
        int n,
        Random? rand = null
    ) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly IconclassTransformer _transformer;
        private readonly DataViewRowCursor _input;
        private readonly DataViewRowCursor? _readAhead;
        private readonly Func<ArtworkRecord>? _read;
        private readonly HashSet<int> _active;
        private IReadOnlyList<RankedArtwork> _rankings = [];
        private long _firstRanked;

        public Cursor(
            IconclassTransformer transformer,
            DataViewSchema schema,
            DataViewRowCursor input,
            DataViewRowCursor? readAhead,
            HashSet<int> active
        )
        {
            _transformer = transformer;
            Schema = schema;
            _input = input;
            _readAhead = readAhead;
            _read = readAhead is null ? null : ArtworkColumns.Reader(readAhead);
            _active = active;
        }

        public override DataViewSchema Schema { get; }

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override bool MoveNext()
        {
            if (!_input.MoveNext())
                return false;
            if (_readAhead is not null && Position >= _firstRanked + _rankings.Count)
                RankNextBatch();
            return true;
        }

        private void RankNextBatch()
        {
            var records = new List<ArtworkRecord>(IconclassTransformer.RankingBatch);
            while (records.Count < IconclassTransformer.RankingBatch && _readAhead!.MoveNext())
                records.Add(_read!());
            _firstRanked = Position;
            _rankings = _transformer.Rank(records);
        }

        private RankedArtwork Current => _rankings[(int)(Position - _firstRanked)];

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < _input.Schema.Count)
                return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            return RankingGetters.For<TValue>(column, () => Current);
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _input.Dispose();
                _readAhead?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

/// <summary>Getters of the columns the transformer adds, over whatever ranking is current.</summary>
internal static class RankingGetters
{
    public static ValueGetter<TValue> For<TValue>(DataViewSchema.Column column, Func<RankedArtwork> current)
    {
        Delegate getter = column.Name switch
        {
            IconclassTransformer.PredictedCodesColumn => Texts(() => current().Codes.Select(code => code.Code)),
            IconclassTransformer.ScoresColumn => (ValueGetter<VBuffer<float>>)(
                (ref VBuffer<float> value) =>
                {
                    var scores = current().Codes.Select(code => code.Score).ToArray();
                    value = new VBuffer<float>(scores.Length, scores);
                }
            ),
            IconclassTransformer.ProblemsColumn => Texts(() => current().Problems.Select(problem => problem.Message)),
            _ => throw new ArgumentOutOfRangeException(
                nameof(column),
                column.Name,
                "not a column the Iconclass transformer adds"
            ),
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException(
                $"Invalid TValue in GetGetter: '{typeof(TValue)}', expected type: '{column.Type.RawType}'."
            );
    }

    private static ValueGetter<VBuffer<ReadOnlyMemory<char>>> Texts(Func<IEnumerable<string>> texts) =>
        (ref VBuffer<ReadOnlyMemory<char>> value) =>
        {
            var memories = texts().Select(text => text.AsMemory()).ToArray();
            value = new VBuffer<ReadOnlyMemory<char>>(memories.Length, memories);
        };
}
