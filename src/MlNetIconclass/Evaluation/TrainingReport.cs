using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetIconclass.Training;

namespace MlNetIconclass.Evaluation;

/// <summary>
/// What a training run leaves beside its model: <c>report.json</c> (the manifest's figures per epoch, the chosen
/// hybrid weights, and the final evaluation against the baselines when a test split was held out) and
/// <c>learning-curve.png</c>.
/// </summary>
public static class TrainingReport
{
    public static void Write(string folder, ModelManifest manifest, EvaluationResult? evaluation, string modelPath)
    {
        Directory.CreateDirectory(folder);
        var json = new JsonObject
        {
            ["model"] = Path.GetFullPath(modelPath),
            ["manifest"] = JsonSerializer.SerializeToNode(manifest, new JsonSerializerOptions
            {
                Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
            }),
            ["evaluation"] = evaluation is null ? null : EvaluationReports.ToJson(evaluation),
        };
        File.WriteAllText(Path.Combine(folder, "report.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        LearningCurvePlot.Save(manifest.Epochs, Path.Combine(folder, "learning-curve.png"),
            $"{manifest.Encoder} dual encoder: {manifest.TrainingRecords:N0} training records, {manifest.ValidationRecords:N0} validation");
    }
}
