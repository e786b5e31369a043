using MlNetIconclass.Features;

namespace MlNetIconclass.Tests.Features;

public class OnnxSessionsTests
{
    [Fact]
    public void SessionsFallBackToTheCpuAndSayWhy()
    {
        var messages = new List<string>();
        using var session = OnnxSessions.Create(MiniLmPackage.ReadOnnxModel(), ComputeDevice.Auto, messages.Add);
        Assert.StartsWith("ONNX Runtime: CPU (the CUDA provider did not load", Assert.Single(messages));
        var cuda = Assert.Throws<InvalidOperationException>(() =>
            OnnxSessions.Create(MiniLmPackage.ReadOnnxModel(), ComputeDevice.Cuda)
        );
        Assert.Contains("CUDA was asked for", cuda.Message);
    }
}
