using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Tests.Retrieval;

public class DenseIndexTests
{
    [Fact]
    public void FindsTheNearestRowsBestFirst()
    {
        using var index = new DenseIndex(["a", "b", "c"], [1, 0, 0, 1, 0.6f, 0.8f], 2);
        Assert.Equal(new[] { "b", "c" }, index.Search([0, 1], 2).Select(h => h.Code));
        var batch = index.SearchBatch([1, 0, 0, 1], 5);
        Assert.Equal(new[] { 0, 2, 1 }, batch[0].Select(hit => hit.Row));
        Assert.Equal(0.8f, batch[1][1].Score, 6);
    }

    [Fact]
    public void AnEmptyIndexFindsNothing()
    {
        using var index = new DenseIndex([], [], 4);
        Assert.Empty(index.SearchBatch([1, 0, 0, 0], 10)[0]);
    }

    [Fact]
    public void RowsThatDoNotFitTheKeysAreRefused() =>
        Assert.Throws<ArgumentException>(() => new DenseIndex(["a"], [1, 2, 3], 2));
}
