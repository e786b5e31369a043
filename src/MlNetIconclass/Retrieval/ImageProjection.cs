using System.Numerics.Tensors;
using MlNetIconclass.Persistence;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// The image side of the query tower at inference: image features (L2-normalised) projected into the joint space,
/// and added to the text embedding through a learned gate. A record without an image is its text; one without
/// text is its image.
/// </summary>
internal sealed class ImageProjection
{
    /// <param name="weights">Projection, row-major <c>[dimension, featureDimension]</c>.</param>
    /// <param name="bias">[dimension].</param>
    /// <param name="gate">How much the image adds to the text (a sigmoid of the learned gate parameter).</param>
    public ImageProjection(float[] weights, float[] bias, float gate)
    {
        if (bias.Length == 0 || weights.Length % bias.Length != 0)
            throw new ArgumentException(
                $"{weights.Length} projection weights do not fit a bias of {bias.Length}.",
                nameof(weights)
            );
        Weights = weights;
        Bias = bias;
        Gate = gate;
    }

    public float[] Weights { get; }

    public float[] Bias { get; }

    public float Gate { get; }

    public int Dimension => Bias.Length;

    public int FeatureDimension => Weights.Length / Bias.Length;

    /// <summary>Image features in the joint space, normalised.</summary>
    public float[] Project(ReadOnlySpan<float> features)
    {
        if (features.Length != FeatureDimension)
            throw new ArgumentException(
                $"{features.Length} image features; the projection takes {FeatureDimension}.",
                nameof(features)
            );
        var input = new float[features.Length];
        features.CopyTo(input);
        Normalize(input);
        var projected = new float[Dimension];
        for (int row = 0; row < Dimension; row++)
            projected[row] =
                TensorPrimitives.Dot(Weights.AsSpan(row * FeatureDimension, FeatureDimension), input) + Bias[row];
        Normalize(projected);
        return projected;
    }

    /// <summary>The fused query: text, image or both (null where the record lacks one).</summary>
    public float[]? Fuse(float[]? text, float[]? image)
    {
        if (image is null)
            return text;
        if (text is null)
            return image;
        var fused = new float[text.Length];
        TensorPrimitives.MultiplyAdd(image, Gate, text, fused);
        Normalize(fused);
        return fused;
    }

    private const string Entry = "vision.f16";

    /// <summary>
    /// Projection, bias and gate at half precision (the trainer rounds them, so nothing changes on saving).
    /// </summary>
    internal void Save(IModelEntryWriter writer)
    {
        using var stream = writer.Create(Entry);
        HalfPrecision.Write(stream, Weights);
        HalfPrecision.Write(stream, Bias);
        HalfPrecision.Write(stream, [Gate]);
    }

    internal static ImageProjection Load(IModelEntryReader reader) =>
        reader.Read(
            Entry,
            stream =>
            {
                var weights = HalfPrecision.Read(stream);
                var bias = HalfPrecision.Read(stream);
                var gate = HalfPrecision.Read(stream);
                if (gate.Length != 1)
                    throw new InvalidDataException($"the gate has {gate.Length} values, not 1");
                return new ImageProjection(weights, bias, gate[0]);
            }
        );

    private static void Normalize(Span<float> vector)
    {
        float norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
            TensorPrimitives.Divide(vector, norm, vector);
    }
}
