using System.CommandLine;
using MlNetIconclass.Collections;
using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Cli.Commands;

/// <summary>Options several commands share, and how their values are read.</summary>
internal static class CommonOptions
{
    public static Option<string> Data() =>
        new("--data")
        {
            Description =
                "Collection in the project's Parquet schema (default: the bundled Rijksmuseum Suriname sample)",
            DefaultValueFactory = _ => BundledSamples.RijksmuseumSuriname,
        };

    public static Option<QueryFields> Fields() =>
        new("--fields")
        {
            Description =
                "Record text the baselines query with: Titles (the protocol's reference) or TitlesAndDescriptions",
            DefaultValueFactory = _ => QueryFields.Titles,
        };

    public static Option<string[]> LanguageTexts(string name, string description) =>
        new(name) { Description = description + " as LANG=TEXT; repeat for several", Arity = ArgumentArity.ZeroOrMore };

    public static List<LocalizedText> ParseLanguageTexts(IEnumerable<string>? values) =>
        (values ?? [])
            .Select(value => ColumnMapping.ParseLanguageValue(value, "nl=\"Gezicht op Paramaribo\""))
            .Select(pair => new LocalizedText(pair.Language, pair.Value))
            .ToList();
}
