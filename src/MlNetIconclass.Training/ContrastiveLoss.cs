using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>
/// Symmetric multi-positive InfoNCE: each query against every label of the batch (its own positives, the other
/// queries' positives as in-batch negatives, and hard negatives), and each positive label against every query.
/// </summary>
internal static class ContrastiveLoss
{
    /// <param name="queries">[B, d], normalised.</param>
    /// <param name="labels">[M, d], normalised.</param>
    /// <param name="positives">[B, M] booleans: which labels each query should retrieve.</param>
    /// <param name="logScale">Learned inverse temperature, as a log.</param>
    public static Tensor MultiPositiveInfoNce(Tensor queries, Tensor labels, Tensor positives, Tensor logScale)
    {
        using var scope = NewDisposeScope();
        var logits = queries.matmul(labels.t()) * logScale.exp();
        var negativeInfinity = tensor(float.NegativeInfinity, device: logits.device);
        var queryLoss = logits.logsumexp(1) - logits.where(positives, negativeInfinity).logsumexp(1);

        // The label direction only for labels that some query in the batch should retrieve.
        var labelsWithQueries = positives.any(0);
        var labelLoss = (logits.logsumexp(0) - logits.where(positives, negativeInfinity).logsumexp(0)).masked_select(
            labelsWithQueries
        );
        return ((queryLoss.mean() + labelLoss.mean()) / 2).MoveToOuterDisposeScope();
    }
}
