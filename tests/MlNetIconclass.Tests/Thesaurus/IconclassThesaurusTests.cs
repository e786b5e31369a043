using System.IO.Compression;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Tests.Thesaurus;

public class IconclassThesaurusTests
{
    private static IconclassThesaurus Thesaurus => BundledThesaurus.Instance;

    [Fact]
    public void CountsMatchTheOfficialData()
    {
        Assert.Equal(40_703, Thesaurus.Tree.Notations.Count);
        Assert.Equal(40_698, Thesaurus.Tree.Notations.Count(n => Thesaurus.Texts.GetDefinition(n, "en") is not null));
        Assert.Equal(58, Thesaurus.Tree.KeySetCount);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString()), Thesaurus.Tree.Roots);
        Assert.Equal(40_698, Thesaurus.LabelSpace.Count);
        Assert.Equal(13, Thesaurus.Texts.DefinitionLanguages.Count());
        Assert.Equal(9, Thesaurus.Texts.KeywordLanguages.Count());
    }

    [Fact]
    public void TreeGivesParentsChildrenAncestorsAndDepth()
    {
        var tree = Thesaurus.Tree;
        Assert.Equal("73D", tree.GetParent("73D6"));
        Assert.Contains("73D6", tree.GetChildren("73D"));
        Assert.Equal(new[] { "73D", "73", "7" }, tree.GetAncestors("73D6"));
        Assert.Equal(3, tree.GetDepth("73D6"));
        Assert.Equal("11H", tree.GetParent("11HH"));
        Assert.Contains("11C", tree.GetRelated("11A"));
        Assert.Equal(11, tree.Notations.Max(tree.GetDepth));
    }

    [Fact]
    public void KeyExpansionAgreesWithAllNotations()
    {
        // all_notations.gz (1,346,423 lines) was indexed from an older tree than notations.txt: 903 notations
        // added since and 6 withdrawn explain every difference with the expansion of today's tree.
        var published = ReadAllNotations();
        Assert.Equal(1_346_423, published.Count);
        var expanded = Thesaurus.Tree.ExpandKeys().ToHashSet(StringComparer.Ordinal);
        Assert.Equal(1_372_430, expanded.Count);
        var onlyPublished = published.Where(n => !expanded.Contains(n)).ToArray();
        Assert.All(onlyPublished, n => Assert.False(Thesaurus.Tree.Contains(Notation.Parse(n).Base)));
        var onlyExpanded = expanded.Where(n => !published.Contains(n)).Select(n => Notation.Parse(n).Base).ToHashSet();
        Assert.Equal(903, onlyExpanded.Count(n => !published.Contains(n)));
        Assert.Equal(6, onlyPublished.Where(n => !n.Contains("(+")).Count());
    }

    [Fact]
    public void KeyedTextIsBaseTextPlusKeyText()
    {
        var text = Thesaurus.GetText("25F23(LION)(+46)", "en")!;
        Assert.Equal(
            Thesaurus.GetText("25F23(LION)", "en")!.Text + " " + Thesaurus.Texts.GetDefinition("25Fk46", "en"),
            text.Text
        );
        Assert.False(text.IsFallback);
    }

    [Fact]
    public void UnlistedBracketNameFallsBackToThePlaceholderText()
    {
        var text = Thesaurus.GetText("25F23(TAPIR)", "en")!;
        Assert.StartsWith("beasts of prey, predatory animals", text.Text);
        Assert.Contains("TAPIR", text.Text);
    }

    [Fact]
    public void KeyWithAnUnlistedNameFallsBackToTheKeyPlaceholder()
    {
        var text = Thesaurus.GetText("44A1(+2(FRANCE))", "en")!;
        Assert.EndsWith("nation; national (with FRANCE of country)", text.Text);
    }

    [Fact]
    public void MissingLanguageFallsBackToEnglishAndSaysSo()
    {
        var notation = Thesaurus.LabelSpace.First(n => Thesaurus.Texts.GetDefinition(n, "nl") is null);
        var text = Thesaurus.GetText(notation, "nl")!;
        Assert.True(text.IsFallback);
        Assert.Equal("en", text.Language);
        Assert.Equal(Thesaurus.Texts.GetDefinition(notation, "en"), text.Text);
    }

    [Fact]
    public void UntranslatedPlaceholderLinesAreIgnored()
    {
        // Dutch definitions are mostly '#' placeholders upstream: 1,901 notations and 25 key texts remain.
        Assert.InRange(
            Thesaurus.LabelSpace.Count(n => Thesaurus.Texts.GetDefinition(n, "nl") is not null),
            1_800,
            2_000
        );
        Assert.Equal(1_901 + 25, Thesaurus.Texts.DefinitionCount("nl"));
        Assert.True(Thesaurus.GetKeywords("73D6", "nl").Count > 0);
    }

    [Fact]
    public void UnknownLanguageIsAClearError()
    {
        var error = Assert.Throws<ArgumentException>(() => Thesaurus.GetText("73D6", "xx"));
        Assert.Contains("'xx'", error.Message);
    }

    private static HashSet<string> ReadAllNotations()
    {
        using var archive = ZipFile.OpenRead(IconclassThesaurus.BundledDataPath);
        using var reader = new StreamReader(
            new GZipStream(archive.GetEntry("all_notations.gz")!.Open(), CompressionMode.Decompress)
        );
        var notations = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            notations.Add(line);
        return notations;
    }
}
