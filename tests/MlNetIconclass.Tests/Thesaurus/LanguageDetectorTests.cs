using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Tests.Thesaurus;

public class LanguageDetectorTests
{
    private static LanguageDetector Detector => BundledThesaurus.Instance.LanguageDetector;

    /// <summary>The held-out detector, learnt once for both of its measures.</summary>
    private static readonly Lazy<LanguageDetectorEvaluation> HeldOut = new(() =>
        new LanguageDetectorEvaluation(BundledThesaurus.Instance)
    );

    [Theory]
    [InlineData("Gezicht op de plantage Marienburg aan de rivier", "nl")]
    [InlineData("Die Anbetung der Könige im Stall von Bethlehem", "de")]
    [InlineData("The adoration of the kings in the stable", "en")]
    [InlineData("L'adoration des mages dans l'étable", "fr")]
    [InlineData("L'adorazione dei Magi nella stalla", "it")]
    public void FindsTheLanguageOfASentenceAmongEveryThesaurusLanguage(string text, string language) =>
        Assert.Equal(language, Detector.Best(text));

    /// <summary>
    /// Dutch is known from little running text (mostly keyword lists), yet its short words are evidence enough against
    /// the Spanish or Portuguese look of the names around them.
    /// </summary>
    [Theory]
    [InlineData("Plaza Mayor in Madrid met de markt")]
    [InlineData("Kerk te San Sebastián")]
    [InlineData("Brug over de Rio Negro")]
    public void ADutchTitleAroundForeignNamesIsDutch(string title)
    {
        var best = Detector.Detect(title)[0];
        Assert.Equal("nl", best.Language);
        Assert.True(best.Score > 0.9, $"{best}");
    }

    [Fact]
    public void ScoresTheCandidatesAloneMostLikelyFirstSummingToOne()
    {
        var scores = Detector.Detect("Portret van een vrouw met een waaier", ["en", "nl", "de"]);
        Assert.Equal(["de", "en", "nl"], scores.Select(s => s.Language).Order(StringComparer.Ordinal));
        Assert.Equal("nl", scores[0].Language);
        Assert.Equal(1, scores.Sum(s => s.Score), 6);
        Assert.True(scores.Zip(scores.Skip(1)).All(pair => pair.First.Score >= pair.Second.Score));
    }

    [Fact]
    public void APriorFromTheLanguagesFoundSoFarShiftsTheOddsByItsRatio()
    {
        // One letter says little, so its odds are not saturated and the shift shows.
        string[] candidates = ["nl", "en"];
        var plain = Detector.Detect("o", candidates).ToDictionary(s => s.Language, s => s.Score);
        var prior = Detector.Prior(new Dictionary<string, int> { ["nl"] = 98, ["en"] = 1 });
        Assert.Equal(99.0 / 112, prior["nl"], 9);
        Assert.Equal(1.0 / 112, prior["fr"], 9);
        var weighed = Detector.Detect("o", candidates, prior).ToDictionary(s => s.Language, s => s.Score);

        double shift = Math.Log(weighed["nl"] / weighed["en"]) - Math.Log(plain["nl"] / plain["en"]);
        Assert.Equal(Math.Log(prior["nl"] / prior["en"]), shift, 6);
    }

    [Fact]
    public void ATextWithoutLettersHasNoLanguageAndAnUnknownCandidateIsNamed()
    {
        Assert.Empty(Detector.Detect("1643 - 17"));
        Assert.Null(Detector.Best("..."));
        var error = Assert.Throws<ArgumentException>(() => Detector.Detect("een leeuw", ["nl", "xx"]));
        Assert.Contains("'xx'", error.Message);
    }

    /// <summary>
    /// Learnt from nine notations in ten, it finds the language of the tenth's definitions: in most languages nearly
    /// always, in all of them far more often than chance (1 in 13).
    /// </summary>
    [Fact]
    public void FindsTheLanguageOfHeldOutDefinitions()
    {
        var accuracy = HeldOut.Value.Accuracy();
        Assert.Equal(BundledThesaurus.Instance.Texts.DefinitionLanguages, accuracy.Select(a => a.Language));
        Assert.All(accuracy.Where(a => a.Texts >= 100), a => Assert.True(a.Accuracy > 0.7, $"{a}"));
        Assert.True(accuracy.Count(a => a.Accuracy > 0.9) >= 10, string.Join("; ", accuracy));
    }

    /// <summary>
    /// In collections of one main language, with the languages found so far as the prior, the weight in use finds the
    /// main language's short texts and the others' about as well as each other.
    /// </summary>
    [Fact]
    public void InACollectionOfOneMainLanguageTheWeightInUseFindsBothTheMainLanguageAndTheOthers()
    {
        var row = Assert.Single(HeldOut.Value.CollectionAccuracy([LanguageDetector.DefaultEvidenceWeight]));
        Assert.True(row.Majority > 0.93, $"{row}");
        Assert.True(row.Minority > 0.93, $"{row}");
    }
}
