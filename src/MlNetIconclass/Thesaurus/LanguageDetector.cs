namespace MlNetIconclass.Thesaurus;

/// <summary>A language a text may be in, and how likely (the scores of one text's candidates sum to 1).</summary>
public sealed record LanguageScore(string Language, double Score);

/// <summary>
/// Tells which of the thesaurus's languages a text is in, from the character n-grams (1 to 4 letters, words padded
/// with spaces) and the words of each language's definitions and keywords: naive Bayes over their frequencies,
/// smoothed towards their frequency in all languages together, its scores normalised over the candidate languages.
/// Built from the thesaurus's own texts: nothing to download, and exactly the languages the definitions are in.
/// The scores are those of a naive Bayes with its evidence weighed down (<see cref="EvidenceWeight"/>): still near 1
/// for the best language of a sentence, less sure of a short title.
/// </summary>
public sealed class LanguageDetector
{
    private const int MaxOrder = 4;

    private readonly string[] _languages;
    private readonly Dictionary<ulong, float[]> _logProbabilities;

    /// <summary>Each language's log probability of an n-gram it never showed.</summary>
    private readonly float[] _unseen;

    /// <summary>
    /// What a text's log likelihood is multiplied by before the prior is added: the n-grams of a text overlap (a
    /// letter is in four of them and its word), so naive Bayes counts each piece of evidence several times over and
    /// is far surer than it should be; a weight below 1 lets a prior count.
    /// </summary>
    internal double EvidenceWeight { get; init; } = DefaultEvidenceWeight;

    /// <summary>
    /// Chosen without Suriname, on held-out definitions cut to five words in collections of 90% one language
    /// (<see cref="LanguageDetectorEvaluation.CollectionAccuracy"/>, printed by <c>iconclass detect-language
    /// --held-out</c>; the table is in docs/results.md): balanced accuracy is flat from 1 (no weighing) to 0.1 and
    /// falls below it, where the other languages start to be taken for the main one; 0.25 lies in the middle of the
    /// plateau.
    /// </summary>
    public const double DefaultEvidenceWeight = 0.25;

    /// <summary>
    /// The same detector, its evidence weighed by <paramref name="weight"/> (<see cref="EvidenceWeight"/>).
    /// </summary>
    internal LanguageDetector WithEvidenceWeight(double weight) =>
        new(_languages, _logProbabilities, _unseen) { EvidenceWeight = weight };

    private LanguageDetector(string[] languages, Dictionary<ulong, float[]> logProbabilities, float[] unseen)
    {
        _languages = languages;
        _logProbabilities = logProbabilities;
        _unseen = unseen;
    }

    private LanguageDetector(string[] languages, Dictionary<ulong, int>[] counts)
    {
        _languages = languages;
        // Witten-Bell smoothing towards the n-gram's share in all languages together: the background weighs as many
        // n-grams as the language showed distinct ones, so a language known from few and varied texts (Dutch: mostly
        // keyword lists, a fifth of the others' characters, few of its common short words) is not taken to lack
        // what it merely never showed. An n-gram a language never showed costs it what that n-gram's rarity says.
        var background = new Dictionary<ulong, double>();
        foreach (var languageCounts in counts)
        foreach (var (ngram, count) in languageCounts)
            background[ngram] = background.GetValueOrDefault(ngram) + count;
        double all = background.Values.Sum();
        var totals = counts.Select(c => (double)c.Values.Sum()).ToArray();
        var smoothing = counts.Select(c => (double)c.Count).ToArray();
        _unseen = totals.Select((total, l) => (float)Math.Log(smoothing[l] / (all * (total + smoothing[l])))).ToArray();
        _logProbabilities = new Dictionary<ulong, float[]>(background.Count);
        foreach (var (ngram, count) in background)
        {
            double share = count / all;
            _logProbabilities[ngram] = counts
                .Select(
                    (c, l) =>
                        (float)
                            Math.Log((c.GetValueOrDefault(ngram) + smoothing[l] * share) / (totals[l] + smoothing[l]))
                )
                .ToArray();
        }
    }

    /// <summary>
    /// How many n-grams a whole word counts as; chosen on held-out definitions (<see
    /// cref="LanguageDetectorEvaluation.Accuracy"/>).
    /// </summary>
    private const int WordWeight = 3;

    /// <summary>The languages it tells apart, in ordinal order.</summary>
    public IReadOnlyList<string> Languages => _languages;

    /// <summary>
    /// Learns from the definitions and keywords of <paramref name="thesaurus"/> in every language it has definitions
    /// in; with <paramref name="learnFrom"/>, only from the notations it accepts (the others held out to measure it).
    /// </summary>
    public static LanguageDetector FromThesaurus(IconclassThesaurus thesaurus, Func<string, bool>? learnFrom = null)
    {
        var languages = thesaurus.Texts.DefinitionLanguages.ToArray();
        var counts = new Dictionary<ulong, int>[languages.Length];
        Parallel.For(
            0,
            languages.Length,
            l =>
            {
                var languageCounts = new Dictionary<ulong, int>();
                foreach (var (notation, text) in thesaurus.Texts.All(languages[l]))
                    if (learnFrom is null || learnFrom(notation))
                        foreach (var ngram in Ngrams(text.Span))
                            languageCounts[ngram] = languageCounts.GetValueOrDefault(ngram) + 1;
                counts[l] = languageCounts;
            }
        );
        return new LanguageDetector(languages, counts);
    }

