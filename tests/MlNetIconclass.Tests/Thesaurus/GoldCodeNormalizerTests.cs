using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Tests.Thesaurus;

public class GoldCodeNormalizerTests
{
    private static readonly GoldCodeNormalizer Normalizer = new(
        new HashSet<string> { "25F23(LION)", "25F23(...)", "25F23", "31A", "11H(...)", "73D6" }
    );

    [Fact]
    public void StripsKeysSplitsCombinationsAndFallsBack()
    {
        var result = Normalizer.Normalize([
            "25F23(LION)(+46):31A",
            "25F23(TAPIR)",
            "73D6(FOO)1",
            "73D6",
            "99Z99",
            "bad code",
        ]);
        Assert.Equal(new[] { "25F23(LION)", "31A", "25F23(...)", "73D6" }, result.Labels);
        Assert.Equal(new[] { "99Z99", "bad code" }, result.Unresolvable);
    }

    [Fact]
    public void BracketWithoutPlaceholderFallsBackToThePartBeforeIt()
    {
        var normalizer = new GoldCodeNormalizer(new HashSet<string> { "25F23" });
        Assert.Equal(new[] { "25F23" }, normalizer.Normalize(["25F23(TAPIR)"]).Labels);
    }

    [Fact]
    public void StrictKeepsNamesAndKeysAndNormalisesOnlySpacingAndCase()
    {
        var strict = GoldCodeNormalizer.Strict(BundledThesaurus.Instance);
        var result = strict.Normalize([
            " 25g21 ( BANANA ) ",
            "73D6(+1):25F23(LION)(+12)",
            "12a27(deut. 21:22-23)",
            "11H(JOHN THE  BAPTIST)",
            "71X1(Ps. 1)1",
            "99Z99(FOO)",
            "73D6(+zz9)",
        ]);
        Assert.Equal(
            new[]
            {
                "25G21(BANANA)",
                "73D6(+1)",
                "25F23(LION)(+12)",
                "12A27(Deut. 21:22-23)",
                "11H(JOHN THE BAPTIST)",
                "71X1(Ps. 1)1",
            },
            result.Labels
        );
        Assert.Equal(new[] { "99Z99(FOO)", "73D6(+zz9)" }, result.Unresolvable);
    }
}
