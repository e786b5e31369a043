using System.Collections.Concurrent;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Retrieval;

/// <summary>The groups of <see cref="FusionFeatures"/>, each of which an ablation can switch off.</summary>
public enum FusionFeatureGroup
{
    /// <summary>The reciprocal of the candidate's rank within each component.</summary>
    ComponentRanks,

    /// <summary>The linear fusion's score and reciprocal rank.</summary>
    LinearFusion,

    /// <summary>
    /// The candidate's depth, how many components propose it, whether it has a definition in the query's language.
    /// </summary>
    Label,

    /// <summary>
    /// The tree as evidence: the memories' votes for the candidate's ancestors, descendants and siblings among the
    /// candidates, and the best dense score among its children.
    /// </summary>
    Hierarchy,
}

/// <summary>
/// What the learned fusion knows of each (record, candidate), as one row of floats per candidate. The components'
/// scaled scores are not among them: the linear score sums them, and out of fold they lowered validation figures
/// (docs/model.md). Facts about a label that do not depend
/// on the record (its ancestors, whether it has a definition in a language) are cached, since the same few thousand
/// labels come up for every record.
/// </summary>
internal sealed class FusionFeatures(IconclassThesaurus thesaurus)
{
    private static readonly HybridComponent[] Components = Enum.GetValues<HybridComponent>();

    private static readonly (FusionFeatureGroup Group, string Name)[] Layout =
    [
        .. Components.Select(c => (FusionFeatureGroup.ComponentRanks, $"reciprocal rank:{c}")),
        (FusionFeatureGroup.LinearFusion, "linear score"),
        (FusionFeatureGroup.LinearFusion, "linear reciprocal rank"),
        (FusionFeatureGroup.Label, "depth"),
        (FusionFeatureGroup.Label, "components proposing"),
        (FusionFeatureGroup.Label, "definition in query language"),
        (FusionFeatureGroup.Hierarchy, "ancestor votes"),
        (FusionFeatureGroup.Hierarchy, "descendant votes"),
        (FusionFeatureGroup.Hierarchy, "sibling votes"),
        (FusionFeatureGroup.Hierarchy, "best child dense"),
    ];

