using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Training;

/// <summary>A query text in a language and the labels it should retrieve.</summary>
internal sealed record TrainingExample(string Query, string Language, IReadOnlyList<string> Labels);

/// <summary>Where training examples come from: a collection's records, and the thesaurus itself.</summary>
internal static class TrainingExamples
{
    /// <summary>One example per labelled record: its query text and its gold labels.</summary>
    public static IReadOnlyList<TrainingExample> FromRecords(LabeledRecords records, QueryFields fields) =>
        records
            .Items.Select(item => new TrainingExample(
                QueryText.Joined(item.Record, fields),
                QueryText.Language(item.Record),
                item.Labels
            ))
            .Where(example => example.Query.Length > 0)
            .ToArray();

    /// <summary>
    /// The thesaurus as training pairs: every keyword and definition of every label in each language asked for,
    /// pointing at its label. This teaches the languages' words for each code, and reaches codes no collection shows.
    /// A collection label's pair is its definition with the name filled in; its base's keywords stay the base's.
    /// </summary>
    public static IReadOnlyList<TrainingExample> FromThesaurus(
        IconclassThesaurus thesaurus,
        IEnumerable<string> languages
    )
    {
        var examples = new List<TrainingExample>();
        foreach (var language in languages)
        {
            foreach (var label in thesaurus.LabelSpace)
            {
                string[] labels = [label];
                if (thesaurus.LabelDefinition(label, language) is { } definition)
                    examples.Add(new TrainingExample(definition, language, labels));
                foreach (var keyword in thesaurus.Texts.GetKeywords(label, language))
                    examples.Add(new TrainingExample(keyword, language, labels));
            }
        }
        return examples;
    }
}
