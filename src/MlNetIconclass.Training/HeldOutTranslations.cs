using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using MlNetIconclass.Models;
using MlNetIconclass.Thesaurus;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>
/// The distillation's own validation, which touches no collection: one listed label in 50 (by a hash of its notation)
/// is left out of the distillation pairs, and each language's definitions of those labels must find their English
/// definition among the English definitions of all of them.
/// </summary>
internal sealed class HeldOutTranslations
{
    private const int OneIn = 50;

    private readonly IconclassThesaurus _thesaurus;
    private readonly string[] _labels;
    private readonly string[] _languages;

    public HeldOutTranslations(IconclassThesaurus thesaurus, IEnumerable<string> languages)
    {
        _thesaurus = thesaurus;
        _labels = thesaurus.ProtocolLabelSpace.Where(IsHeldOut).Where(label => English(label) is not null).ToArray();
        _languages = languages.Where(language => language != IconclassThesaurus.FallbackLanguage).ToArray();
    }

    /// <summary>Whether the distillation leaves the label out, the same for every run and thesaurus version.</summary>
    public static bool IsHeldOut(string label) =>
        BitConverter.ToUInt32(SHA1.HashData(Encoding.UTF8.GetBytes(label))) % OneIn == 0;

    /// <summary>Each language's figures (languages with fewer than 10 held-out definitions are left out).</summary>
    public IReadOnlyList<TranslationFigures> Measure(DualEncoder model, Device device)
    {
        int dimension = model.Tower.Dimension;
        var english = model.EncodeForIndex(_labels.Select(label => English(label)!).ToArray(), device);
        var figures = new List<TranslationFigures>();
        foreach (var language in _languages)
        {
            var found = _labels
                .Select((label, index) => (Index: index, Text: _thesaurus.LabelDefinition(label, language)))
                .Where(pair => pair.Text is not null)
                .ToArray();
            if (found.Length < 10)
                continue;
            var queries = model.EncodeForIndex(found.Select(pair => pair.Text!).ToArray(), device);
            double hits = 0,
                reciprocalRanks = 0;
            var scores = new float[_labels.Length];
            for (int q = 0; q < found.Length; q++)
            {
                var query = queries.AsSpan(q * dimension, dimension);
                for (int l = 0; l < _labels.Length; l++)
                    scores[l] = TensorPrimitives.Dot(query, english.AsSpan(l * dimension, dimension));
                float own = scores[found[q].Index];
                int rank = 1 + scores.Count(score => score > own);
                hits += rank == 1 ? 1 : 0;
                reciprocalRanks += 1.0 / rank;
            }
            figures.Add(
                new TranslationFigures(language, found.Length, hits / found.Length, reciprocalRanks / found.Length)
            );
        }
        return figures;
    }

    private string? English(string label) => _thesaurus.LabelDefinition(label, IconclassThesaurus.FallbackLanguage);
}