    private readonly ConcurrentDictionary<string, string[]> _ancestors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Label, string Language), bool> _defined = new();

    public static IReadOnlyList<string> Names { get; } = Layout.Select(f => f.Name).ToArray();

    public static int Count => Layout.Length;

    /// <summary>
    /// The features of <paramref name="candidates"/> (the linear fusion's ranking, best first), row-major, written
    /// into <paramref name="features"/>; the features of groups in <paramref name="off"/> stay zero.
    /// </summary>
    public void Write(
        ComponentScores scores,
        IReadOnlyList<ScoredCode> candidates,
        string language,
        Span<float> features,
        IReadOnlySet<FusionFeatureGroup>? off = null
    )
    {
        features.Clear();
        var slots = new int[candidates.Count];
        var ancestors = new string[candidates.Count][];
        var votes = new Dictionary<string, float>(candidates.Count, StringComparer.Ordinal);
        for (int i = 0; i < candidates.Count; i++)
        {
            string code = candidates[i].Code;
            slots[i] = scores.SlotOf(code);
            ancestors[i] = _ancestors.GetOrAdd(code, label => thesaurus.LabelAncestors(label).ToArray());
            votes[code] =
                Score(scores, slots[i], HybridComponent.Memory)
                + Score(scores, slots[i], HybridComponent.LexicalMemory);
        }
        var (ancestorVotes, descendantVotes, siblingVotes, bestChildDense) = TreeEvidence(
            scores,
            candidates,
            slots,
            ancestors,
            votes
        );
        var reciprocalRanks = Components.Select(c => ReciprocalRanks(scores, c)).ToArray();

        for (int i = 0; i < candidates.Count; i++)
        {
            string code = candidates[i].Code;
            var row = features.Slice(i * Count, Count);
            int f = 0;
            int proposing = 0;
            foreach (var component in Components)
                proposing += Score(scores, slots[i], component) > 0 ? 1 : 0;
            foreach (var ranks in reciprocalRanks)
                row[f++] = slots[i] < 0 ? 0 : ranks[slots[i]];
            row[f++] = candidates[i].Score;
            row[f++] = 1f / (i + 1);
            row[f++] = ancestors[i].Length;
            row[f++] = proposing;
            row[f++] = _defined.GetOrAdd(
                (code, language),
                key => thesaurus.LabelDefinition(key.Label, key.Language) is not null
            )
                ? 1
                : 0;
            row[f++] = ancestorVotes.GetValueOrDefault(code);
            row[f++] = descendantVotes.GetValueOrDefault(code);
            row[f++] = siblingVotes.GetValueOrDefault(code);
            row[f++] = bestChildDense.GetValueOrDefault(code);
            if (off is { Count: > 0 })
                for (int j = 0; j < Count; j++)
                    if (off.Contains(Layout[j].Group))
                        row[j] = 0;
        }
    }

    private static float Score(ComponentScores scores, int slot, HybridComponent component) =>
        slot < 0 ? 0 : scores.ScoresAt(slot)[(int)component];

    /// <summary>
    /// For each candidate, the memory votes (dense and lexical) that its ancestors, descendants and siblings among the
    /// candidates received, and for each candidate parent the best dense score among its candidate children.
    /// </summary>
    private static (
        Dictionary<string, float> Ancestors,
        Dictionary<string, float> Descendants,
        Dictionary<string, float> Siblings,
        Dictionary<string, float> BestChildDense
    ) TreeEvidence(
        ComponentScores scores,
        IReadOnlyList<ScoredCode> candidates,
        int[] slots,
        string[][] ancestors,
        Dictionary<string, float> votes
    )
    {
        var ancestorVotes = new Dictionary<string, float>(StringComparer.Ordinal);
        var descendantVotes = new Dictionary<string, float>(StringComparer.Ordinal);
        var childVotes = new Dictionary<string, float>(StringComparer.Ordinal);
        var bestChildDense = new Dictionary<string, float>(StringComparer.Ordinal);
        for (int i = 0; i < candidates.Count; i++)
        {
            string code = candidates[i].Code;
            float vote = votes[code];
            string parent = ancestors[i].Length > 0 ? ancestors[i][0] : "";
            childVotes[parent] = childVotes.GetValueOrDefault(parent) + vote;
            if (votes.ContainsKey(parent))
                bestChildDense[parent] = Math.Max(
                    bestChildDense.GetValueOrDefault(parent),
                    Score(scores, slots[i], HybridComponent.Dense)
                );
            foreach (var ancestor in ancestors[i])
                if (votes.TryGetValue(ancestor, out float ancestorVote))
                {
                    ancestorVotes[code] = ancestorVotes.GetValueOrDefault(code) + ancestorVote;
                    descendantVotes[ancestor] = descendantVotes.GetValueOrDefault(ancestor) + vote;
                }
        }
        var siblingVotes = new Dictionary<string, float>(candidates.Count, StringComparer.Ordinal);
        for (int i = 0; i < candidates.Count; i++)
        {
            string code = candidates[i].Code;
            string parent = ancestors[i].Length > 0 ? ancestors[i][0] : "";
            siblingVotes[code] = childVotes[parent] - votes[code];
        }
        return (ancestorVotes, descendantVotes, siblingVotes, bestChildDense);
    }

    /// <summary>
    /// 1 / rank within the component (positive scores, best first, ties by notation) of each candidate, by slot; 0
    /// where the component gave none.
    /// </summary>
    private static float[] ReciprocalRanks(ComponentScores scores, HybridComponent component)
    {
        var ranked = scores.Ranked(slot => scores.ScoresAt(slot)[(int)component]);
        var ranks = new float[scores.Count];
        for (int r = 0; r < ranked.Length; r++)
            ranks[ranked[r].Slot] = 1f / (r + 1);
        return ranks;
    }
}
