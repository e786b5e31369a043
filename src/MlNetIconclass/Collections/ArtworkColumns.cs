using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetIconclass.Collections;

/// <summary>
/// The artwork columns of an <see cref="IDataView"/> (the columns of <see cref="ArtworkRow"/>): which a component
/// needs, their checks with ML.NET's schema-mismatch errors, and records read from rows through typed getters.
/// <c>Titles</c> and <c>TitleLanguages</c> are always needed; <c>Id</c> and <c>Codes</c> where training needs them;
/// <c>Descriptions</c>, <c>DescriptionLanguages</c> and <c>Image</c> are read when present.
/// </summary>
public static class ArtworkColumns
{
    private static readonly VectorDataViewType TextVector = new(TextDataViewType.Instance);

    private static readonly (string Name, DataViewType Type)[] Columns =
    [
        (nameof(ArtworkRow.Id), TextDataViewType.Instance),
        (nameof(ArtworkRow.Titles), TextVector),
        (nameof(ArtworkRow.TitleLanguages), TextVector),
        (nameof(ArtworkRow.Descriptions), TextVector),
        (nameof(ArtworkRow.DescriptionLanguages), TextVector),
        (nameof(ArtworkRow.Image), TextDataViewType.Instance),
        (nameof(ArtworkRow.Codes), TextVector),
    ];

    /// <summary>The columns a ranking reads, or a training (which also needs each record's id and codes).</summary>
    public static IReadOnlyList<string> Required(bool training) =>
        training
            ?
            [
                nameof(ArtworkRow.Id),
                nameof(ArtworkRow.Titles),
                nameof(ArtworkRow.TitleLanguages),
                nameof(ArtworkRow.Codes),
            ]
            : [nameof(ArtworkRow.Titles), nameof(ArtworkRow.TitleLanguages)];

    /// <summary>
    /// Checks the artwork columns of a schema: required ones must be there, and every one that is there must have its
    /// type; the error is ML.NET's (<see cref="ArgumentOutOfRangeException"/> for the parameter <c>inputSchema</c>).
    /// </summary>
    public static void Check(DataViewSchema schema, bool training)
    {
        var required = Required(training);
        foreach (var (name, type) in Columns)
        {
            var column = schema.GetColumnOrNull(name);
            if (column is null)
            {
                if (required.Contains(name))
                    throw Missing(name);
                continue;
            }
            if (!Matches(column.Value.Type, type))
                throw Mismatch(name, type.ToString()!, column.Value.Type.ToString()!);
        }
    }

    /// <summary>The same check on an estimator's <see cref="SchemaShape"/>.</summary>
    public static void Check(SchemaShape shape, bool training)
    {
        var required = Required(training);
        foreach (var (name, type) in Columns)
        {
            if (shape.FirstOrDefault(c => c.Name == name) is not { Name: not null } column)
            {
                if (required.Contains(name))
                    throw Missing(name);
                continue;
            }
            bool vector = type is VectorDataViewType;
            bool kindMatches = vector
                ? column.Kind != SchemaShape.Column.VectorKind.Scalar
                : column.Kind == SchemaShape.Column.VectorKind.Scalar;
            if (!kindMatches || column.ItemType is not TextDataViewType || column.IsKey)
                throw Mismatch(name, type.ToString()!, Describe(column));
        }
    }

    private static string Describe(SchemaShape.Column column) =>
        column.Kind == SchemaShape.Column.VectorKind.Scalar ? $"{column.ItemType}" : $"Vector<{column.ItemType}>";

    private static bool Matches(DataViewType actual, DataViewType expected) =>
        expected is VectorDataViewType
            ? actual is VectorDataViewType { ItemType: TextDataViewType }
            : actual is TextDataViewType;

    private static ArgumentOutOfRangeException Missing(string name) =>
        new("inputSchema", $"Could not find input column '{name}'");

    private static ArgumentOutOfRangeException Mismatch(string name, string expected, string actual) =>
        new("inputSchema", $"Schema mismatch for input column '{name}': expected {expected}, got {actual}");

    /// <summary>The artwork columns of the schema, for a cursor to activate.</summary>
    public static IEnumerable<DataViewSchema.Column> In(DataViewSchema schema) =>
        Columns.Select(column => schema.GetColumnOrNull(column.Name)).OfType<DataViewSchema.Column>();

    /// <summary>
    /// A reader of the current row as an <see cref="ArtworkRecord"/>; the row must have the artwork columns active.
    /// Missing optional columns read as empty.
    /// </summary>
    public static Func<ArtworkRecord> Reader(DataViewRow row)
    {
        ValueGetter<ReadOnlyMemory<char>>? Text(string name) =>
            row.Schema.GetColumnOrNull(name) is { } column ? row.GetGetter<ReadOnlyMemory<char>>(column) : null;
        ValueGetter<VBuffer<ReadOnlyMemory<char>>>? Texts(string name) =>
            row.Schema.GetColumnOrNull(name) is { } column
                ? row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column)
                : null;

        var id = Text(nameof(ArtworkRow.Id));
        var titles = Texts(nameof(ArtworkRow.Titles));
        var titleLanguages = Texts(nameof(ArtworkRow.TitleLanguages));
        var descriptions = Texts(nameof(ArtworkRow.Descriptions));
        var descriptionLanguages = Texts(nameof(ArtworkRow.DescriptionLanguages));
        var image = Text(nameof(ArtworkRow.Image));
        var codes = Texts(nameof(ArtworkRow.Codes));
        ReadOnlyMemory<char> scalar = default;
        VBuffer<ReadOnlyMemory<char>> vector = default;

        string ReadText(ValueGetter<ReadOnlyMemory<char>>? getter)
        {
            if (getter is null)
                return "";
            getter(ref scalar);
            return scalar.ToString();
        }
        string[] ReadTexts(ValueGetter<VBuffer<ReadOnlyMemory<char>>>? getter)
        {
            if (getter is null)
                return [];
            getter(ref vector);
            return vector.DenseValues().Select(value => value.ToString()).ToArray();
        }
        return () =>
            new ArtworkRow
            {
                Id = ReadText(id),
                Titles = ReadTexts(titles),
                TitleLanguages = ReadTexts(titleLanguages),
                Descriptions = ReadTexts(descriptions),
                DescriptionLanguages = ReadTexts(descriptionLanguages),
                Image = ReadText(image),
                Codes = ReadTexts(codes),
            }.ToRecord();
    }
}
