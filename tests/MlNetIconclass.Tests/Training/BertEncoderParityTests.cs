using Google.Protobuf;
using MlNetIconclass.Features;
using MlNetIconclass.Training;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetIconclass.Tests.Training;

/// <summary>The TorchSharp MiniLM and ONNX Runtime agree, before and after fine-tuning.</summary>
public class BertEncoderParityTests
{
    private static readonly string[] Texts =
    [
        "a lion sleeping under a palm tree",
        "St. Paul writing his epistles",
        "Gezicht op Paramaribo vanaf de rivier, met een plantage en roeiboten",
    ];

    private static readonly Lazy<byte[]> PackagedModel = new(MiniLmPackage.ReadOnnxModel);

    [Fact]
    public void ImportedWeightsGiveTheOnnxRuntimeEmbeddings()
    {
        var tokenizer = MiniLmPackage.CreateTokenizer();
        var batch = TokenBatch.Encode(tokenizer, Texts);
        Assert.Contains(0, batch.AttentionMask); // the batch has padding

        using var encoder = new BertEncoder();
        OnnxBertWeights.Import(encoder, ModelProto.Parser.ParseFrom(PackagedModel.Value));
        using var onnx = new BertOnnxEncoder(PackagedModel.Value, tokenizer, ComputeDevice.Cpu);

        Assert.True(MaxAbsoluteDifference(Embed(encoder, batch), onnx.EncodeBatch(batch)) <= 1e-4);
    }

    [Fact]
    public void FineTunedWeightsExportedToOnnxGiveTheTorchSharpEmbeddings()
    {
        torch.manual_seed(3);
        var tokenizer = MiniLmPackage.CreateTokenizer();
        var batch = TokenBatch.Encode(tokenizer, Texts);
        var template = ModelProto.Parser.ParseFrom(PackagedModel.Value);
        using var encoder = new BertEncoder();
        OnnxBertWeights.Import(encoder, template);
        var before = Embed(encoder, batch);

        // A few steps that pull the first two texts together change every layer's weights.
        using var optimizer = optim.Adam(encoder.parameters(), lr: 1e-4);
        for (int step = 0; step < 3; step++)
        {
            optimizer.zero_grad();
            using var embeddings = encoder.Embed(
                Ids(batch.InputIds, batch),
                Ids(batch.AttentionMask, batch),
                Ids(batch.TokenTypeIds, batch)
            );
            using var loss = 1 - (embeddings[0] * embeddings[1]).sum();
            loss.backward();
            optimizer.step();
        }
        var after = Embed(encoder, batch);
        Assert.True(MaxAbsoluteDifference(before, after) > 1e-3, "fine-tuning changed nothing");

        var exported = OnnxBertWeights.Export(encoder, template).ToByteArray();
        using var onnx = new BertOnnxEncoder(exported, tokenizer, ComputeDevice.Cpu);
        Assert.True(MaxAbsoluteDifference(after, onnx.EncodeBatch(batch)) <= 1e-4);
    }

    private static Tensor Ids(long[] values, TokenBatch batch) => tensor(values, [batch.Count, batch.Length]);

    private static float[][] Embed(BertEncoder encoder, TokenBatch batch)
    {
        using var noGrad = no_grad();
        using var embeddings = encoder.Embed(
            Ids(batch.InputIds, batch),
            Ids(batch.AttentionMask, batch),
            Ids(batch.TokenTypeIds, batch)
        );
        return Enumerable.Range(0, batch.Count).Select(i => embeddings[i].data<float>().ToArray()).ToArray();
    }

    private static double MaxAbsoluteDifference(float[][] a, float[][] b) =>
        a.Zip(b, (x, y) => x.Zip(y, (p, q) => Math.Abs(p - q)).Max()).Max();
}
