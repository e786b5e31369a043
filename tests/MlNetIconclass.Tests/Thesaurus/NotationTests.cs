using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Tests.Thesaurus;

public class NotationTests
{
    [Theory]
    [InlineData("73D6", "73D6", null, new string[0])]
    [InlineData("11HH(MARY MAGDALENE)", "11HH(MARY MAGDALENE)", "MARY MAGDALENE", new string[0])]
    [InlineData("11H(...)0", "11H(...)0", "...", new string[0])]
    [InlineData("25F23(LION)(+46)", "25F23(LION)", "LION", new[] { "46" })]
    [InlineData("31A24(+1)", "31A24", null, new[] { "1" })]
    [InlineData("71W62(Job 4:11)", "71W62(Job 4:11)", "Job 4:11", new string[0])]
    [InlineData("140", "140", null, new string[0])]
    [InlineData("44A(+2(FRANCE))", "44A", null, new[] { "2(FRANCE)" })]
    public void ParsesTheFormsOfTheData(string text, string expectedBase, string? bracketName, string[] keys)
    {
        var notation = Notation.Parse(text);
        Assert.Equal(expectedBase, notation.Base);
        Assert.Equal(bracketName, notation.BracketName);
        Assert.Equal(keys, notation.Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("A1")]
    [InlineData("25f23")]
    [InlineData("25F23(LION")]
    [InlineData("25F 23")]
    [InlineData("25FFF")]
    public void RejectsMalformedNotationsWithAReason(string text)
    {
        Assert.False(Notation.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void EveryNotationOfTheThesaurusParses()
    {
        var thesaurus = BundledThesaurus.Instance;
        var failures = thesaurus.Tree.Notations.Where(n => !Notation.TryParse(n, out _, out _)).ToArray();
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("25F23(LION)(+46)", "25F23(LION)")]
    [InlineData("25F23(LION)", "25F23(...)")]
    [InlineData("25F23(...)", "25F23")]
    [InlineData("11HH", "11H")]
    [InlineData("73D6", "73D")]
    [InlineData("73D", "73")]
    [InlineData("7", null)]
    public void StructuralParentFollowsTheNotation(string text, string? parent)
    {
        Assert.Equal(parent, Notation.Parse(text).StructuralParent?.Value);
    }

    [Fact]
    public void CombinedNotationsSplitOutsideBracketsOnly()
    {
        Assert.Equal(
            new[] { "31A", "71W62(Job 4:11)", "25F23(LION)(+46)" },
            Notation.SplitCombined("31A:71W62(Job 4:11):25F23(LION)(+46)")
        );
    }

    [Fact]
    public void StructuralParentAgreesWithTheTreeForNearlyEveryNotation()
    {
        var tree = BundledThesaurus.Instance.Tree;
        var withParent = tree.Notations.Where(n => tree.GetParent(n) is not null).ToArray();
        int agreeing = withParent.Count(n => Notation.Parse(n).StructuralParent?.Value == tree.GetParent(n));
        Assert.True(agreeing > 0.95 * withParent.Length, $"{agreeing} of {withParent.Length} agree");
    }
}
