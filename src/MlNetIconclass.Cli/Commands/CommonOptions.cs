using System.CommandLine;
using MlNetIconclass.Collections;
using MlNetIconclass.Models;
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

    /// <summary>A model file, or the pretrained model by name; read with <see cref="BundledModels.Resolve"/>.</summary>
    public static Option<string?> Model(string what) =>
        new("--model")
        {
            Description =
                $"{what}, or '{BundledModels.PretrainedName}' for the pretrained model that ranks in every thesaurus "
                + "language with no training (default: the bundled model)",
        };

    public static Option<QueryFields> Fields() =>
        new("--fields")
        {
            Description =
                "Record text the baselines query with: Titles (the protocol's reference) or TitlesAndDescriptions",
            DefaultValueFactory = _ => QueryFields.Titles,
        };

    public static Option<string?> ImageRoot() =>
        new("--image-root")
        {
            Description =
                "Read images only from inside this folder (symbolic links followed); an image elsewhere is not read, "
                + "and its record is ranked on its text with a warning",
        };

    public static Option<string[]> LanguageTexts(string name, string description) =>
        new(name) { Description = description + " as LANG=TEXT; repeat for several", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>The LANG=TEXT values; a blank text is refused (it would rank the record on nothing).</summary>
    public static List<LocalizedText> ParseLanguageTexts(IEnumerable<string>? values) =>
        (values ?? [])
            .Select(value =>
            {
                var (language, text) = ColumnMapping.ParseLanguageValue(value, "nl=\"Gezicht op Paramaribo\"");
                return string.IsNullOrWhiteSpace(text)
                    ? throw new FormatException($"'{value}': the text after '=' is blank.")
                    : new LocalizedText(language, text);
            })
            .ToList();
}
