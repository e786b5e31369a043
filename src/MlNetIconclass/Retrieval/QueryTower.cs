using MlNetIconclass.Collections;
using MlNetIconclass.Features;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// The query tower: a record's text (its titles, and descriptions if asked) embedded by the text encoder and, for a
/// model that reads images, fused with its image. Training and ranking both read records through it.
/// </summary>
internal sealed class QueryTower(ITextEmbedder text, QueryFields fields, VisualQuery? visual = null) : IDisposable
{
    public ITextEmbedder Text => text;

    public QueryFields Fields => fields;

    /// <summary>The image side, for models trained with images.</summary>
    public VisualQuery? Visual => visual;

    public int Dimension => text.Dimension;

    /// <summary>The record's text as the encoder reads it.</summary>
    public string TextOf(ArtworkRecord record) => QueryText.Joined(record, fields);

    /// <summary>Each record's text embedded, in one batch; null for a record without text.</summary>
    public float[]?[] EmbedTexts(IReadOnlyList<ArtworkRecord> records) => EmbedTexts(records, keepEmpty: false);

    /// <summary>
    /// The query vector of each record: its text embedding, fused with its image when the model reads images (their
    /// features from <paramref name="images"/>, the call's; without them, images are read as their paths say); null
    /// for a record with neither. A text-only model embeds even an empty text, as it always has.
    /// </summary>
    public float[]?[] Embed(IReadOnlyList<ArtworkRecord> records, ArtworkImageFeatures? images = null)
    {
        var queries = EmbedTexts(records, keepEmpty: visual is null);
        if (visual is null)
            return queries;
        // The batch's images go through the image pipeline together.
        images ??= visual.ReadImages(new ImageAccess());
        images.Prepare(records);
        for (int i = 0; i < records.Count; i++)
        {
            var features = images.For(records[i]);
            queries[i] = visual.Projection.Fuse(
                queries[i],
                features is null ? null : visual.Projection.Project(features)
            );
        }
        return queries;
    }

    private float[]?[] EmbedTexts(IReadOnlyList<ArtworkRecord> records, bool keepEmpty)
    {
        var texts = records.Select(TextOf).ToArray();
        var embedded = Enumerable.Range(0, records.Count).Where(i => keepEmpty || texts[i].Length > 0).ToArray();
        var vectors = embedded.Length == 0 ? [] : text.Embed(embedded.Select(i => texts[i]).ToArray());
        var queries = new float[]?[records.Count];
        for (int j = 0; j < embedded.Length; j++)
            queries[embedded[j]] = vectors.AsSpan(j * Dimension, Dimension).ToArray();
        return queries;
    }

    public void Dispose()
    {
        (text as IDisposable)?.Dispose();
        visual?.Dispose();
    }
}
