using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Models;
using MlNetIconclass.Visualization;

namespace MlNetIconclass.Training;

/// <summary>
/// What a training run leaves beside its model: <c>report.json</c> (the manifest's figures per epoch, the chosen
/// hybrid weights, and the final evaluation against the baselines when a test split was held out),
/// <c>learning-curve.png</c>, and with the evaluation <c>reliability.png</c>, the reliability diagram of the model's
/// scores on the test split.
/// </summary>
public static class TrainingReport
{
    public static void Write(string folder, ModelManifest manifest, EvaluationResult? evaluation, string modelPath)
    {
        Directory.CreateDirectory(folder);
        var json = new JsonObject
        {
            ["model"] = Path.GetFullPath(modelPath),
            ["manifest"] = JsonSerializer.SerializeToNode(
                manifest,
                new JsonSerializerOptions
                {
                    Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
                }
            ),
            ["evaluation"] = evaluation is null ? null : EvaluationReports.ToJson(evaluation),
        };
        File.WriteAllText(
            Path.Combine(folder, "report.json"),
            json.ToJsonString(new JsonSerializerOptions { WriteIndented = true })
        );
        File.WriteAllBytes(Path.Combine(folder, "learning-curve.png"), LearningCurve(manifest));
        if (evaluation?.Calibration is { } calibration)
            File.WriteAllBytes(
                Path.Combine(folder, "reliability.png"),
                calibration.Diagram($"Reliability on the test split ({evaluation.N} records)")
            );
    }

    /// <summary>
    /// Training loss (left axis) and validation R@10 and MRR (right axis) by epoch, thesaurus pretraining first.
    /// </summary>
    public static byte[] LearningCurve(ModelManifest manifest)
    {
        var epochs = manifest.Epochs;
        return Charts.Lines(
            $"{manifest.Encoder} dual encoder: {manifest.TrainingRecords:N0} training records, "
                + $"{manifest.ValidationRecords:N0} validation",
            epochs
                .Select(e => $"{(e.Phase.StartsWith("thesaurus", StringComparison.Ordinal) ? "T" : "")}{e.Epoch}")
                .ToArray(),
            [new Series("training loss", epochs.Select(e => e.Loss).ToArray())],
            "epoch (T: thesaurus pretraining)",
            "loss",
            [
                new Series("validation R@10", epochs.Select(e => e.ValidationRecallAt10 ?? double.NaN).ToArray()),
                new Series("validation MRR", epochs.Select(e => e.ValidationMrr ?? double.NaN).ToArray()),
            ],
            "R@10, MRR"
        );
    }
}
