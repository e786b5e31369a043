using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Tests.Thesaurus;

public class CollectionLabelsTests
{
    private static readonly Lazy<(IconclassThesaurus Thesaurus, CollectionLabelReport Report)> Extended = new(() =>
        CollectionLabelSelection.Extend(
            BundledThesaurus.Instance,
            UsageCounts.LoadBundled(),
            CollectionLabelSelection.DefaultMinimumUses,
            ["41D222(LACE COLLAR)", "25G21(banana)", "25G21(PAPAYA)(+1)", "99Z99(NOWHERE)"]
        )
    );

    [Fact]
    public void UsageCountsAndTheCollectionGrowTheLabelSpace()
    {
        var (thesaurus, report) = Extended.Value;
        var listed = BundledThesaurus.Instance.ProtocolLabelSpace;
        Assert.Equal(listed, thesaurus.ProtocolLabelSpace);
        Assert.Equal(listed.Count + thesaurus.CollectionLabels.Count, thesaurus.LabelSpace.Count);
        Assert.Equal(report.Total, thesaurus.CollectionLabels.Count);
        Assert.True(report.FreeNamed > 1_000 && report.Keyed > 1_000, report.ToString());
        // From the usage counts (the Rijksmuseum writes it 43 times) and, spelt in lower case, the collection.
        Assert.Contains("25G21(BANANA)", thesaurus.CollectionLabels);
        Assert.DoesNotContain("25G21(banana)", thesaurus.CollectionLabels);
        Assert.Contains("73D6(+3)", thesaurus.CollectionLabels);
        // The collection's own codes, whatever their count; a code the thesaurus cannot place is not invented.
        Assert.Contains("25G21(PAPAYA)(+1)", thesaurus.CollectionLabels);
        Assert.DoesNotContain(thesaurus.CollectionLabels, label => label.Contains("NOWHERE"));
        Assert.Empty(thesaurus.CollectionLabels.Intersect(listed));
    }

    [Fact]
    public void StrictGoldTakesTheLabelSpacesSpellingOfAName()
    {
        var strict = GoldCodeNormalizer.Strict(Extended.Value.Thesaurus);
        Assert.Equal(["25G21(BANANA)", "11H(JEROME)"], strict.Normalize(["25g21(banana)", "11h(jerome)"]).Labels);
        // Placed by the thesaurus but used by no collection: gold that no ranker can find, not an unresolvable code.
        Assert.Equal(["25G21(DURIAN)"], strict.Normalize(["25G21(DURIAN)"]).Labels);
    }

    [Fact]
    public void ACollectionLabelHasItsBaseDefinitionWithTheNameAndItsBaseAncestors()
    {
        var thesaurus = Extended.Value.Thesaurus;
        Assert.Equal(["25G21(...)", "25G21", "25G2", "25G", "25", "2"], thesaurus.LabelAncestors("25G21(BANANA)"));
        Assert.Equal(["73D6", "73D", "73", "7"], thesaurus.LabelAncestors("73D6(+3)"));
        var document = LabelDocuments.TowerText(thesaurus, "25G21(BANANA)", "en");
        Assert.StartsWith("fruits (with BANANA) ; ", document);
        Assert.Contains("BANANA", LabelDocuments.For(thesaurus, "25G21(BANANA)", "en"));
    }

    [Fact]
    public void ListedLabelsKeepTheirDocuments()
    {
        // The placeholder's keywords are not a listed named notation's: its document is as it was.
        var thesaurus = Extended.Value.Thesaurus;
        Assert.Equal(
            LabelDocuments.TowerText(BundledThesaurus.Instance, "11H(JEROME)", "nl"),
            LabelDocuments.TowerText(thesaurus, "11H(JEROME)", "nl")
        );
        Assert.Equal(
            BundledThesaurus.Instance.Texts.GetKeywords("11H(JEROME)", "en"),
            thesaurus.LabelKeywords("11H(JEROME)", "en")
        );
    }

    [Fact]
    public void ZeroUsesKeepsTheProtocolLabelSpace()
    {
        var (thesaurus, report) = CollectionLabelSelection.Extend(
            BundledThesaurus.Instance,
            UsageCounts.LoadBundled(),
            0,
            ["25G21(BANANA)"]
        );
        Assert.Empty(thesaurus.CollectionLabels);
        Assert.Equal(0, report.Total);
    }

    [Fact]
    public void ANotationThatCannotBePlacedIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            BundledThesaurus.Instance.WithCollectionLabels(["99Z99(NOWHERE)"])
        );
        Assert.Contains("99Z99(NOWHERE)", error.Message);
    }
}
