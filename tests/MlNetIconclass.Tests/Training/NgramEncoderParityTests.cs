using MlNetIconclass.Features;
using MlNetIconclass.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetIconclass.Tests.Training;

/// <summary>
/// The n-gram tower trained in TorchSharp and its ONNX graph on ONNX Runtime give the same embeddings.
/// </summary>
public class NgramEncoderParityTests
{
    private static readonly string[] Texts =
    [
        "Gezicht op Paramaribo vanaf de rivier, met een plantage en roeiboten",
        "a lion sleeping under a palm tree",
        "",
        "Portret van een vrouw ; Portrait of a woman ; Bildnis einer Frau",
    ];

    [Fact]
    public void ExportedGraphGivesTheTorchSharpEmbeddings()
    {
        torch.manual_seed(11);
        using var tower = new NgramTower(buckets: 2048, dimension: 24);
        // A few steps move every weight away from its initial value.
        using (var optimizer = optim.Adam(tower.parameters(), lr: 0.05))
            for (int step = 0; step < 3; step++)
            {
                optimizer.zero_grad();
                using var embeddings = tower.Encode(Texts, CPU);
                using var loss = -(embeddings[0] * embeddings[1]).sum();
                loss.backward();
                optimizer.step();
            }
        // The graph keeps the weights at half precision; the tower is rounded the same way to compare like with like.
        using (no_grad())
            foreach (var parameter in tower.parameters())
                parameter.copy_(parameter.to_type(ScalarType.Float16).to_type(ScalarType.Float32));

        float[] expected;
        using (no_grad())
        using (var embeddings = tower.Encode(Texts, CPU))
            expected = embeddings.data<float>().ToArray();
        using var onnx = (NgramOnnxEncoder)
            TextEncoderGraph.FromNgramWeights(tower.ExportWeights()).CreateEmbedder(ComputeDevice.Cpu);

        var actual = onnx.Embed(Texts);
        Assert.Equal(24, onnx.Dimension);
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() <= 1e-5);
    }
}
