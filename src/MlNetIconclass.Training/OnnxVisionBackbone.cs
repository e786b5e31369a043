using MlNetIconclass.Features;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>
/// A convolutional ONNX vision model (such as the packaged ResNet18) run and trained in TorchSharp: the graph is
/// interpreted node by node, its convolution and batch-norm weights become trainable parameters, and
/// <see cref="Export"/> writes them back into a copy of the graph, so ONNX Runtime computes what TorchSharp does.
/// Batch-norm statistics stay as imported (inference mode), because a few artworks per batch would spoil the
/// ImageNet statistics; they are buffers, never exported.
/// </summary>
internal sealed class OnnxVisionBackbone : nn.Module<Tensor, Tensor>
{
    private static readonly HashSet<string> Supported =
    [
        "Conv",
        "BatchNormalization",
        "Relu",
        "MaxPool",
        "AveragePool",
        "Add",
    ];

    private readonly GraphProto _graph;
    private readonly string _input;
    private readonly string _output;

    // ONNX initializer name -> module parameter or buffer name (ONNX names may hold characters modules refuse).
    private readonly Dictionary<string, string> _weightNames = new(StringComparer.Ordinal);

    public OnnxVisionBackbone(ModelProto model, string inputName, string outputName)
        : base(nameof(OnnxVisionBackbone))
    {
        _graph = model.Graph;
        _input = inputName;
        _output = outputName;
        if (_graph.Node.FirstOrDefault(node => !Supported.Contains(node.OpType)) is { } unsupported)
            throw new NotSupportedException(
                $"The ONNX graph has a '{unsupported.OpType}' node ('{unsupported.Name}'); "
                    + $"only {string.Join(", ", Supported)} can be fine-tuned."
            );
        InputShape =
            _graph
                .Input.FirstOrDefault(i => i.Name == inputName)
                ?.Type.TensorType.Shape.Dim.Skip(1)
                .Select(d => d.DimValue)
                .ToArray()
            ?? throw new ArgumentException($"The ONNX graph has no input '{inputName}'.", nameof(inputName));
        if (!_graph.Node.Any(node => node.Output.Contains(outputName)))
            throw new ArgumentException($"No node of the ONNX graph outputs '{outputName}'.", nameof(outputName));

        var trainable = _graph
            .Node.SelectMany(node =>
                node.OpType switch
                {
                    "Conv" => node.Input.Skip(1),
                    // Scale and bias; mean and variance stay buffers.
                    "BatchNormalization" => node.Input.Skip(1).Take(2),
                    _ => [],
                }
            )
            .ToHashSet(StringComparer.Ordinal);
        foreach (var initializer in _graph.Initializer.Where(OnnxGraphs.IsFloat))
        {
            var safeName = initializer.Name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray();
            string name = $"w{_weightNames.Count}_{new string(safeName)}";
            var values = tensor(OnnxGraphs.FloatValues(initializer), initializer.Dims.ToArray());
            if (trainable.Contains(initializer.Name))
                register_parameter(name, nn.Parameter(values));
            else
                register_buffer(name, values);
            _weightNames[initializer.Name] = name;
        }
    }

    /// <summary>One input's shape, without the batch dimension (ResNet18: 3, 224, 224).</summary>
    public long[] InputShape { get; }

