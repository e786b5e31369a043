using MlNetIconclass.Features;

namespace MlNetIconclass.Tests.Features;

public class HashedNgramsTests
{
    [Fact]
    public void HashedNgramsAreStableAndInRange()
    {
        var features = new HashedNgrams(1000);
        var ids = features.Featurize("Gezicht op Paramaribo");
        Assert.Equal(ids, new HashedNgrams(1000).Featurize("gezicht OP paramaribo"));
        Assert.All(ids, id => Assert.InRange(id, 0, 999));
        // "op" gives a word and the 3- and 4-grams of "<op>"; "gezicht" many more.
        Assert.True(ids.Count > 20);
        Assert.Equal([0], features.Featurize("  ,; "));
        var (flat, offsets) = features.FeaturizeBatch(["leeuw", "hond"]);
        Assert.Equal(new long[] { 0, features.Featurize("leeuw").Count }, offsets);
        Assert.Equal(features.Featurize("leeuw").Count + features.Featurize("hond").Count, flat.Length);
    }
}
