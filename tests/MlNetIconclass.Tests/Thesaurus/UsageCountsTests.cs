using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Tests.Thesaurus;

public class UsageCountsTests
{
    [Fact]
    public void BundledCountsHoldTheFourCollections()
    {
        var usage = UsageCounts.LoadBundled();
        Assert.Equal(["arkyves", "rijksmuseum", "rkd", "staedel"], usage.ByCollection.Keys.Order());
        Assert.Equal(UsageCounts.BundledCollections, usage.ByCollection.Keys.Order());
        Assert.Equal(90632, usage.ByCollection["rijksmuseum"]["61B2"]);
        Assert.Equal(22787, usage.ByCollection["rijksmuseum"].Count);
    }

    [Fact]
    public void CombinedNotationsCountOncePerPart()
    {
        var usage = UsageCounts.LoadBundled();
        var arkyves = usage.ByCollection["arkyves"];
        var split = usage.Split("arkyves");
        Assert.Contains(arkyves.Keys, n => Notation.SplitCombined(n).Count > 1);
        // A colon inside brackets is part of the notation (a Bible verse, 73F412(1:20)), not a combination.
        Assert.All(split.Keys, n => Assert.Single(Notation.SplitCombined(n)));
        Assert.True(split["61B"] >= arkyves["61B:31A2212(+1)"]);
    }
}