    /// <summary>
    /// The candidate languages (all of <see cref="Languages"/> when none are given), most likely first; an empty list
    /// for a text without letters. A candidate it does not know is refused, named. <paramref name="prior"/>, where
    /// given, weighs each language by how likely it was before the text was read (as <see cref="Prior"/> makes it from
    /// the languages found so far among texts like it); else every candidate is as likely.
    /// </summary>
    public IReadOnlyList<LanguageScore> Detect(
        string text,
        IReadOnlyCollection<string>? candidates = null,
        IReadOnlyDictionary<string, double>? prior = null
    )
    {
        var indexes = (candidates ?? _languages)
            .Select(language =>
                Array.IndexOf(_languages, language) is int index and >= 0
                    ? index
                    : throw new ArgumentException(
                        $"'{language}' is not a language the detector knows ({string.Join(", ", _languages)}).",
                        nameof(candidates)
                    )
            )
            .Distinct()
            .ToArray();
        var features = Ngrams(text);
        // A text without letters has no features.
        if (features.Count == 0 || indexes.Length == 0)
            return [];
        var logLikelihoods = new double[indexes.Length];
        foreach (var ngram in features)
        {
            var probabilities = _logProbabilities.GetValueOrDefault(ngram);
            for (int i = 0; i < indexes.Length; i++)
                logLikelihoods[i] += probabilities?[indexes[i]] ?? _unseen[indexes[i]];
        }
        for (int i = 0; i < indexes.Length; i++)
        {
            logLikelihoods[i] *= EvidenceWeight;
            if (prior is not null)
                logLikelihoods[i] += Math.Log(prior.GetValueOrDefault(_languages[indexes[i]], double.Epsilon));
        }
        // Normalised in the log domain: the likelihoods themselves are far below the smallest double.
        double best = logLikelihoods.Max();
        var weights = logLikelihoods.Select(l => Math.Exp(l - best)).ToArray();
        double sum = weights.Sum();
        return indexes
            .Select((index, i) => new LanguageScore(_languages[index], weights[i] / sum))
            .OrderByDescending(score => score.Score)
            .ThenBy(score => score.Language, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The most likely of the candidates, or null for a text without letters.</summary>
    public string? Best(
        string text,
        IReadOnlyCollection<string>? candidates = null,
        IReadOnlyDictionary<string, double>? prior = null
    ) => Detect(text, candidates, prior) is [var best, ..] ? best.Language : null;

    /// <summary>
    /// A prior over the languages from how many texts of a collection (a column) each was found in so far: the texts
    /// of one column share a language more often than not, so a short title of names that reads as well in several
    /// languages goes to the column's usual one. Laplace's rule: each language counts one more than it was found.
    /// </summary>
    public IReadOnlyDictionary<string, double> Prior(IReadOnlyDictionary<string, int> found)
    {
        double total = _languages.Sum(language => found.GetValueOrDefault(language) + 1.0);
        return _languages.ToDictionary(
            language => language,
            language => (found.GetValueOrDefault(language) + 1.0) / total,
            StringComparer.Ordinal
        );
    }

    /// <summary>
    /// The text's features: its n-grams of 1 to <see cref="MaxOrder"/> characters, lower case, each word padded with a
    /// space on either side (anything but a letter separates words), and its whole words. An n-gram of up to 3
    /// characters is keyed by its characters packed into 16 bits each, and its length (exact); a 4-gram and a word by
    /// a 64-bit hash, tagged apart.
    /// </summary>
    private static List<ulong> Ngrams(ReadOnlySpan<char> text)
    {
        var keys = new List<ulong>((text.Length + 1) * (MaxOrder + 1));
        ulong window = ' ';
        int length = 1;
        ulong word = FnvOffset;
        void Add(char c)
        {
            if (c == ' ' && (window & 0xFFFF) == ' ')
                return;
            window = (window << 16) | c;
            length = Math.Min(length + 1, MaxOrder);
            // Four letters fill the window's 64 bits: hashed, and tagged apart from the exact n-grams and the words.
            if (length == 4)
                keys.Add((window * 0x9E3779B97F4A7C15UL >> 2) | FourGramKey);
            for (int order = 1; order <= 3 && order <= length; order++)
            {
                ulong ngram = window & ((1UL << (16 * order)) - 1);
                // A lone space is no evidence; n-grams of one order are told from those of another by their length.
                if (ngram != ' ')
                    keys.Add(ngram | ((ulong)order << 48));
            }
            if (c != ' ')
                word = (word ^ c) * FnvPrime;
            else
            {
                for (int i = 0; i < WordWeight; i++)
                    keys.Add(word | WordKey);
                word = FnvOffset;
            }
        }
        foreach (char c in text)
            Add(char.IsLetter(c) ? char.ToLowerInvariant(c) : ' ');
        Add(' ');
        return keys;
    }

    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;
    private const ulong WordKey = 1UL << 63;
    private const ulong FourGramKey = 1UL << 62;
}
