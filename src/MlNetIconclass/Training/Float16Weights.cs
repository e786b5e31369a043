using TorchSharp;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>
/// A module's parameters as half-precision values: half the size on disk, and after <see cref="RoundInPlace"/> a
/// saved model ranks exactly as the one in memory.
/// </summary>
public static class Float16Weights
{
    public static void RoundInPlace(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (_, parameter) in module.named_parameters())
        {
            using var rounded = parameter.to_type(ScalarType.Float16).to_type(ScalarType.Float32);
            parameter.copy_(rounded);
        }
    }

    public static void Write(nn.Module module, Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var parameters = module.named_parameters().ToArray();
        writer.Write(parameters.Length);
        foreach (var (name, parameter) in parameters)
        {
            writer.Write(name);
            writer.Write(parameter.shape.Length);
            foreach (var size in parameter.shape) writer.Write(size);
            using var values = parameter.detach().cpu().contiguous();
            WriteValues(writer, values.data<float>().ToArray());
        }
    }

    /// <summary>A float array as a count and half-precision values.</summary>
    public static void WriteArray(Stream stream, float[] values)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(values.LongLength);
        WriteValues(writer, values);
    }

    public static float[] ReadArray(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        return ReadValues(reader, reader.ReadInt64());
    }

    private static void WriteValues(BinaryWriter writer, float[] values)
    {
        foreach (var value in values) writer.Write((Half)value);
    }

    private static float[] ReadValues(BinaryReader reader, long count)
    {
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = (float)reader.ReadHalf();
        return values;
    }

    public static void Read(nn.Module module, Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        int count = reader.ReadInt32();
        using var noGrad = no_grad();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            var shape = new long[reader.ReadInt32()];
            for (int d = 0; d < shape.Length; d++) shape[d] = reader.ReadInt64();
            var values = ReadValues(reader, shape.Aggregate(1L, (a, b) => a * b));
            if (!parameters.TryGetValue(name, out var parameter) || !parameter.shape.SequenceEqual(shape))
                throw new InvalidDataException($"The saved weights do not fit this encoder: '{name}' [{string.Join(",", shape)}].");
            using var loaded = tensor(values, shape);
            parameter.copy_(loaded);
        }
    }
}
