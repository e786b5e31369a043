using System.CommandLine;
using System.Globalization;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;
using Spectre.Console;

namespace MlNetIconclass.Cli.Commands;

/// <summary><c>iconclass predict</c>: ranked codes for one record given on the command line.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var titles = CommonOptions.LanguageTexts("--title", "A title");
        var descriptions = CommonOptions.LanguageTexts("--description", "A description");
        var image = new Option<string?>("--image") { Description = "Path of a photograph of the artwork" };
        var data = CommonOptions.Data();
        var model = CommonOptions.Model("A model file");
        var ranker = new Option<string?>("--ranker")
        {
            Description = "Rank with a baseline fitted on --data instead of a model: knn, bm25 or prior",
        };
        ranker.AcceptOnlyFromAmong("knn", "bm25", "prior");
        var top = new Option<int>("--top") { Description = "How many codes to list", DefaultValueFactory = _ => 10 };
        var language = new Option<string?>("--language")
        {
            Description = "Language of the definitions shown (default: the query's)",
        };
        var fields = CommonOptions.Fields();
        var imageRoot = CommonOptions.ImageRoot();
        var explain = new Option<bool>("--explain")
        {
            Description =
                "Say why each code was suggested: the remembered records that voted for it, the words that matched "
                + "its definition, and each component's share of its score",
        };

        var command = new Command("predict", "Rank Iconclass codes for one artwork")
        {
            titles,
            descriptions,
            image,
            model,
            data,
            ranker,
            top,
            language,
            fields,
            imageRoot,
            explain,
        };
        command.SetAction(
            (result, cancellation) =>
                CommandRunner.RunAsync(async () =>
                {
                    var record = new ArtworkRecord
                    {
                        Id = "query",
                        Titles = CommonOptions.ParseLanguageTexts(result.GetValue(titles)),
                        Descriptions = CommonOptions.ParseLanguageTexts(result.GetValue(descriptions)),
                        Image = result.GetValue(image),
                    };
                    if (record.Titles.Count == 0 && record.Descriptions.Count == 0 && record.Image is null)
                        throw new UsageException("give at least one --title LANG=TEXT, --description or --image.");
                    int count = result.GetValue(top);
                    if (count <= 0)
                        throw new UsageException("--top must be positive.");

                    var thesaurus = IconclassThesaurus.LoadBundled();
                    string displayLanguage;
                    if (result.GetValue(language) is { } asked)
                    {
                        thesaurus.EnsureLanguage(asked);
                        displayLanguage = asked;
                    }
                    else
                    {
                        string queryLanguage = QueryText.Language(record);
                        displayLanguage = thesaurus.RankingLanguage(queryLanguage);
                        if (displayLanguage != queryLanguage)
                            CommandRunner.Warn(
                                $"'{queryLanguage}' is not a language of the thesaurus: the query is ranked against, "
                                    + $"and answered with, the {displayLanguage} definitions."
                            );
                    }
                    IReadOnlyList<ScoredCode> ranking;
                    IReadOnlyList<CodeExplanation> explanations = [];
                    if (result.GetValue(ranker) is { } baseline)
                    {
                        if (result.GetValue(explain))
                            throw new UsageException("--explain: a baseline's suggestions are not explained.");
                        var rankers = await FitAsync(
                            thesaurus,
                            result.GetRequiredValue(data),
                            result.GetValue(fields),
                            cancellation
                        );
                        if (record.Image is not null)
                            CommandRunner.Warn($"the {baseline} baseline reads text only; --image is not used.");
                        ranking = rankers.Single(r => r.Name == baseline).Rank(record, count);
                    }
                    else
                    {
                        using var trained = IconclassModel.Load(
                            BundledModels.Resolve(result.GetValue(model)),
                            thesaurus,
                            new ModelLoadOptions()
                        );
                        if (record.Image is not null && !trained.ReadsImages)
                            CommandRunner.Warn(
                                "this model was trained without images; --image is not used (train with --images)."
                            );
                        var ranked = trained.Rank(
                            [record],
                            new RankingOptions
                            {
                                Count = count,
                                Images = new ImageAccess(Root: result.GetValue(imageRoot)),
                            }
                        )[0];
                        ranking = ranked.Codes;
                        if (result.GetValue(explain))
                            explanations = trained.Explain(
                                record,
                                ranking,
                                new ImageAccess(Root: result.GetValue(imageRoot))
                            );
                        foreach (var problem in ranked.Problems.Where(problem => problem.Field == "image"))
                            CommandRunner.Warn(problem.Message);
                    }

                    var table = new Table().AddColumns("rank", "notation", "score", "definition");
                    foreach (var (code, index) in ranking.Select((code, index) => (code, index)))
                    {
                        var text = thesaurus.GetText(code.Code, displayLanguage);
                        string definition =
                            text is null ? ""
                            : text.IsFallback ? $"{text.Text} [{text.Language}]"
                            : text.Text;
                        table.AddRow(
                            (index + 1).ToString(),
                            Markup.Escape(code.Code),
                            code.Score.ToString("0.000", CultureInfo.InvariantCulture),
                            Markup.Escape(definition)
                        );
                    }
                    AnsiConsole.Write(table);
                    // Plain Console: these lines are long, and Spectre would wrap them.
                    foreach (var explanation in explanations)
                        Console.WriteLine(explanation);
                    return ExitCodes.Success;
                })
        );
        return command;
    }

    /// <summary>
    /// The baselines, fitted on every labelled record of the collection, over the label space a model trained on it
    /// would rank: with the collection labels, codes as written.
    /// </summary>
    private static async Task<IReadOnlyList<ICodeRanker>> FitAsync(
        IconclassThesaurus thesaurus,
        string dataPath,
        QueryFields fields,
        CancellationToken cancellation
    )
    {
        var records = await ArtworkParquet.ReadAllAsync(dataPath, cancellation);
        var (labelSpace, _) = CollectionLabelSelection.Extend(
            thesaurus,
            UsageCounts.LoadBundled(),
            CollectionLabelSelection.DefaultMinimumUses,
            records.SelectMany(record => record.Codes)
        );
        return Evaluation.Baselines.Fit(
            labelSpace,
            new LabeledRecords(records, GoldCodeNormalizer.Strict(labelSpace)),
            fields
        );
    }
}
