using MlNetIconclass.Retrieval;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>A training record with a usable image: its features, its text embedding (if it has text), its labels.</summary>
public sealed record VisualExample(float[] Features, float[]? Text, string Language, IReadOnlyList<string> Labels);

/// <summary>
/// Trains the image side of the query tower against the frozen label tower: a linear projection of the image
/// features into the joint space and the gate that adds it to the text. Each record is a query twice, by its image
/// alone and fused with its text, so that image-only and text-and-image queries both land near their labels.
/// </summary>
public static class VisualProjectionTrainer
{
    private const float Scale = 20f;

    public static VisualFusion Train(IReadOnlyList<VisualExample> examples, Func<string, DenseIndex> labelIndex, int steps,
        int seed, Device device, Action<string>? log = null)
    {
        if (examples.Count == 0) throw new ArgumentException("no example has an image", nameof(examples));
        torch.random.manual_seed(seed);
        int featureDimension = examples[0].Features.Length;
        var groups = examples.GroupBy(e => e.Language).Select(g => Batch(g.ToArray(), labelIndex(g.Key), device)).ToArray();
        int dimension = labelIndex(examples[0].Language).Dimension;

        using var projection = nn.Linear(featureDimension, dimension).to(device);
        var gate = nn.Parameter(zeros(1, device: device));
        var optimizer = optim.AdamW(projection.parameters().Append(gate), lr: 3e-3, weight_decay: 1e-2);
        for (int step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = groups.Select(g => Loss(g, projection, gate)).Aggregate((a, b) => a + b) / groups.Length;
            loss.backward();
            optimizer.step();
            if (step == 1 || step == steps || step % 100 == 0)
                log?.Invoke($"image projection step {step}/{steps}: loss {loss.item<float>():0.000}");
        }
        foreach (var g in groups) g.Dispose();

        // Rounded to half precision as it is saved, so a loaded model ranks exactly as the fitted one.
        using var weights = projection.weight!.detach().cpu().to_type(ScalarType.Float16).to_type(ScalarType.Float32);
        using var bias = projection.bias!.detach().cpu().to_type(ScalarType.Float16).to_type(ScalarType.Float32);
        float gateValue = (float)(Half)gate.detach().sigmoid().cpu().item<float>();
        log?.Invoke($"image projection trained on {examples.Count} records with images; gate {gateValue:0.000}");
        return new VisualFusion(weights.data<float>().ToArray(), bias.data<float>().ToArray(), gateValue);
    }

    private sealed record LanguageBatch(Tensor Features, Tensor Text, Tensor HasText, Tensor Labels, Tensor Positives) : IDisposable
    {
        public void Dispose()
        {
            Features.Dispose();
            Text.Dispose();
            HasText.Dispose();
            Labels.Dispose();
            Positives.Dispose();
        }
    }

    private static LanguageBatch Batch(VisualExample[] examples, DenseIndex labels, Device device)
    {
        int dimension = labels.Dimension;
        var rows = labels.Keys.Select((key, row) => (key, row)).ToDictionary(p => p.key, p => p.row, StringComparer.Ordinal);
        var positives = new bool[examples.Length * labels.Keys.Count];
        var text = new float[examples.Length * dimension];
        for (int i = 0; i < examples.Length; i++)
        {
            foreach (var label in examples[i].Labels)
                if (rows.TryGetValue(label, out int row)) positives[i * labels.Keys.Count + row] = true;
            examples[i].Text?.CopyTo(text, i * dimension);
        }
        var features = tensor(examples.SelectMany(e => e.Features).ToArray(), [examples.Length, examples[0].Features.Length]);
        return new LanguageBatch(
            nn.functional.normalize(features, dim: 1).to(device),
            tensor(text, [examples.Length, dimension], device: device),
            tensor(examples.Select(e => e.Text is not null).ToArray(), device: device),
            tensor(labels.Vectors, [labels.Keys.Count, dimension], device: device),
            tensor(positives, [examples.Length, labels.Keys.Count], device: device));
    }

    /// <summary>Multi-positive softmax over every label, for the image-only and the fused query.</summary>
    private static Tensor Loss(LanguageBatch batch, Linear projection, Tensor gate)
    {
        var image = nn.functional.normalize(projection.forward(batch.Features), dim: 1);
        var fused = nn.functional.normalize(batch.Text + gate.sigmoid() * image, dim: 1);
        var negativeInfinity = tensor(float.NegativeInfinity, device: image.device);
        Tensor QueryLoss(Tensor queries)
        {
            var logits = queries.matmul(batch.Labels.t()) * Scale;
            return logits.logsumexp(1) - logits.where(batch.Positives, negativeInfinity).logsumexp(1);
        }
        var imageLoss = QueryLoss(image).mean();
        var fusedLoss = QueryLoss(fused).masked_select(batch.HasText);
        return fusedLoss.numel() == 0 ? imageLoss : (imageLoss + fusedLoss.mean()) / 2;
    }
}
