using System.CommandLine;
using MlNetIconclass.Thesaurus;
using Spectre.Console;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// <c>iconclass detect-language</c>: a text's language among the thesaurus's (the service's <c>detect-language</c>),
/// or with <c>--held-out</c>, how often the detector finds the language of held-out thesaurus definitions.
/// </summary>
internal static class DetectLanguageCommand
{
    public static Command Create()
    {
        var text = new Argument<string?>("text") { Description = "The text", Arity = ArgumentArity.ZeroOrOne };
        var languages = new Option<string[]>("--language")
        {
            Description = "A language the text may be in; repeat for several (default: every thesaurus language)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var heldOut = new Option<bool>("--held-out")
        {
            Description =
                "Measure instead: learn from 9 notations in 10 and detect the language of the others' definitions, "
                + "alone and in collections of one main language, by the weight of the evidence",
        };
        var command = new Command(
            "detect-language",
            "Detect the language of a text among the thesaurus's, from its definitions and keywords"
        )
        {
            text,
            languages,
            heldOut,
        };
        command.SetAction(result =>
            CommandRunner
                .RunAsync(() =>
                {
                    var thesaurus = IconclassThesaurus.LoadBundled();
                    if (result.GetValue(heldOut))
                    {
                        var evaluation = new LanguageDetectorEvaluation(thesaurus);
                        PrintAccuracy(evaluation.Accuracy());
                        PrintCollectionAccuracy(evaluation.CollectionAccuracy([1, 0.5, 0.25, 0.2, 0.1, 0.05, 0.03]));
                        return Task.FromResult(ExitCodes.Success);
                    }
                    string given = result.GetValue(text) ?? throw new UsageException("give a text, or --held-out.");
                    var candidates = result.GetValue(languages) is { Length: > 0 } chosen ? chosen : null;
                    IReadOnlyList<LanguageScore> scores;
                    try
                    {
                        scores = thesaurus.LanguageDetector.Detect(given, candidates);
                    }
                    catch (ArgumentException error)
                    {
                        throw new UsageException($"--language: {error.Message}");
                    }
                    if (scores.Count == 0)
                        throw new UsageException("the text has no letters: there is no language to detect.");
                    var table = new Table().AddColumns("language", "score");
                    foreach (var score in scores.Take(5))
                        table.AddRow(score.Language, score.Score.ToString("0.000"));
                    AnsiConsole.Write(table);
                    return Task.FromResult(ExitCodes.Success);
                })
                .GetAwaiter()
                .GetResult()
        );
        return command;
    }

    private static void PrintCollectionAccuracy(IReadOnlyList<EvidenceWeightAccuracy> accuracy)
    {
        var table = new Table()
            .Title("Five-word texts in collections of 90% one language, the languages found so far as the prior")
            .AddColumns("evidence weight", "main language", "others", "balanced");
        foreach (var row in accuracy)
            table.AddRow(
                row.Weight == LanguageDetector.DefaultEvidenceWeight ? $"{row.Weight} (used)" : $"{row.Weight}",
                row.Majority.ToString("0.000"),
                row.Minority.ToString("0.000"),
                row.Balanced.ToString("0.000")
            );
        AnsiConsole.Write(table);
    }

    private static void PrintAccuracy(IReadOnlyList<LanguageAccuracy> accuracy)
    {
        var table = new Table().AddColumns("language", "held-out definitions", "detected", "accuracy");
        foreach (var language in accuracy)
            table.AddRow(
                language.Language,
                language.Texts.ToString("N0"),
                language.Detected.ToString("N0"),
                language.Accuracy.ToString("0.000")
            );
        AnsiConsole.Write(table);
    }
}
