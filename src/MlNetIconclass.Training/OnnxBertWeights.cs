using MlNetIconclass.Features;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>
/// Moves weights between a BERT ONNX graph (as exported from Hugging Face) and a <see cref="BertEncoder"/>.
/// Embeddings, LayerNorms and biases carry their PyTorch names in the graph; the MatMul weights have bare numeric
/// names and are stored <c>[in, out]</c>, so each is named after the bias its MatMul's output is added to, and
/// transposed.
/// </summary>
internal static class OnnxBertWeights
{
    /// <summary>Copies every parameter of <paramref name="encoder"/> from the graph's initializers.</summary>
    public static void Import(BertEncoder encoder, ModelProto model)
    {
        var sources = MapParameters(model.Graph);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in encoder.named_parameters())
        {
            if (!sources.TryGetValue(name, out var source))
                throw new InvalidDataException($"The ONNX graph has no initializer for the parameter '{name}'.");
            using var loaded = tensor(OnnxGraphs.FloatValues(source.Tensor), source.Tensor.Dims.ToArray());
            using var oriented = source.Transposed ? loaded.t() : loaded.alias();
            if (!oriented.shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException(
                    $"'{name}': the graph has [{string.Join(",", oriented.shape)}], the encoder "
                        + $"[{string.Join(",", parameter.shape)}]."
                );
            parameter.copy_(oriented);
        }
    }

    /// <summary>A copy of <paramref name="template"/> whose initializers hold the encoder's current weights.</summary>
    public static ModelProto Export(BertEncoder encoder, ModelProto template)
    {
        var model = template.Clone();
        var targets = MapParameters(model.Graph);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in encoder.named_parameters())
        {
            var target = targets[name];
            using var cpu = parameter.detach().cpu();
            using var oriented = (target.Transposed ? cpu.t() : cpu.alias()).contiguous();
            OnnxGraphs.SetFloatValues(target.Tensor, oriented.data<float>().ToArray());
        }
        return model;
    }

    private readonly record struct Source(TensorProto Tensor, bool Transposed);

    private static Dictionary<string, Source> MapParameters(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var map = initializers
            .Values.Where(t => OnnxGraphs.IsFloat(t) && !IsNumeric(t.Name))
            .ToDictionary(t => t.Name, t => new Source(t, false));
        var addsByInput = graph
            .Node.Where(n => n.OpType == "Add")
            .SelectMany(add => add.Input.Select(input => (input, add)))
            .ToLookup(pair => pair.input, pair => pair.add);
        foreach (var matMul in graph.Node.Where(n => n.OpType == "MatMul" && initializers.ContainsKey(n.Input[1])))
        {
            var bias = addsByInput[matMul.Output[0]]
                .SelectMany(add => add.Input)
                .FirstOrDefault(input =>
                    input.EndsWith(".bias", StringComparison.Ordinal) && initializers.ContainsKey(input)
                );
            if (bias is not null)
                map[bias[..^".bias".Length] + ".weight"] = new Source(initializers[matMul.Input[1]], true);
        }
        return map;
    }

    private static bool IsNumeric(string name) => name.All(char.IsAsciiDigit);
}
