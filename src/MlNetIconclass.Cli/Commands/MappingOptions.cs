using System.CommandLine;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Cli.Commands;

/// <summary>The column mapping options of a CSV, TSV or JSON Lines source, shared by <c>import</c> and <c>score</c>.</summary>
internal sealed class MappingOptions
{
    private readonly Option<string?> _id = new("--id") { Description = "Column holding the record id" };
    private readonly Option<string[]> _titles = new("--title") { Description = "Title column as LANG=COLUMN; repeat for several", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string[]> _descriptions = new("--description") { Description = "Description column as LANG=COLUMN; repeat for several", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string?> _image = new("--image") { Description = "Column holding an image path (relative to the file's folder) or URI" };
    private readonly Option<string[]> _codes = new("--codes") { Description = "Column holding Iconclass codes; repeat for several", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string?> _codesSeparator = new("--codes-separator") { Description = "Separator between codes in one cell" };
    private readonly Option<string?> _textSeparator = new("--text-separator") { Description = "Separator between several titles or descriptions in one cell" };

    public IEnumerable<Option> All => [_id, _titles, _descriptions, _image, _codes, _codesSeparator, _textSeparator];

    public ColumnMapping Build(ParseResult result, SourceFormat format)
    {
        var preset = format == SourceFormat.Rijksmuseum ? ColumnMapping.Rijksmuseum : null;
        return new ColumnMapping
        {
            Id = result.GetValue(_id) ?? preset?.Id ?? throw new UsageException("--id is required for this format."),
            Titles = Columns(result.GetValue(_titles)) ?? preset?.Titles ?? throw new UsageException("at least one --title LANG=COLUMN is required."),
            Descriptions = Columns(result.GetValue(_descriptions)) ?? preset?.Descriptions ?? [],
            Image = result.GetValue(_image) ?? preset?.Image,
            Codes = NonEmpty(result.GetValue(_codes)) ?? preset?.Codes ?? [],
            CodesSeparator = result.GetValue(_codesSeparator) ?? preset?.CodesSeparator,
            TextSeparator = result.GetValue(_textSeparator) ?? preset?.TextSeparator,
        };
    }

    private static string[]? NonEmpty(string[]? values) => values is { Length: > 0 } ? values : null;

    private static IReadOnlyList<LanguageColumn>? Columns(string[]? values) =>
        NonEmpty(values)?.Select(ColumnMapping.ParseLanguageColumn).ToArray();
}
