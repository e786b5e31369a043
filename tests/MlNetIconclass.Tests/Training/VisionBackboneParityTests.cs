using Google.Protobuf;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Training;
using Onnx;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MlNetIconclass.Tests.Training;

/// <summary>
/// ResNet18 in TorchSharp and in ONNX Runtime (through the ML.NET featurizer) agree, before and after fine-tuning.
/// </summary>
public class VisionBackboneParityTests(ITestOutputHelper output)
{
    private static readonly ImageModelOptions ResNet18 = ImageModelOptions.ResNet18;

    private static readonly Lazy<ModelProto> Graph = new(() =>
        ModelProto.Parser.ParseFrom(File.ReadAllBytes(ResNet18.ModelPath))
    );

    private static LoadedImage[] Saints() =>
        new[] { "Q9026835", "Q29024815" }
            .Select(id =>
                ArtworkImages.Load(
                    id,
                    Path.Combine(Path.GetDirectoryName(BundledSamples.Saints)!, "saints", id + ".jpg"),
                    null
                )
            )
            .ToArray();

    [Fact]
    public void ImportedResNet18GivesTheOnnxRuntimeFeatures()
    {
        var images = Saints();
        var featurizer = new ImageFeaturizer(ResNet18, ComputeDevice.Cpu);
        using var backbone = new OnnxVisionBackbone(Graph.Value, ResNet18.InputName, ResNet18.OutputName);

        double difference = MaxAbsoluteDifference(
            Features(backbone, featurizer.ModelInputs(images)),
            featurizer.Featurize(images)
        );
        output.WriteLine($"largest difference, imported: {difference:E2}");
        Assert.True(difference <= 1e-4);
    }

    [Fact]
    public void FineTunedWeightsExportedToOnnxGiveTheTorchSharpFeatures()
    {
        torch.manual_seed(5);
        var images = Saints();
        var featurizer = new ImageFeaturizer(ResNet18, ComputeDevice.Cpu);
        var inputs = featurizer.ModelInputs(images);
        using var backbone = new OnnxVisionBackbone(Graph.Value, ResNet18.InputName, ResNet18.OutputName);
        var before = Features(backbone, inputs);

        // A few steps that pull the two paintings' features together change every convolution.
        using var optimizer = optim.Adam(backbone.parameters(), lr: 1e-4);
        for (int step = 0; step < 2; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var features = nn.functional.normalize(backbone.forward(Batch(inputs)).flatten(1), dim: 1);
            var loss = 1 - (features[0] * features[1]).sum();
            loss.backward();
            optimizer.step();
        }
        var after = Features(backbone, inputs);
        Assert.True(MaxAbsoluteDifference(before, after) > 1e-3, "fine-tuning changed nothing");

        var fineTuned = ResNet18.WithFineTunedModel(backbone.Export(Graph.Value).ToByteArray());
        Assert.NotEqual(ResNet18.Name, fineTuned.Name);
        var exported = new ImageFeaturizer(fineTuned, ComputeDevice.Cpu).Featurize(images);
        double difference = MaxAbsoluteDifference(after, exported);
        output.WriteLine($"largest difference, fine-tuned and exported: {difference:E2}");
        Assert.True(difference <= 1e-4);
    }

    [Fact]
    public void AGraphWithAnOperationItCannotTrainIsRefusedByName()
    {
        var graph = Graph.Value.Clone();
        graph.Graph.Node.Add(
            new NodeProto
            {
                OpType = "Sigmoid",
                Name = "gate",
                Input = { ResNet18.OutputName },
                Output = { "gated" },
            }
        );
        var error = Assert.Throws<NotSupportedException>(() =>
            new OnnxVisionBackbone(graph, ResNet18.InputName, "gated")
        );
        Assert.Contains("'Sigmoid'", error.Message);
        Assert.Contains("'gate'", error.Message);
    }

    private static Tensor Batch(float[]?[] inputs) =>
        tensor(inputs.SelectMany(input => input!).ToArray(), [inputs.Length, 3, ResNet18.Height, ResNet18.Width]);

    private static float[][] Features(OnnxVisionBackbone backbone, float[]?[] inputs)
    {
        using var noGrad = no_grad();
        using var batch = Batch(inputs);
        using var output = backbone.forward(batch).flatten(1);
        return Enumerable.Range(0, inputs.Length).Select(i => output[i].data<float>().ToArray()).ToArray();
    }

    private static double MaxAbsoluteDifference(float[][] a, float[]?[] b) =>
        a.Zip(b, (x, y) => x.Zip(y!, (p, q) => Math.Abs(p - q)).Max()).Max();
}
