using MlNetIconclass.Retrieval;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>
/// A training record with a usable image: its features, its text embedding (if it has text), its labels.
/// </summary>
internal sealed record VisualExample(float[] Features, float[]? Text, string Language, IReadOnlyList<string> Labels);

/// <summary>
/// The vision model fine-tuned along with the projection: what it reads for each training example (in the same
/// order), and how many passes over them. Holds 0.6 MB per example for ResNet18.
/// </summary>
internal sealed record BackboneFineTuning(
    OnnxVisionBackbone Backbone,
    IReadOnlyList<float[]> Inputs,
    int Epochs,
    int BatchSize = 8
);

/// <summary>
/// Trains the image side of the query tower against the frozen label tower: a linear projection of the image
/// features into the joint space and the gate that adds it to the text. Each record is a query twice, by its image
/// alone and fused with its text, so that image-only and text-and-image queries both land near their labels.
/// With a <see cref="BackboneFineTuning"/>, the vision model itself is then trained with them, in mini-batches.
/// </summary>
internal sealed class VisualProjectionTrainer(
    int seed,
    Device device,
    Action<string>? log = null,
    CancellationToken cancellation = default
)
{
    private const float Scale = 20f;

    public ImageProjection Train(
        IReadOnlyList<VisualExample> examples,
        Func<string, DenseIndex> labelIndex,
        int steps,
        BackboneFineTuning? fineTuning = null
    )
    {
        if (examples.Count == 0)
            throw new ArgumentException("no example has an image", nameof(examples));
        if (fineTuning is not null && fineTuning.Inputs.Count != examples.Count)
            throw new ArgumentException(
                $"{fineTuning.Inputs.Count} backbone inputs for {examples.Count} examples",
                nameof(fineTuning)
            );
        int featureDimension = examples[0].Features.Length;
        var groups = Enumerable
            .Range(0, examples.Count)
            .GroupBy(i => examples[i].Language)
            .Select(g => Batch(g.ToArray(), examples, labelIndex(g.Key), device))
            .ToArray();
        int dimension = labelIndex(examples[0].Language).Dimension;

        using var projection = TorchSharpRuntime.Seeded(seed, () => nn.Linear(featureDimension, dimension)).to(device);
        var gate = nn.Parameter(zeros(1, device: device));
        var optimizer = optim.AdamW(projection.parameters().Append(gate), lr: 3e-3, weight_decay: 1e-2);
        for (int step = 1; step <= steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss =
                groups.Select(g => Loss(g.Features, g, projection, gate)).Aggregate((a, b) => a + b) / groups.Length;
            loss.backward();
            optimizer.step();
            if (step == 1 || step == steps || step % 100 == 0)
                log?.Invoke($"image projection step {step}/{steps}: loss {loss.item<float>():0.000}");
        }
        if (fineTuning is not null)
            FineTune(fineTuning, groups, projection, gate);
        foreach (var g in groups)
            g.Dispose();

        // Rounded to half precision as it is saved, so a loaded model ranks exactly as the fitted one.
        using var weights = projection.weight!.detach().cpu().to_type(ScalarType.Float16).to_type(ScalarType.Float32);
        using var bias = projection.bias!.detach().cpu().to_type(ScalarType.Float16).to_type(ScalarType.Float32);
        float gateValue = (float)(Half)gate.detach().sigmoid().cpu().item<float>();
        log?.Invoke($"image projection trained on {examples.Count} records with images; gate {gateValue:0.000}");
        return new ImageProjection(weights.data<float>().ToArray(), bias.data<float>().ToArray(), gateValue);
    }

    /// <summary>
    /// The backbone, projection and gate together, from where the projection alone got to. The backbone learns
    /// slowly (its ImageNet features are worth keeping on a few hundred artworks), the projection faster.
    /// </summary>
    private void FineTune(BackboneFineTuning fineTuning, LanguageBatch[] groups, Linear projection, Parameter gate)
    {
        var backbone = fineTuning.Backbone.to(device);
        var optimizer = optim.AdamW(
            [
                new AdamW.ParamGroup(backbone.parameters(), new AdamW.Options { LearningRate = 1e-5 }),
                new AdamW.ParamGroup(projection.parameters().Append(gate), new AdamW.Options { LearningRate = 1e-3 }),
            ],
            weight_decay: 1e-2
        );
        var random = new Random(seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int epoch = 1; epoch <= fineTuning.Epochs; epoch++)
        {
            double total = 0;
            int batches = 0;
            foreach (var group in groups)
            foreach (
                var chunk in Enumerable
                    .Range(0, group.Examples.Length)
                    .OrderBy(_ => random.Next())
                    .Chunk(fineTuning.BatchSize)
            )
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var pixels = tensor(
                        chunk.SelectMany(row => fineTuning.Inputs[group.Examples[row]]).ToArray(),
                        device: device
                    )
                    .reshape([chunk.Length, .. fineTuning.Backbone.InputShape]);
                var rows = tensor(chunk.Select(row => (long)row).ToArray(), device: device);
                var loss = Loss(backbone.forward(pixels).flatten(1), group.Rows(rows), projection, gate);
                loss.backward();
                optimizer.step();
                total += loss.item<float>();
                batches++;
            }
            log?.Invoke(
                $"image backbone epoch {epoch}/{fineTuning.Epochs}: loss {total / batches:0.000} "
                    + $"({clock.Elapsed.TotalSeconds:0} s)"
            );
        }
    }

    /// <summary>
    /// The examples of one language (indices into the example list) and the tensors their losses need.
    /// </summary>
    private sealed record LanguageBatch(
        int[] Examples,
        Tensor Features,
        Tensor Text,
        Tensor HasText,
        Tensor Labels,
        Tensor Positives
    ) : IDisposable
    {
        /// <summary>The rows of a mini-batch, with all the labels.</summary>
        public LanguageBatch Rows(Tensor rows) =>
            this with
            {
                Features = Features.index_select(0, rows),
                Text = Text.index_select(0, rows),
                HasText = HasText.index_select(0, rows),
                Positives = Positives.index_select(0, rows),
            };

        public void Dispose()
        {
            Features.Dispose();
            Text.Dispose();
            HasText.Dispose();
            Labels.Dispose();
            Positives.Dispose();
        }
    }

    private static LanguageBatch Batch(
        int[] indices,
        IReadOnlyList<VisualExample> all,
        DenseIndex labels,
        Device device
    )
    {
        var examples = indices.Select(i => all[i]).ToArray();
        int dimension = labels.Dimension;
        var rows = labels
            .Keys.Select((key, row) => (key, row))
            .ToDictionary(p => p.key, p => p.row, StringComparer.Ordinal);
        var positives = new bool[examples.Length * labels.Keys.Count];
        var text = new float[examples.Length * dimension];
        for (int i = 0; i < examples.Length; i++)
        {
            foreach (var label in examples[i].Labels)
                if (rows.TryGetValue(label, out int row))
                    positives[i * labels.Keys.Count + row] = true;
            examples[i].Text?.CopyTo(text, i * dimension);
        }
        var features = tensor(
            examples.SelectMany(e => e.Features).ToArray(),
            [examples.Length, examples[0].Features.Length]
        );
        return new LanguageBatch(
            indices,
            features.to(device),
            tensor(text, [examples.Length, dimension], device: device),
            tensor(examples.Select(e => e.Text is not null).ToArray(), device: device),
            tensor(labels.Vectors, [labels.Keys.Count, dimension], device: device),
            tensor(positives, [examples.Length, labels.Keys.Count], device: device)
        );
    }

    /// <summary>Multi-positive softmax over every label, for the image-only and the fused query of each row.</summary>
    private static Tensor Loss(Tensor features, LanguageBatch batch, Linear projection, Tensor gate)
    {
        var image = nn.functional.normalize(projection.forward(nn.functional.normalize(features, dim: 1)), dim: 1);
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
