using System.CommandLine;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// The column mapping options of a CSV, TSV or JSON Lines source, shared by <c>import</c> and <c>score</c>.
/// </summary>
internal sealed class MappingOptions
{
    private readonly Option<string?> _id = new("--id") { Description = "Column holding the record id" };
    private readonly Option<string[]> _titles = new("--title")
    {
        Description = "Title column as LANG=COLUMN, or auto=COLUMN to detect each title's language; repeat for several",
        Arity = ArgumentArity.ZeroOrMore,
    };
    private readonly Option<string[]> _descriptions = new("--description")
    {
        Description = "Description column as LANG=COLUMN or auto=COLUMN; repeat for several",
        Arity = ArgumentArity.ZeroOrMore,
    };
    private readonly Option<string?> _image = new("--image")
    {
        Description = "Column holding an image path (relative to the file's folder) or URI",
    };
    private readonly Option<string[]> _codes = new("--codes")
    {
        Description = "Column holding Iconclass codes; repeat for several",
        Arity = ArgumentArity.ZeroOrMore,
    };
    private readonly Option<string?> _codesSeparator = new("--codes-separator")
    {
        Description = "Separator between codes in one cell",
    };
    private readonly Option<string?> _textSeparator = new("--text-separator")
    {
        Description = "Separator between several titles or descriptions in one cell",
    };

    public IEnumerable<Option> All => [_id, _titles, _descriptions, _image, _codes, _codesSeparator, _textSeparator];

    /// <summary>The mapping the flags give (<see cref="ColumnMapping.Create"/>), a mistake named by its flag.</summary>
    public ColumnMapping Build(ParseResult result, SourceFormat format)
    {
        try
        {
            return ColumnMapping.Create(
                format,
                result.GetValue(_id),
                Columns(result.GetValue(_titles)),
                Columns(result.GetValue(_descriptions)),
                result.GetValue(_image),
                result.GetValue(_codes),
                result.GetValue(_codesSeparator),
                result.GetValue(_textSeparator)
            );
        }
        catch (FormatException exception) when (exception.Message.StartsWith("id:", StringComparison.Ordinal))
        {
            throw new UsageException($"--id is required for this format ({exception.Message}).");
        }
        catch (FormatException exception) when (exception.Message.StartsWith("titles:", StringComparison.Ordinal))
        {
            throw new UsageException(
                $"at least one --title LANG=COLUMN (or --image) is required for this format ({exception.Message})."
            );
        }
    }

    private static IReadOnlyList<LanguageColumn>? Columns(string[]? values) =>
        values?.Select(ColumnMapping.ParseLanguageColumn).ToArray();
}
