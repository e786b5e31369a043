using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MlNetIconclass.Features;

/// <summary>
/// ONNX graphs made and edited in code: the n-gram encoder and the dense search are built here, and the weights of
/// the packaged graphs (MiniLM, ResNet18) are read and replaced through the same initializer helpers.
/// </summary>
internal static class OnnxGraphs
{
    /// <summary>
    /// Opset 17: ScatterND with reduction, TopK with k as an input, Gemm and Erf, all on CPU and CUDA.
    /// </summary>
    private const int Opset = 17;

    public static ModelProto Model(GraphProto graph)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "MlNetIconclass",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    /// <summary>A graph input or output; a dimension is a size or, for one that varies, a name.</summary>
    public static ValueInfoProto Value(string name, DataType type, params object[] dimensions)
    {
        var shape = new TensorShapeProto();
        foreach (var dimension in dimensions)
            shape.Dim.Add(
                dimension is string symbol
                    ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                    : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dimension) }
            );
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape },
            },
        };
    }

    public static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{outputs[0]}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Attribute(string name, long value) =>
        new()
        {
            Name = name,
            Type = AttributeProto.Types.AttributeType.Int,
            I = value,
        };

    public static AttributeProto Attribute(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Attribute(string name, string value) =>
        new()
        {
            Name = name,
            Type = AttributeProto.Types.AttributeType.String,
            S = ByteString.CopyFromUtf8(value),
        };

    public static AttributeProto Attribute(string name, TensorProto value) =>
        new()
        {
            Name = name,
            Type = AttributeProto.Types.AttributeType.Tensor,
            T = value,
        };

    public static TensorProto Floats(string name, ReadOnlySpan<float> values, params long[] dimensions) =>
        Tensor(name, DataType.Float, MemoryMarshal.AsBytes(values), dimensions);

    /// <summary>Float values stored at half precision (a <c>Cast</c> node turns them back into floats).</summary>
    public static TensorProto Halves(string name, ReadOnlySpan<float> values, params long[] dimensions)
    {
        var halves = new Half[values.Length];
        for (int i = 0; i < values.Length; i++)
            halves[i] = (Half)values[i];
        return Tensor(name, DataType.Float16, MemoryMarshal.AsBytes(halves.AsSpan()), dimensions);
    }

    private static TensorProto Tensor(string name, DataType type, ReadOnlySpan<byte> raw, long[] dimensions)
    {
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)type,
            RawData = ByteString.CopyFrom(raw),
        };
        tensor.Dims.AddRange(dimensions);
        return tensor;
    }

    /// <summary>
    /// Parses an ONNX model that a model file holds, refusing one whose tensors keep their data in other files: ONNX
    /// Runtime would read those from wherever the graph says.
    /// </summary>
    public static ModelProto ParseSelfContained(byte[] bytes, string entry)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new InvalidDataException($"{entry} is not an ONNX model: {exception.Message}", exception);
        }
        if (model.Graph is null)
            throw new InvalidDataException($"{entry} is an ONNX model without a graph");
        if (Tensors(model.Graph).Any(tensor => tensor.DataLocation == TensorProto.Types.DataLocation.External))
            throw new InvalidDataException($"{entry} refers to tensor data outside the model file");
        return model;
    }

    /// <summary>
    /// Every tensor of a graph and of the graphs its nodes hold (initializers and tensor attributes).
    /// </summary>
    private static IEnumerable<TensorProto> Tensors(GraphProto graph) =>
        graph.Initializer.Concat(
            graph
                .Node.SelectMany(node => node.Attribute)
                .SelectMany(attribute =>
                    attribute
                        .Tensors.Append(attribute.T)
                        .OfType<TensorProto>()
                        .Concat(attribute.Graphs.Append(attribute.G).OfType<GraphProto>().SelectMany(Tensors))
                )
        );

    public static bool IsFloat(TensorProto tensor) => tensor.DataType == (int)DataType.Float;

    /// <summary>
    /// A float initializer's values, whichever of the two encodings (raw bytes or a float list) it uses.
    /// </summary>
    public static float[] FloatValues(TensorProto tensor) =>
        tensor.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
            : tensor.FloatData.ToArray();

    /// <summary>Replaces a float initializer's values, stored as raw bytes (the compact encoding).</summary>
    public static void SetFloatValues(TensorProto tensor, ReadOnlySpan<float> values)
    {
        tensor.FloatData.Clear();
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
    }

    /// <summary>A half-precision initializer's values as floats.</summary>
    public static float[] HalfValues(TensorProto tensor)
    {
        if (tensor.DataType != (int)DataType.Float16)
            throw new InvalidDataException($"The initializer '{tensor.Name}' is not half precision.");
        var halves = MemoryMarshal.Cast<byte, Half>(tensor.RawData.Span);
        var values = new float[halves.Length];
        for (int i = 0; i < halves.Length; i++)
            values[i] = (float)halves[i];
        return values;
    }
}
