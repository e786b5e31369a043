using MlNetIconclass.Collections;
using MlNetIconclass.Evaluation;
using MlNetIconclass.Models;
using MlNetIconclass.Persistence;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Training;

/// <summary>
/// One training run, as <c>iconclass train</c> and the notebooks run it: the protocol's split, the fit, the model
/// file, the final evaluation against the baselines on the held-out test split (with <see
/// cref="TrainingSplit.Train"/>), and the report beside the model (<see cref="TrainingReport"/>).
/// </summary>
public static class TrainingRun
{
    public static TrainingResult Run(
        IconclassThesaurus thesaurus,
        IReadOnlyList<ArtworkRecord> records,
        TrainingPlan plan,
        Action<string>? log = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default
    )
    {
        // Checked before the hours of training that would be lost if the model could not be written after.
        string modelPath = plan.ModelPath;
        OutputPaths.CheckFile(modelPath, "model file");
        OutputPaths.CheckFolder(plan.ReportFolder, "report folder");
        bool heldOut = plan.Split == TrainingSplit.Train;
        var trainRecords = heldOut ? ProtocolSplit.Split(records).Train : records;
        var model = IconclassTrainer.Fit(thesaurus, trainRecords, plan.Options, log, progress, cancellation);
        try
        {
            model.Save(modelPath);
            log?.Invoke(
                $"wrote {modelPath} ({new FileInfo(modelPath).Length / 1e6:0.0} MB); trained in "
                    + $"{model.Manifest.TrainingSeconds:0} s; "
                    + $"hybrid weights: {model.Manifest.Weights}"
            );
            // The protocol's reference query is the titles; the model reads what it was trained on.
            var evaluation = heldOut
                ? new Evaluator(thesaurus).Evaluate(
                    records,
                    new EvaluationOptions
                    {
                        QueryFields = QueryFields.Titles,
                        DataName = "training run",
                        Ks = plan.EvaluationCutoffs,
                    },
                    _ => model.UnderTest()
                )
                : null;
            TrainingReport.Write(plan.ReportFolder, model.Manifest, evaluation, modelPath);
            return new TrainingResult(model, evaluation, modelPath, plan.ReportFolder);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Where a model's training report goes unless told: beside it, its name without extension plus "-report".
    /// </summary>
    public static string DefaultReportFolder(string modelPath) => Path.ChangeExtension(modelPath, null) + "-report";
}

/// <summary>
/// What a training run does: its settings, the records it learns from (<see cref="Split"/>), the model file it writes,
/// and the folder of its report (beside the model unless told).
/// </summary>
public sealed record TrainingPlan(DualEncoderOptions Options, string ModelPath)
{
    public TrainingSplit Split { get; init; } = TrainingSplit.Train;

    /// <summary>The cut-offs k of the final evaluation's R@k, P@k, F1@k, Hit@k and NDCG@k.</summary>
    public IReadOnlyList<int> EvaluationCutoffs { get; init; } = new EvaluationOptions().Ks;

    public string ReportFolder
    {
        get => field ?? TrainingRun.DefaultReportFolder(ModelPath);
        init;
    }
}

/// <summary>
/// What a training run made: the model (saved to <see cref="ModelPath"/>), its evaluation, and where its report is.
/// </summary>
public sealed record TrainingResult(
    IconclassModel Model,
    EvaluationResult? Evaluation,
    string ModelPath,
    string ReportFolder
) : IDisposable
{
    public void Dispose() => Model.Dispose();
}
