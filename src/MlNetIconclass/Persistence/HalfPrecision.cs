using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MlNetIconclass.Persistence;

/// <summary>
/// Float arrays stored at half precision: half the size on disk. Values are rounded to half precision before a
/// model ranks with them (<see cref="Round"/>), so a loaded model ranks exactly as the one that was saved.
/// </summary>
internal static class HalfPrecision
{
    /// <summary>
    /// More values than any model part holds (a 65,536 x 1,024 matrix): a larger count is corrupt, not big.
    /// </summary>
    private const long MaxValues = 1L << 26;

    public static void Round(Span<float> values)
    {
        var halves = new Half[values.Length];
        TensorPrimitives.ConvertToHalf(values, halves);
        TensorPrimitives.ConvertToSingle(halves, values);
    }

    public static float[] Rounded(ReadOnlySpan<float> values)
    {
        var copy = values.ToArray();
        Round(copy);
        return copy;
    }

    /// <summary>A count, then the values.</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> values)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write((long)values.Length);
        WriteValues(writer, values);
    }

    public static float[] Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        return ReadValues(reader, reader.ReadInt64());
    }

    public static void WriteValues(BinaryWriter writer, ReadOnlySpan<float> values)
    {
        var halves = new Half[values.Length];
        TensorPrimitives.ConvertToHalf(values, halves);
        writer.Write(MemoryMarshal.AsBytes(halves.AsSpan()));
    }

    public static float[] ReadValues(BinaryReader reader, long count)
    {
        if (count < 0 || count > MaxValues)
            throw new InvalidDataException($"{count} half-precision values is not a size a model part has.");
        var halves = new Half[count];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(halves.AsSpan()));
        var values = new float[count];
        TensorPrimitives.ConvertToSingle(halves, values);
        return values;
    }
}
