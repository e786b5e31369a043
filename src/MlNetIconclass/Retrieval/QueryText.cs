using MlNetIconclass.Collections;

namespace MlNetIconclass.Retrieval;

/// <summary>Which fields of a record make up its query text.</summary>
public enum QueryFields
{
    Titles,
    TitlesAndDescriptions,
}

/// <summary>The text and language a record is queried with.</summary>
public static class QueryText
{
    public static IEnumerable<string> Texts(ArtworkRecord record, QueryFields fields) =>
        record
            .Titles.Select(t => t.Text)
            .Concat(fields == QueryFields.TitlesAndDescriptions ? record.Descriptions.Select(d => d.Text) : []);

    /// <summary>
    /// Whether the record has nothing to query with: no title or description with text, and no image. Such a record
    /// can only be given the most frequent codes.
    /// </summary>
    public static bool IsEmpty(ArtworkRecord record) =>
        string.IsNullOrWhiteSpace(record.Image)
        && record.Titles.Concat(record.Descriptions).All(text => string.IsNullOrWhiteSpace(text.Text));

    /// <summary>The texts as one query string, as the query tower reads it in training and ranking alike.</summary>
    public static string Joined(ArtworkRecord record, QueryFields fields) => string.Join(" ; ", Texts(record, fields));

    public static List<string> Tokens(ArtworkRecord record, QueryFields fields) =>
        TextTokenizer.Tokenize(Texts(record, fields));

    /// <summary>
    /// The language most of the record's titles (else descriptions) are in; English when it has none.
    /// </summary>
    public static string Language(ArtworkRecord record) =>
        record
            .Titles.Concat(record.Descriptions)
            .Select(t => t.Language)
            .Where(language => language.Length > 0)
            .GroupBy(language => language)
            .OrderByDescending(g => g.Count())
            .Select(g => g.Key)
            .FirstOrDefault()
        ?? "en";
}
