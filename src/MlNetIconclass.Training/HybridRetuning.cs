using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Training;

/// <summary>
/// Chooses a model's hybrid again for the memory it holds now, as training chose it: after <see
/// cref="IconclassModel.Learn"/> the memory components vote with more records than the weights and the learned fusion
/// were tuned for, and their scores weigh differently.
/// </summary>
public static class HybridRetuning
{
    /// <summary>
    /// The model with its weights and neighbour count, its learned fusion (kept only where it beats the linear one out
    /// of fold) and its calibration chosen again on the validation records it remembers (<see
    /// cref="ValidationSplit"/>), the rest of its memory as the memory, their images read through <paramref
    /// name="images"/>. The encoder, the label side and the memory stay; it shares them with <paramref name="model"/>.
    /// A zero-shot model is retuned once it has learnt records: the memory components, which had nothing to vote with
    /// when its hybrid was chosen, get weights of their own. A model that remembers no validation records is refused:
    /// there is nothing to tune on.
    /// </summary>
    public static IconclassModel Retune(
        IconclassModel model,
        ImageAccess? images = null,
        Action<string>? log = null,
        CancellationToken cancellation = default
    )
    {
        var (memory, validation) = LearnedFusionTrainer.RememberedSplit(model);
        if (validation.Items.Count == 0)
            throw new ArgumentException(
                $"The model remembers no validation records ({model.Memory.Items.Count} remembered; a share of those "
                    + "it learns, by a hash of their ids, are its validation records): there is nothing to tune its "
                    + "hybrid on."
            );
        var context = ValidationContext.Of(model, images, cancellation);
        var (weights, neighbours, objective) = IconclassTrainer.ChooseHybrid(
            model.Labels,
            model.Queries,
            memory,
            validation,
            context
        );
        log?.Invoke(
            $"hybrid chosen again on {validation.Items.Count} validation records with {memory.Items.Count} remembered: "
                + $"{weights}, {neighbours} neighbours (R@10 + MRR = {objective:0.000}; it was "
                + $"{model.Manifest.Weights}, {model.Manifest.Neighbours} neighbours)"
        );
        var (fusion, choice, rankings) = IconclassTrainer.ChooseFusion(
            new HybridComponents(model.Labels, model.Queries, memory, neighbours),
            weights,
            validation,
            context,
            model.Manifest.Seed
        );
        log?.Invoke(choice.Reason);
        var calibrated = rankings.Calibrate(log);
        return model.Retuned(
            model.Manifest with
            {
                Weights = weights,
                Neighbours = neighbours,
                HybridChosenWithMemory = memory.Items.Count > 0,
                Fusion = choice,
                Calibration = calibrated?.Calibration,
                Suggestions = calibrated?.Suggestions,
                ValidationObjective = objective,
            },
            fusion
        );
    }
}
