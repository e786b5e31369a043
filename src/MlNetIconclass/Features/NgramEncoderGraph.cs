using Onnx;
using static MlNetIconclass.Features.OnnxGraphs;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MlNetIconclass.Features;

/// <summary>
/// The weights of the n-gram text encoder: an embedding bag (mean) over hashed n-grams, a residual two-layer network
/// with an exact GELU, and L2 normalisation. Linear weights are <c>[out, in]</c>, as TorchSharp keeps them.
/// </summary>
internal sealed record NgramEncoderWeights(
    int Buckets,
    int Dimension,
    float[] Bag,
    float[] HiddenWeight,
    float[] HiddenBias,
    float[] OutputWeight,
    float[] OutputBias
)
{
    /// <summary>Throws when the arrays do not have the sizes the bucket count and dimension call for.</summary>
    public void Check()
    {
        if (Buckets <= 0 || Dimension <= 0)
            throw new InvalidDataException(
                $"an n-gram encoder needs positive buckets and dimension, not {Buckets} and {Dimension}"
            );
        (string Name, float[] Values, long Size)[] parts =
        [
            ("bag", Bag, (long)Buckets * Dimension),
            ("hidden weight", HiddenWeight, (long)Dimension * Dimension),
            ("hidden bias", HiddenBias, Dimension),
            ("output weight", OutputWeight, (long)Dimension * Dimension),
            ("output bias", OutputBias, Dimension),
        ];
        foreach (var (name, values, size) in parts)
            if (values.LongLength != size)
                throw new InvalidDataException(
                    $"the n-gram encoder's {name} has {values.Length} values where {size} are needed"
                );
    }
}

/// <summary>
/// The network of the n-gram text encoder as an ONNX graph: from the mean of a text's bucket vectors (<c>pooled</c>
/// <c>[texts, dimension]</c>, which <see cref="NgramTable"/> computes) through the residual GELU network to the
/// L2-normalised <c>embeddings</c>. The mean itself is not in the graph: ONNX has no embedding bag, and its
/// <c>Gather</c> and <c>ReduceSum</c> write every n-gram's vector out before summing them, which made encoding 3.5
/// times slower than TorchSharp's embedding bag (4,096 label documents: 460 ms against 133 ms); the table sums in
/// place. Weights are stored at half precision and cast to floats once, when ONNX Runtime folds the constants.
/// </summary>
internal static class NgramEncoderGraph
{
    public const string Pooled = "pooled";
    public const string Embeddings = "embeddings";

    public static ModelProto Build(NgramEncoderWeights weights)
    {
        weights.Check();
        int d = weights.Dimension;
        var graph = new GraphProto { Name = "ngram_encoder" };
        graph.Input.Add(Value(Pooled, DataType.Float, "texts", d));
        graph.Output.Add(Value(Embeddings, DataType.Float, "texts", d));
        graph.Initializer.Add(Halves("hidden_weight_half", weights.HiddenWeight, d, d));
        graph.Initializer.Add(Halves("hidden_bias_half", weights.HiddenBias, d));
        graph.Initializer.Add(Halves("output_weight_half", weights.OutputWeight, d, d));
        graph.Initializer.Add(Halves("output_bias_half", weights.OutputBias, d));
        graph.Initializer.Add(Floats("one", [1f]));
        graph.Initializer.Add(Floats("half", [0.5f]));
        graph.Initializer.Add(Floats("sqrt2", [MathF.Sqrt(2f)]));
        graph.Initializer.Add(Floats("epsilon", [1e-12f]));
        foreach (var name in new[] { "hidden_weight", "hidden_bias", "output_weight", "output_bias" })
            graph.Node.Add(Node("Cast", [$"{name}_half"], [name], Attribute("to", (long)DataType.Float)));

        // pooled + output(gelu(hidden(pooled))), GELU exact: x / 2 * (1 + erf(x / sqrt 2)).
        graph.Node.Add(Node("Gemm", [Pooled, "hidden_weight", "hidden_bias"], ["hidden"], Attribute("transB", 1)));
        graph.Node.Add(Node("Div", ["hidden", "sqrt2"], ["scaled"]));
        graph.Node.Add(Node("Erf", ["scaled"], ["erf"]));
        graph.Node.Add(Node("Add", ["erf", "one"], ["erf_plus_one"]));
        graph.Node.Add(Node("Mul", ["hidden", "erf_plus_one"], ["gelu_twice"]));
        graph.Node.Add(Node("Mul", ["gelu_twice", "half"], ["gelu"]));
        graph.Node.Add(Node("Gemm", ["gelu", "output_weight", "output_bias"], ["residual"], Attribute("transB", 1)));
        graph.Node.Add(Node("Add", [Pooled, "residual"], ["refined"]));

        graph.Node.Add(Node("ReduceL2", ["refined"], ["norm"], Attribute("axes", [1L]), Attribute("keepdims", 1)));
        graph.Node.Add(Node("Max", ["norm", "epsilon"], ["safe_norm"]));
        graph.Node.Add(Node("Div", ["refined", "safe_norm"], [Embeddings]));
        return Model(graph);
    }

    /// <summary>
    /// The weights back from a graph <see cref="Build"/> made and the table beside it: how training starts from a saved
    /// model.
    /// </summary>
    public static NgramEncoderWeights ReadWeights(ModelProto model, NgramTable table)
    {
        var initializers = model.Graph.Initializer.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
        float[] Get(string name) =>
            initializers.TryGetValue($"{name}_half", out var tensor)
                ? HalfValues(tensor)
                : throw new InvalidDataException($"the n-gram encoder graph has no '{name}'.");
        var weights = new NgramEncoderWeights(
            table.Buckets,
            table.Dimension,
            table.Vectors,
            Get("hidden_weight"),
            Get("hidden_bias"),
            Get("output_weight"),
            Get("output_bias")
        );
        weights.Check();
        return weights;
    }

    /// <summary>
    /// Reads the weights the first model format stored (<c>encoder.f16</c>: each TorchSharp parameter's name, shape and
    /// half-precision values), so models saved before the encoder was an ONNX graph still load.
    /// </summary>
    public static NgramEncoderWeights ReadTorchHalfWeights(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        int count = reader.ReadInt32();
        if (count is < 0 or > 64)
            throw new InvalidDataException($"{count} parameters is not an n-gram encoder.");
        var parameters = new Dictionary<string, (long[] Shape, float[] Values)>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            int rank = reader.ReadInt32();
            if (rank is < 0 or > 4)
                throw new InvalidDataException($"'{name}' has rank {rank}.");
            var shape = new long[rank];
            for (int axis = 0; axis < rank; axis++)
                shape[axis] = reader.ReadInt64();
            long size = shape.Any(axis => axis < 0) ? -1 : shape.Aggregate(1L, (a, b) => checked(a * b));
            parameters[name] = (shape, Persistence.HalfPrecision.ReadValues(reader, size));
        }
        (long[] Shape, float[] Values) Get(string name) =>
            parameters.TryGetValue(name, out var parameter)
                ? parameter
                : throw new InvalidDataException($"the weights have no '{name}'.");
        var bag = Get("tower.bag.weight");
        if (bag.Shape.Length != 2)
            throw new InvalidDataException("tower.bag.weight is not a matrix.");
        var weights = new NgramEncoderWeights(
            (int)bag.Shape[0],
            (int)bag.Shape[1],
            bag.Values,
            Get("tower.hidden.weight").Values,
            Get("tower.hidden.bias").Values,
            Get("tower.output.weight").Values,
            Get("tower.output.bias").Values
        );
        weights.Check();
        return weights;
    }
}
