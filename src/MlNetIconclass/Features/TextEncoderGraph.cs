using System.IO.Compression;
using Google.Protobuf;
using MlNetIconclass.Persistence;
using Onnx;

namespace MlNetIconclass.Features;

/// <summary>
/// A trained text encoder as it is kept and run: an ONNX graph (the n-gram encoder built by
/// <see cref="NgramEncoderGraph"/>, or MiniLM's fine-tuned weights in a copy of the packaged graph), which ONNX
/// Runtime runs on the CPU or a GPU. Saves itself as <c>encoder.onnx</c>.
/// </summary>
internal sealed class TextEncoderGraph
{
    private const string Entry = "encoder.onnx";

    /// <summary>What the first model format kept of an n-gram encoder: its TorchSharp weights at half
    /// precision.</summary>
    private const string TorchWeightsEntry = "encoder.f16";

    public TextEncoderGraph(TextEncoderKind kind, byte[] onnx)
    {
        Kind = kind;
        Onnx = onnx;
    }

    public TextEncoderKind Kind { get; }

    /// <summary>The serialized ONNX model.</summary>
    public byte[] Onnx { get; }

    public static TextEncoderGraph FromNgramWeights(NgramEncoderWeights weights) =>
        new(TextEncoderKind.Ngram, NgramEncoderGraph.Build(weights).ToByteArray());

    /// <summary>The encoder that ranks with this graph: exactly what was trained, on the device asked for.</summary>
    public ITextEmbedder CreateEmbedder(ComputeDevice device, Action<string>? log = null) =>
        Kind switch
        {
            TextEncoderKind.Ngram => new NgramOnnxEncoder(ModelProto.Parser.ParseFrom(Onnx), device, log),
            TextEncoderKind.MiniLm => new BertOnnxEncoder(
                Onnx,
                MiniLmPackage.CreateTokenizer(),
                device,
                MiniLmPackage.MaxTokens,
                log
            ),
            _ => throw new InvalidDataException($"unknown text encoder kind {Kind}"),
        };

    internal void Save(IModelEntryWriter writer)
    {
        // Half-precision weights barely compress; a fast level saves time for little size.
        using var stream = writer.Create(Entry, CompressionLevel.Fastest);
        stream.Write(Onnx);
    }

    internal static TextEncoderGraph Load(IModelEntryReader reader, TextEncoderKind kind)
    {
        if (kind == TextEncoderKind.Ngram && !reader.Contains(Entry) && reader.Contains(TorchWeightsEntry))
            return FromNgramWeights(reader.Read(TorchWeightsEntry, NgramEncoderGraph.ReadTorchHalfWeights));
        var onnx = reader.ReadAllBytes(Entry);
        try
        {
            ModelProto.Parser.ParseFrom(onnx);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new InvalidDataException($"{Entry} is not an ONNX model: {exception.Message}", exception);
        }
        return new TextEncoderGraph(kind, onnx);
    }
}
