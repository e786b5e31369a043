using MlNetIconclass.Features;
using MlNetIconclass.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetIconclass.Tests.Training;

public class TorchSharpRuntimeTests
{
    [Fact]
    public void LinearLayerTrainsOnThisHost()
    {
        TorchSharpRuntime.EnsureLoaded();
        torch.manual_seed(7);
        using var layer = nn.Linear(4, 1);
        using var optimizer = optim.Adam(layer.parameters(), lr: 0.05);
        using var inputs = torch.randn(32, 4);
        using var targets = inputs.sum(1, keepdim: true);
        float first = 0,
            last = 0;
        for (int step = 0; step < 100; step++)
        {
            optimizer.zero_grad();
            using var loss = nn.functional.mse_loss(layer.forward(inputs), targets);
            loss.backward();
            optimizer.step();
            if (step == 0)
                first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first / 10, $"loss went from {first} to {last}");
    }

    [Fact]
    public void DevicesFallBackToTheCpuAndSayWhy()
    {
        var messages = new List<string>();
        Assert.Equal(DeviceType.CPU, TorchSharpRuntime.SelectDevice(ComputeDevice.Auto, messages.Add).type);
        Assert.Equal(DeviceType.CPU, TorchSharpRuntime.SelectDevice(ComputeDevice.Cpu, messages.Add).type);
        Assert.Contains("TorchSharp: CPU (no CUDA device found)", messages);
        Assert.Contains("TorchSharp: CPU (asked for)", messages);
        Assert.Throws<InvalidOperationException>(() => TorchSharpRuntime.SelectDevice(ComputeDevice.Cuda, null));
    }
}
