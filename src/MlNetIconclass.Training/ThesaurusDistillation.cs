using MlNetIconclass.Thesaurus;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>A text in any language and the English text whose teacher vector the student should give it.</summary>
internal sealed record DistillationPair(string Student, string Teacher);

/// <summary>
/// The thesaurus as a parallel corpus (Reimers and Gurevych 2020): each label's definition in every language asked
/// for, English included, points at its English definition; its keywords in each language, joined, point at its
/// English keywords (or, where it has none, its English definition). Keywords are not aligned one to one across
/// languages (each language lists its own), so the list as a whole is the unit. The label document the label tower
/// reads in each language points at the English definition too, so labels land where their queries will.
/// </summary>
internal static class DistillationPairs
{
    public const string KeywordSeparator = "; ";

    /// <summary>The pairs of every label but those <paramref name="leaveOut"/> holds back for validation.</summary>
    public static IReadOnlyList<DistillationPair> FromThesaurus(
        IconclassThesaurus thesaurus,
        IEnumerable<string> languages,
        Func<string, bool>? leaveOut = null
    )
    {
        var languageList = languages.ToArray();
        var pairs = new List<DistillationPair>();
        foreach (var label in thesaurus.LabelSpace)
        {
            if (leaveOut?.Invoke(label) == true)
                continue;
            if (thesaurus.LabelDefinition(label, IconclassThesaurus.FallbackLanguage) is not { } english)
                continue;
            string englishKeywords = Keywords(thesaurus, label, IconclassThesaurus.FallbackLanguage);
            foreach (var language in languageList)
            {
                if (thesaurus.LabelDefinition(label, language) is { } definition)
                    pairs.Add(new DistillationPair(definition, english));
                if (Keywords(thesaurus, label, language) is { Length: > 0 } keywords)
                    pairs.Add(new DistillationPair(keywords, englishKeywords.Length > 0 ? englishKeywords : english));
                pairs.Add(new DistillationPair(LabelDocuments.TowerText(thesaurus, label, language), english));
            }
        }
        return pairs.Distinct().ToArray();
    }

    /// <summary>The distinct English texts the pairs point at: one target each.</summary>
    public static string[] TeacherTexts(IEnumerable<DistillationPair> pairs) =>
        pairs.Select(p => p.Teacher).Distinct(StringComparer.Ordinal).ToArray();

    private static string Keywords(IconclassThesaurus thesaurus, string label, string language) =>
        string.Join(KeywordSeparator, thesaurus.LabelKeywords(label, language));
}

/// <summary>The pairs and their targets, and the student's loss against them.</summary>
internal sealed class ThesaurusDistillation(IReadOnlyList<DistillationPair> pairs, DistillationTargets targets)
    : IDisposable
{
    public IReadOnlyList<DistillationPair> Pairs => pairs;

    /// <summary>Mean squared distance of the student's embeddings from the targets, summed over dimensions.</summary>
    public Tensor Loss(DualEncoder model, Device device, IReadOnlyList<DistillationPair> batch)
    {
        using var scope = NewDisposeScope();
        var student = model.Tower.Encode(batch.Select(p => p.Student).ToArray(), device);
        var target = targets.For(batch.Select(p => p.Teacher));
        return (student - target).square().sum(1).mean().MoveToOuterDisposeScope();
    }

    /// <summary>The loss on <paramref name="count"/> pairs drawn at random.</summary>
    public Tensor Loss(DualEncoder model, Device device, Random random, int count) =>
        Loss(model, device, Enumerable.Range(0, count).Select(_ => pairs[random.Next(pairs.Count)]).ToArray());

    public void Dispose() => targets.Dispose();
}

/// <summary>
/// The teacher's space at the student's width: the teacher vectors centred, reduced by principal components to the
/// student's dimension and normalised. The student is trained onto these rows by mean squared error, so its cosine
/// similarities come to follow the teacher's, and it keeps its own small width (the model file stays small).
/// </summary>
internal sealed class DistillationTargets : IDisposable
{
    private readonly Dictionary<string, long> _rows;
    private readonly Tensor _vectors;

    private DistillationTargets(Dictionary<string, long> rows, Tensor vectors)
    {
        _rows = rows;
        _vectors = vectors;
    }

    /// <summary>
    /// The targets of distinct teacher <paramref name="texts"/>, from their vectors (row-major
    /// <c>[texts, teacherDimension]</c>), at the student's <paramref name="dimension"/>, on its device.
    /// </summary>
    public static DistillationTargets Create(
        IReadOnlyList<string> texts,
        float[] teacherVectors,
        int teacherDimension,
        int dimension,
        Device device
    )
    {
        using var scope = NewDisposeScope();
        var teacher = tensor(teacherVectors, [texts.Count, teacherDimension]);
        var centred = teacher - teacher.mean([0], keepdim: true);
        var (_, components) = linalg.eigh(centred.t().mm(centred));
        // eigh orders the components by ascending variance: the last ones are kept.
        var kept = components.narrow(1, teacherDimension - dimension, dimension);
        var reduced = nn.functional.normalize(centred.mm(kept), p: 2, dim: 1).to(device);
        var rows = texts.Select((text, i) => (text, (long)i)).ToDictionary(p => p.text, p => p.Item2);
        return new DistillationTargets(rows, reduced.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Targets that are already the student's own (normalised, at its width): the vectors a distilled start model
    /// gives the teacher texts, which keep a warm-started encoder near where it started.
    /// </summary>
    public static DistillationTargets FromStudent(
        IReadOnlyList<string> texts,
        float[] vectors,
        int dimension,
        Device device
    )
    {
        var rows = texts.Select((text, i) => (text, (long)i)).ToDictionary(p => p.text, p => p.Item2);
        return new DistillationTargets(rows, tensor(vectors, [texts.Count, dimension]).to(device));
    }

    public Tensor For(IEnumerable<string> teacherTexts)
    {
        using var indices = tensor(teacherTexts.Select(t => _rows[t]).ToArray(), device: _vectors.device);
        return _vectors.index_select(0, indices);
    }

    public void Dispose() => _vectors.Dispose();
}
