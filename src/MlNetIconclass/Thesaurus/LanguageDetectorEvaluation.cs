namespace MlNetIconclass.Thesaurus;

/// <summary>
/// How a weight of the evidence does on collections with a majority language: its accuracy on the majority's texts and
/// on the others', and their mean.
/// </summary>
public sealed record EvidenceWeightAccuracy(double Weight, double Majority, double Minority)
{
    public double Balanced => (Majority + Minority) / 2;
}

/// <summary>Of a language's texts, how many the detector found to be in it.</summary>
public sealed record LanguageAccuracy(string Language, int Texts, int Detected)
{
    public double Accuracy => Texts == 0 ? 0 : (double)Detected / Texts;
}

/// <summary>
/// Measures the <see cref="LanguageDetector"/> on definitions it never learnt from: one notation in ten is held out,
/// by a hash of its notation, and a detector learns once from the other notations' definitions and keywords, for
/// every measure taken of it.
/// </summary>
public sealed class LanguageDetectorEvaluation
{
    private readonly IconclassThesaurus _thesaurus;
    private readonly LanguageDetector _detector;
    private readonly string[] _heldOut;

    public LanguageDetectorEvaluation(IconclassThesaurus thesaurus)
    {
        _thesaurus = thesaurus;
        _detector = LanguageDetector.FromThesaurus(thesaurus, notation => !HeldOut(notation));
        _heldOut = thesaurus.Tree.Notations.Where(HeldOut).ToArray();
    }

    /// <summary>How often a held-out definition's language is found among all of them, per language.</summary>
    public IReadOnlyList<LanguageAccuracy> Accuracy() =>
        _detector
            .Languages.Select(language =>
            {
                var texts = HeldOutDefinitions(language).ToArray();
                return new LanguageAccuracy(language, texts.Length, texts.Count(t => _detector.Best(t) == language));
            })
            .ToArray();

    /// <summary>
    /// How a weight of the evidence does when a collection's languages so far are the prior: for each language with
    /// 100 held-out definitions or more, a collection of up to 1,000 of them and a ninth as many from the other
    /// languages (a seeded draw), each cut to its first five words, as titles are short, detected in a seeded order.
    /// Per weight, the mean over the collections of the accuracy on the majority's texts and on the others'; their
    /// mean is the balanced accuracy <see cref="LanguageDetector.DefaultEvidenceWeight"/> was chosen on.
    /// </summary>
    public IReadOnlyList<EvidenceWeightAccuracy> CollectionAccuracy(IReadOnlyList<double> weights)
    {
        var texts = _detector.Languages.ToDictionary(
            language => language,
            language =>
                HeldOutDefinitions(language)
                    .Select(text => text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    .Where(words => words.Length >= 5)
                    .Select(words => string.Join(' ', words[..5]))
                    .ToArray()
        );
        var random = new Random(11);
        var collections = new List<(string Majority, (string Text, string Language)[] Items)>();
        foreach (var (language, own) in texts.Where(pair => pair.Value.Length >= 100))
        {
            var items = own.Take(1000).Select(text => (text, language)).ToList();
            items.AddRange(
                texts
                    .Where(pair => pair.Key != language)
                    .SelectMany(pair => pair.Value.Select(text => (text, pair.Key)))
                    .OrderBy(_ => random.Next())
                    .Take(items.Count / 9)
            );
            collections.Add((language, items.OrderBy(_ => random.Next()).ToArray()));
        }
        return weights
            .Select(weight =>
            {
                var weighed = _detector.WithEvidenceWeight(weight);
                var accuracies = collections.Select(collection => AccuracyIn(weighed, collection)).ToArray();
                return new EvidenceWeightAccuracy(
                    weight,
                    accuracies.Average(a => a.Majority),
                    accuracies.Average(a => a.Minority)
                );
            })
            .ToArray();
    }

    /// <summary>A collection's texts detected in order, the languages found so far as the prior.</summary>
    private static (double Majority, double Minority) AccuracyIn(
        LanguageDetector detector,
        (string Majority, (string Text, string Language)[] Items) collection
    )
    {
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        int majority = 0,
            majorityRight = 0,
            minorityRight = 0;
        foreach (var (text, language) in collection.Items)
        {
            string best = detector.Best(text, prior: detector.Prior(found)) ?? "";
            found[best] = found.GetValueOrDefault(best) + 1;
            bool isMajority = language == collection.Majority;
            majority += isMajority ? 1 : 0;
            majorityRight += isMajority && best == language ? 1 : 0;
            minorityRight += !isMajority && best == language ? 1 : 0;
        }
        return (
            (double)majorityRight / majority,
            (double)minorityRight / Math.Max(1, collection.Items.Length - majority)
        );
    }

    private IEnumerable<string> HeldOutDefinitions(string language) =>
        _heldOut.Select(n => _thesaurus.Texts.GetDefinition(n, language)).OfType<string>();

    private static bool HeldOut(string notation)
    {
        uint hash = 2166136261;
        foreach (char c in notation)
            hash = (hash ^ c) * 16777619;
        return hash % 10 == 0;
    }
}
