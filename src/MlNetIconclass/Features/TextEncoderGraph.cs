using System.IO.Compression;
using Google.Protobuf;
using MlNetIconclass.Persistence;
using Onnx;

namespace MlNetIconclass.Features;

/// <summary>
/// A trained text encoder as it is kept and run on ONNX Runtime: MiniLM's fine-tuned weights in a copy of the packaged
/// graph, or the n-gram encoder's network (<see cref="NgramEncoderGraph"/>) with its table of bucket vectors
/// (<see cref="NgramTable"/>). Saves itself as <c>encoder.onnx</c>, and the n-gram table as <c>ngram-table.f16</c>.
/// </summary>
internal sealed class TextEncoderGraph
{
    private const string Entry = "encoder.onnx";
    private const string TableEntry = "ngram-table.f16";

    /// <summary>
    /// What the first model format kept of an n-gram encoder: its TorchSharp weights at half precision.
    /// </summary>
    private const string TorchWeightsEntry = "encoder.f16";

    private TextEncoderGraph(TextEncoderKind kind, byte[] onnx, NgramTable? table)
    {
        Kind = kind;
        Onnx = onnx;
        Table = table;
    }

    public TextEncoderKind Kind { get; }

    /// <summary>The serialized ONNX model: MiniLM whole, or the n-gram encoder's network.</summary>
    public byte[] Onnx { get; }

    /// <summary>The n-gram encoder's bucket vectors; null for MiniLM.</summary>
    public NgramTable? Table { get; }

    public static TextEncoderGraph FromMiniLm(byte[] onnx) => new(TextEncoderKind.MiniLm, onnx, null);

    public static TextEncoderGraph FromNgramWeights(NgramEncoderWeights weights) =>
        new(
            TextEncoderKind.Ngram,
            NgramEncoderGraph.Build(weights).ToByteArray(),
            new NgramTable(weights.Buckets, weights.Dimension, weights.Bag)
        );

    /// <summary>The n-gram encoder's weights, to train further from; only for an n-gram graph.</summary>
    public NgramEncoderWeights NgramWeights() =>
        Table is { } table
            ? NgramEncoderGraph.ReadWeights(ModelProto.Parser.ParseFrom(Onnx), table)
            : throw new InvalidOperationException("a MiniLM graph has no n-gram weights");

    /// <summary>The encoder that ranks with this graph: exactly what was trained, on the device asked for.</summary>
    public ITextEmbedder CreateEmbedder(ComputeDevice device, Action<string>? log = null) =>
        Table is { } table
            ? new NgramOnnxEncoder(ModelProto.Parser.ParseFrom(Onnx), table, device, log)
            : new BertOnnxEncoder(Onnx, MiniLmPackage.CreateTokenizer(), device, MiniLmPackage.MaxTokens, log);

    internal void Save(IModelEntryWriter writer)
    {
        // MiniLM's 90 MB of float weights barely compress: a fast level saves time for little size.
        using (
            var stream = writer.Create(
                Entry,
                Kind == TextEncoderKind.MiniLm ? CompressionLevel.Fastest : CompressionLevel.Optimal
            )
        )
            stream.Write(Onnx);
        if (Table is null)
            return;
        using var table = writer.Create(TableEntry);
        Table.Write(table);
    }

    internal static TextEncoderGraph Load(IModelEntryReader reader, TextEncoderKind kind)
    {
        if (kind == TextEncoderKind.Ngram && !reader.Contains(Entry) && reader.Contains(TorchWeightsEntry))
            return FromNgramWeights(reader.Read(TorchWeightsEntry, NgramEncoderGraph.ReadTorchHalfWeights));
        var onnx = reader.ReadAllBytes(Entry);
        OnnxGraphs.ParseSelfContained(onnx, Entry);
        return kind switch
        {
            TextEncoderKind.MiniLm => FromMiniLm(onnx),
            TextEncoderKind.Ngram => new TextEncoderGraph(kind, onnx, reader.Read(TableEntry, NgramTable.Read)),
            _ => throw new InvalidDataException($"unknown text encoder kind {kind}"),
        };
    }
}
