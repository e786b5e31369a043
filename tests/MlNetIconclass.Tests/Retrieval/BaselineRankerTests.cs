using MlNetIconclass.Collections;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Tests.Retrieval;

public class BaselineRankerTests
{
    private static ArtworkRecord Record(string id, string title, params string[] codes) =>
        new()
        {
            Id = id,
            Titles = [new LocalizedText("nl", title)],
            Codes = codes.ToList(),
        };

    [Fact]
    public void TokenizerKeepsLetterRunsOfTwoOrMore()
    {
        Assert.Equal(
            new[] { "gezicht", "op", "één", "suikerplantage" },
            TextTokenizer.Tokenize("Gezicht op (één) suikerplantage, 1707 a")
        );
    }

    [Fact]
    public void Bm25PrefersRareTermsAndShortDocuments()
    {
        var index = new Bm25Index([
            ["lion", "sleeping"],
            ["lion", "lion", "hunting", "in", "the", "savanna"],
            ["dog"],
        ]);
        var hits = index.Search(["sleeping", "lion"], 10);
        Assert.Equal(new[] { 0, 1 }, hits.Select(h => h.Document));
        Assert.True(hits[0].Score > hits[1].Score);
        Assert.Empty(index.Search(["cat"], 10));
    }

    [Fact]
    public void KnnVotesNeighboursLabelsThenFillsFromTheLabelRanker()
    {
        var normalizer = new GoldCodeNormalizer(BundledThesaurus.Instance);
        var training = new LabeledRecords(
            [
                Record("1", "Plantage aan de rivier", "25K182", "25H213"),
                Record("2", "Plantage met slaven", "25K182", "46A18"),
                Record("3", "Portret van een man", "61B2"),
                Record("4", "Zonder code"),
            ],
            normalizer
        );
        Assert.Equal(1, training.WithoutLabels);

        var bm25 = new Bm25LabelRanker(BundledThesaurus.Instance);
        var knn = new KnnRanker(training, bm25);
        var ranking = knn.Rank(Record("q", "Plantage met leeuw"), 10).Select(r => r.Code).ToArray();

        // Both plantation records vote 25K182; their other labels follow; BM25 on "leeuw" fills the rest.
        Assert.Equal("25K182", ranking[0]);
        Assert.Equal(new[] { "25H213", "46A18" }, ranking[1..3].Order());
        Assert.Equal(10, ranking.Length);
        Assert.Equal(ranking.Length, ranking.Distinct().Count());
        Assert.Equal(
            bm25.Rank(Record("q", "Plantage met leeuw"), 20).Select(r => r.Code).Except(ranking[..3]).Take(7),
            ranking[3..]
        );
        Assert.DoesNotContain("61B2", ranking);
    }

    [Fact]
    public void PriorRanksByTrainingFrequencyThenEveryOtherLabel()
    {
        var thesaurus = BundledThesaurus.Instance;
        var training = new LabeledRecords(
            [Record("1", "a", "31A"), Record("2", "b", "31A", "73D6")],
            new GoldCodeNormalizer(thesaurus)
        );
        var ranking = new PriorRanker(training, thesaurus.LabelSpace).Rank(Record("q", "x"), 5);
        Assert.Equal(new[] { "31A", "73D6" }, ranking.Take(2).Select(r => r.Code));
        Assert.Equal(5, ranking.Count);
    }

    [Fact]
    public void LabelDocumentsUseEnglishAndTheQueryLanguage()
    {
        var thesaurus = BundledThesaurus.Instance;
        var dutch = LabelDocuments.For(thesaurus, "73D6", "nl").ToArray();
        var english = LabelDocuments.For(thesaurus, "73D6", "en").ToArray();
        Assert.Contains(thesaurus.Texts.GetDefinition("73D6", "en"), dutch);
        Assert.Contains(thesaurus.Texts.GetKeywords("73D6", "nl")[0], dutch);
        Assert.True(dutch.Length > english.Length);
    }
}
