using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace MlNetIconclass.Training;

/// <summary>Float initializers of an ONNX graph, whichever of the two encodings (raw bytes or a float list) they use.</summary>
internal static class OnnxTensors
{
    public static bool IsFloat(TensorProto tensor) => tensor.DataType == (int)TensorProto.Types.DataType.Float;

    public static float[] Values(TensorProto tensor) => tensor.RawData.Length > 0
        ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
        : tensor.FloatData.ToArray();

    /// <summary>Replaces the tensor's values, stored as raw bytes (the compact encoding).</summary>
    public static void SetValues(TensorProto tensor, float[] values)
    {
        tensor.FloatData.Clear();
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