    /// <summary>
    /// The graph's output for a batch of inputs (ResNet18: <c>[n, 3, 224, 224]</c> to <c>[n, 512, 1, 1]</c>).
    /// </summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        // Looked up per call: moving the module to a device replaces its tensors.
        var weights = named_parameters()
            .Select(p => (p.name, tensor: (Tensor)p.parameter))
            .Concat(named_buffers())
            .ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [_input] = input };
        Tensor Value(string name) =>
            values.TryGetValue(name, out var value) ? value
            : _weightNames.TryGetValue(name, out var weight) ? weights[weight]
            : throw new InvalidDataException(
                $"'{name}' is neither computed by an earlier node nor a float initializer."
            );
        foreach (var node in _graph.Node)
        {
            values[node.Output[0]] = Run(node, Value);
            if (node.Output[0] == _output)
                break;
        }
        return values[_output].MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A copy of <paramref name="template"/> (the graph this was built from) holding the current weights.
    /// </summary>
    public ModelProto Export(ModelProto template)
    {
        var model = template.Clone();
        var parameters = named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        using var noGrad = no_grad();
        foreach (var initializer in model.Graph.Initializer)
            if (
                _weightNames.TryGetValue(initializer.Name, out var name)
                && parameters.TryGetValue(name, out var parameter)
            )
            {
                using var cpu = parameter.detach().cpu().contiguous();
                OnnxGraphs.SetFloatValues(initializer, cpu.data<float>().ToArray());
            }
        return model;
    }

    private static Tensor Run(NodeProto node, Func<string, Tensor> value)
    {
        var x = value(node.Input[0]);
        switch (node.OpType)
        {
            case "Conv":
            {
                var (padded, padding) = Pad(x, node, 0);
                return nn.functional.conv2d(
                    padded,
                    value(node.Input[1]),
                    node.Input.Count > 2 ? value(node.Input[2]) : null,
                    Ints(node, "strides", [1, 1]),
                    padding,
                    Ints(node, "dilations", [1, 1]),
                    Int(node, "group", 1)
                );
            }
            case "BatchNormalization":
                return nn.functional.batch_norm(
                    x,
                    value(node.Input[3]),
                    value(node.Input[4]),
                    value(node.Input[1]),
                    value(node.Input[2]),
                    training: false,
                    eps: Float(node, "epsilon", 1e-5f)
                );
            case "Relu":
                return nn.functional.relu(x);
            case "MaxPool":
            {
                var (padded, padding) = Pad(x, node, double.NegativeInfinity);
                return nn.functional.max_pool2d(
                    padded,
                    Ints(node, "kernel_shape", null),
                    Ints(node, "strides", [1, 1]),
                    padding,
                    ceil_mode: Int(node, "ceil_mode", 0) == 1
                );
            }
            case "AveragePool":
            {
                var padding =
                    SymmetricPads(node)
                    ?? throw new NotSupportedException($"AveragePool '{node.Name}' has uneven padding.");
                return nn.functional.avg_pool2d(
                    x,
                    Ints(node, "kernel_shape", null),
                    Ints(node, "strides", [1, 1]),
                    padding,
                    ceil_mode: Int(node, "ceil_mode", 0) == 1,
                    count_include_pad: Int(node, "count_include_pad", 0) == 1
                );
            }
            case "Add":
                return x + value(node.Input[1]);
            default:
                throw new NotSupportedException(node.OpType);
        }
    }

    /// <summary>
    /// ONNX pads are <c>[top, left, bottom, right]</c> and may be uneven (CNTK's ResNet18 pads its first convolution
    /// 3 before and 2 after); torch pads evenly, so uneven pads are applied to the input first, with
    /// <paramref name="fill"/>.
    /// </summary>
    private static (Tensor Input, long[] Padding) Pad(Tensor x, NodeProto node, double fill)
    {
        if (SymmetricPads(node) is { } even)
            return (x, even);
        var pads = Ints(node, "pads", null);
        return (nn.functional.pad(x, [pads[1], pads[3], pads[0], pads[2]], PaddingModes.Constant, fill), [0, 0]);
    }

    private static long[]? SymmetricPads(NodeProto node)
    {
        if (Attribute(node, "auto_pad") is { } autoPad && autoPad.S.ToStringUtf8() is not ("NOTSET" or ""))
            throw new NotSupportedException($"'{node.Name}' ({node.OpType}) uses auto_pad {autoPad.S.ToStringUtf8()}.");
        var pads = Ints(node, "pads", [0, 0, 0, 0]);
        return pads[0] == pads[2] && pads[1] == pads[3] ? [pads[0], pads[1]] : null;
    }

    private static AttributeProto? Attribute(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name);

    private static long[] Ints(NodeProto node, string name, long[]? fallback) =>
        Attribute(node, name)?.Ints.ToArray()
        ?? fallback
        ?? throw new InvalidDataException($"'{node.Name}' ({node.OpType}) has no {name}.");

    private static long Int(NodeProto node, string name, long fallback) => Attribute(node, name)?.I ?? fallback;

    private static float Float(NodeProto node, string name, float fallback) => Attribute(node, name)?.F ?? fallback;
}
