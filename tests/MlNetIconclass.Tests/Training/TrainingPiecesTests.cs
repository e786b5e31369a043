using MlNetIconclass.Features;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetIconclass.Tests.Training;

public class TrainingPiecesTests
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
        Assert.True(ContrastiveLoss.MultiPositiveInfoNce(queries, swapped, both, logScale).item<float>() < bad.item<float>());

        good.backward();
        Assert.NotNull(logScale.grad);
    }

    [Fact]
    public void HybridScoresAreTheWeightedSumOfComponents()
    {
        var scores = new ComponentScores();
        scores.Set(HybridComponent.Dense, "31A", 0.9f);
        scores.Set(HybridComponent.Dense, "73D6", 0.5f);
        scores.SetShares(HybridComponent.Memory, new Dictionary<string, float> { ["73D6"] = 3, ["25F"] = 1 });

        var ranking = HybridRanker.Combine(scores, new HybridWeights(1, 1, 0, 0, 0), 10);
        Assert.Equal(new[] { "73D6", "31A", "25F" }, ranking.Select(c => c.Code));
        Assert.Equal(0.5f + 0.75f, ranking[0].Score, 5);

        var withoutMemory = HybridRanker.Combine(scores, new HybridWeights(1, 1, 0, 0, 0).Without(HybridComponent.Memory), 10);
        Assert.Equal(new[] { "31A", "73D6" }, withoutMemory.Select(c => c.Code));
    }

    [Fact]
    public void DenseIndexFindsTheNearestRows()
    {
        var index = new DenseIndex(["a", "b", "c"], [1, 0, 0, 1, 0.6f, 0.8f], 2);
        Assert.Equal(new[] { "b", "c" }, index.Search([0, 1], 2).Select(h => h.Code));
    }

    [Fact]
    public void DevicesFallBackToTheCpuAndSayWhy()
    {
        var messages = new List<string>();
        Assert.Equal(DeviceType.CPU, TorchDevices.Select(ComputeDevice.Auto, messages.Add).type);
        Assert.Equal(DeviceType.CPU, TorchDevices.Select(ComputeDevice.Cpu, messages.Add).type);
        Assert.Contains("TorchSharp: CPU (no CUDA device found)", messages);
        Assert.Contains("TorchSharp: CPU (asked for)", messages);
        Assert.Throws<InvalidOperationException>(() => TorchDevices.Select(ComputeDevice.Cuda, null));

        var onnx = new List<string>();
        using var session = OnnxSessions.Create(MiniLmPackage.ReadOnnxModel(), ComputeDevice.Auto, onnx.Add);
        Assert.StartsWith("ONNX Runtime: CPU (the CUDA provider did not load", Assert.Single(onnx));
    }
}

public class HybridWeightTunerTests
{
    /// <summary>The tuner scores weightings by counting; it must agree with ranking by Combine and the protocol's metrics.</summary>
    [Fact]
    public void CountingObjectiveAgreesWithCombineAndTheMetrics()
    {
        var random = new Random(4);
        var labels = Enumerable.Range(0, 60).Select(i => $"{i % 10}{(char)('A' + i / 10)}{i}").ToArray();
        for (int trial = 0; trial < 30; trial++)
        {
            var scores = new ComponentScores();
            foreach (var component in Enum.GetValues<HybridComponent>())
                foreach (var label in labels.Where(_ => random.NextDouble() < 0.4))
                    scores.Set(component, label, random.Next(4) / 4f); // coarse values, so ties happen
            var gold = labels.Where(_ => random.NextDouble() < 0.05).Append("99Z9").ToArray();
            var weights = new HybridWeights(random.Next(3), random.Next(3), random.Next(3), random.Next(2) / 2f, random.Next(2) / 4f, random.Next(3));

            var ranking = HybridRanker.Combine(scores, weights, 100).Select(c => c.Code).ToArray();
            var metrics = MlNetIconclass.Evaluation.RetrievalMetrics.Compute(ranking, gold.ToHashSet(), ["R@10", "MRR"]);
            var matrix = new HybridWeightTuner.CandidateMatrix(scores, gold);
            Assert.Equal(metrics["R@10"] + metrics["MRR"], matrix.Objective(weights, new float[matrix.Count]), 9);
        }
    }
}
