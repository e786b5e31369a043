using System.Collections.Concurrent;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// The label side of the hybrid, which no training record changes: the label documents of each query language
/// embedded by the encoder, and BM25 over them. Built once per encoder and shared by every
/// <see cref="HybridComponents"/> over it (encoding 40,698 label documents with MiniLM takes minutes on a CPU).
/// </summary>
public sealed class LabelIndexes(IconclassThesaurus thesaurus, ITextEmbedder embedder, QueryFields fields)
{
    private readonly ConcurrentDictionary<string, Lazy<DenseIndex>> _dense = new(StringComparer.Ordinal);

    public IconclassThesaurus Thesaurus => thesaurus;

    public ITextEmbedder Embedder => embedder;

    /// <summary>What a record's query text is made of.</summary>
    public QueryFields Fields => fields;

    public Bm25LabelRanker Bm25 { get; } = new(thesaurus, fields);

    /// <summary>
    /// The label documents of a language embedded, rounded to half precision (so a model file can cache them and
    /// still rank exactly as before saving); computed on first use unless given by <see cref="UseEmbeddings"/>.
    /// </summary>
    public DenseIndex Dense(string language) => _dense.GetOrAdd(language, key => new Lazy<DenseIndex>(() =>
    {
        var vectors = embedder.Embed(thesaurus.LabelSpace.Select(label => LabelDocuments.TowerText(thesaurus, label, key)).ToArray());
        for (int i = 0; i < vectors.Length; i++) vectors[i] = (float)(Half)vectors[i];
        return new DenseIndex(thesaurus.LabelSpace, vectors, embedder.Dimension);
    })).Value;

    /// <summary>Uses label embeddings computed earlier (from <see cref="Dense"/>) instead of encoding the labels again.</summary>
    public void UseEmbeddings(string language, float[] embeddings) =>
        _dense[language] = new Lazy<DenseIndex>(() => new DenseIndex(thesaurus.LabelSpace, embeddings, embedder.Dimension));
}
