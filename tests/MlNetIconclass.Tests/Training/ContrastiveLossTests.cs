using MlNetIconclass.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetIconclass.Tests.Training;

public class ContrastiveLossTests
{
    [Fact]
    public void ContrastiveLossRewardsAlignmentAndCountsEveryPositive()
    {
        using var scope = NewDisposeScope();
        var queries = nn.functional.normalize(tensor(new float[] { 1, 0, 0, 1 }, [2, 2]), p: 2, dim: 1);
        var aligned = queries.clone();
        var swapped = queries.flip(0);
        var positives = tensor(new[] { true, false, false, true }, [2, 2]);
        var logScale = tensor(MathF.Log(10f), requires_grad: true);

        var good = ContrastiveLoss.MultiPositiveInfoNce(queries, aligned, positives, logScale);
        var bad = ContrastiveLoss.MultiPositiveInfoNce(queries, swapped, positives, logScale);
        Assert.True(good.item<float>() < bad.item<float>());

        // A query with two positives is satisfied by either.
        var both = tensor(new[] { true, true, false, true }, [2, 2]);
        Assert.True(
            ContrastiveLoss.MultiPositiveInfoNce(queries, swapped, both, logScale).item<float>() < bad.item<float>()
        );

        good.backward();
        Assert.NotNull(logScale.grad);
    }
}
