using System.Collections.Concurrent;
using System.IO.Compression;
using MlNetIconclass.Features;
using MlNetIconclass.Persistence;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// The label tower and the label side of the hybrid, which no training record changes: the label documents of each
/// query language embedded by the encoder, and BM25 over them. Built once per encoder and shared by every
/// <see cref="HybridComponents"/> over it (encoding 40,698 label documents with MiniLM takes minutes on a CPU). A
/// loaded model's embeddings are kept in a <see cref="LabelVectorCache"/> where one is given; a training's encoder
/// changes, so it has none. A model that remembers no records also keeps here the prior it borrowed.
/// </summary>
internal sealed class LabelIndexes(
    IconclassThesaurus thesaurus,
    ITextEmbedder embedder,
    ComputeDevice device = ComputeDevice.Auto,
    LabelVectorCache? cache = null,
    BorrowedPrior? prior = null
) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<DenseIndex>> _dense = new(StringComparer.Ordinal);

    public IconclassThesaurus Thesaurus => thesaurus;

    public Bm25LabelRanker Bm25 { get; } = new(thesaurus);

    /// <summary>The prior a model trained on no collection borrowed, read instead of the memory's.</summary>
    public BorrowedPrior Prior { get; } = prior ?? BorrowedPrior.None;

    /// <summary>The label space by position: the rows of the dense indexes and the documents of BM25.</summary>
    public LabelPositions Positions { get; } = new(thesaurus.LabelSpace);

    /// <summary>
    /// The label documents of a language embedded, rounded to half precision (so a model file can cache them and
    /// still rank exactly as before saving); computed on first use unless loaded with the model. A language the
    /// thesaurus lacks takes the English index, so records' language tags cannot make new indexes.
    /// </summary>
    public DenseIndex Dense(string language) =>
        _dense
            .GetOrAdd(
                thesaurus.RankingLanguage(language),
                key => new Lazy<DenseIndex>(() =>
                {
                    var documents = thesaurus
                        .LabelSpace.Select(label => LabelDocuments.TowerText(thesaurus, label, key))
                        .ToArray();
                    float[] Embed()
                    {
                        var vectors = embedder.Embed(documents);
                        HalfPrecision.Round(vectors);
                        return vectors;
                    }
                    var vectors = cache?.GetOrAdd(key, documents, Embed) ?? Embed();
                    return new DenseIndex(thesaurus.LabelSpace, vectors, embedder.Dimension, device);
                })
            )
            .Value;

    private static string Entry(string language) => $"labels-{language}.f16";

    /// <summary>
    /// Keeps the label embeddings of these languages with the model (worth it where encoding takes minutes).
    /// </summary>
    internal void Save(IModelEntryWriter writer, IEnumerable<string> languages)
    {
        foreach (var language in languages)
        {
            using var stream = writer.Create(Entry(language), CompressionLevel.Fastest);
            HalfPrecision.Write(stream, Dense(language).Vectors);
        }
    }

    /// <summary>Takes the label embeddings a model file keeps, instead of encoding the labels again.</summary>
    internal void Load(IModelEntryReader reader, IEnumerable<string> languages)
    {
        foreach (var language in languages.Where(language => reader.Contains(Entry(language))))
        {
            var vectors = reader.Read(Entry(language), HalfPrecision.Read);
            if (vectors.LongLength != (long)thesaurus.LabelSpace.Count * embedder.Dimension)
                throw new InvalidDataException(
                    $"{Entry(language)} holds {vectors.Length} values, not {thesaurus.LabelSpace.Count} labels "
                        + $"of {embedder.Dimension}."
                );
            var index = new DenseIndex(thesaurus.LabelSpace, vectors, embedder.Dimension, device);
            _dense[language] = new Lazy<DenseIndex>(() => index);
            _ = _dense[language].Value;
        }
    }

    public void Dispose()
    {
        foreach (var index in _dense.Values.Where(index => index.IsValueCreated))
            index.Value.Dispose();
    }
}
