using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Models;

namespace MlNetIconclass.Training;

/// <summary>
/// Calibrates a trained model after the fact (training calibrates the models it makes): its scores made probabilities
/// on its validation records ranked out of fold, and its suggestions' limit and threshold chosen for the best F1.
/// </summary>
public static class ModelCalibration
{
    /// <summary>
    /// The model calibrated (<see cref="IconclassModel.Calibrated"/>); it shares <paramref name="model"/>'s parts. The
    /// validation records are those of its memory or, for a model that remembers none (the pretrained model, whose
    /// fusion was chosen on records it does not keep), <paramref name="validation"/>; their images are read through
    /// <paramref name="images"/>.
    /// </summary>
    public static IconclassModel Calibrate(
        IconclassModel model,
        ImageAccess? images = null,
        Action<string>? log = null,
        CancellationToken cancellation = default,
        IReadOnlyList<ArtworkRecord>? validation = null
    )
    {
        var calibrated = LearnedFusionTrainer.OutOfFold(model, images, cancellation, validation).Calibrate(log);
        var (calibration, suggestions) =
            calibrated ?? throw new ArgumentException("The model's validation records have no ranking to calibrate.");
        return model.Calibrated(calibration, suggestions);
    }
}
