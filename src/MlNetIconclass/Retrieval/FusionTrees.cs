using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using MlNetIconclass.Persistence;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// The learned fusion's ranker: a LambdaMART tree ensemble fitted by LightGBM through ML.NET, kept in the model file as
/// the ML.NET model it is (<c>fusion-ranker.zip</c>, loadable with <c>MLContext.Model.Load</c>). Ranking walks the
/// ensemble's trees directly, as flat arrays: going through an <see cref="IDataView"/> for each batch of candidates
/// would cost more than all the rest of the fusion. The trees are always read back from the saved bytes, so a fitted
/// ranker ranks exactly as the same ranker loaded from its file.
/// </summary>
internal sealed class FusionTrees
{
    public const string Entry = "fusion-ranker.zip";

    private readonly byte[] _saved;
    private readonly double _bias;

    // Every tree's nodes in shared arrays: a node goes left when its feature is at most its threshold; a child or root
    // below zero is a leaf, ~child its index in _leaves (which holds each leaf's value times its tree's weight).
    private readonly int[] _roots;
    private readonly int[] _features;
    private readonly float[] _thresholds;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly double[] _leaves;

    private FusionTrees(byte[] saved)
    {
        _saved = saved;
        var ml = new MLContext(seed: 0);
        // The loader finds LightGBM's model parameters only in an assembly ML.NET was told about.
        ml.ComponentCatalog.RegisterAssembly(typeof(LightGbmRankingModelParameters).Assembly);
        ITransformer transformer;
        DataViewSchema schema;
        try
        {
            using var stream = new MemoryStream(saved, writable: false);
            transformer = ml.Model.Load(stream, out schema);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new InvalidDataException($"not a readable ML.NET model ({exception.Message})", exception);
        }
        if (transformer is not RankingPredictionTransformer<LightGbmRankingModelParameters> ranking)
            throw new InvalidDataException(
                $"an ML.NET model, but not a LightGBM ranker ({transformer.GetType().Name})"
            );
        int features = schema.GetColumnOrNull(ranking.FeatureColumnName)?.Type is VectorDataViewType vector
            ? vector.Size
            : 0;
        if (features != FusionFeatures.Count)
            throw new InvalidDataException(
                $"the ranker reads {features} features; this library computes {FusionFeatures.Count}"
            );
        var ensemble = ranking.Model.TrainedTreeEnsemble;
        _bias = ensemble.Bias;
        var trees = ensemble.Trees;
        _roots = new int[trees.Count];
        int nodes = trees.Sum(tree => tree.NumberOfNodes);
        (_features, _thresholds, _left, _right) = (new int[nodes], new float[nodes], new int[nodes], new int[nodes]);
        _leaves = new double[trees.Sum(tree => tree.NumberOfLeaves)];
        int nodeOffset = 0,
            leafOffset = 0;
        for (int t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            if (tree.CategoricalSplitFlags.Any(flag => flag))
                throw new InvalidDataException("the ranker has categorical splits, which the fusion never fits");
            int Place(int child) => child >= 0 ? child + nodeOffset : ~(~child + leafOffset);
            _roots[t] = tree.NumberOfNodes == 0 ? ~leafOffset : nodeOffset;
            for (int n = 0; n < tree.NumberOfNodes; n++)
            {
                int feature = tree.NumericalSplitFeatureIndexes[n];
                if (feature < 0 || feature >= FusionFeatures.Count)
                    throw new InvalidDataException("a split reads a feature the fusion does not compute");
                _features[nodeOffset + n] = feature;
                _thresholds[nodeOffset + n] = tree.NumericalSplitThresholds[n];
                _left[nodeOffset + n] = Place(tree.LeftChild[n]);
                _right[nodeOffset + n] = Place(tree.RightChild[n]);
            }
            for (int l = 0; l < tree.NumberOfLeaves; l++)
                _leaves[leafOffset + l] = tree.LeafValues[l] * ensemble.TreeWeights[t];
            nodeOffset += tree.NumberOfNodes;
            leafOffset += tree.NumberOfLeaves;
        }
    }

    public int TreeCount => _roots.Length;

    /// <summary>
    /// The ranker ML.NET fitted, with the schema it reads (one vector column of <see cref="FusionFeatures.Count"/>).
    /// </summary>
    public static FusionTrees FromFitted(MLContext ml, ITransformer ranker, DataViewSchema schema)
    {
        using var stream = new MemoryStream();
        ml.Model.Save(ranker, schema, stream);
        return new FusionTrees(stream.ToArray());
    }

    public static FusionTrees Load(IModelEntryReader reader) =>
        reader.Read(Entry, stream => new FusionTrees(ReadAll(stream)));

    public void Save(IModelEntryWriter writer)
    {
        // Already a zip: stored as it is rather than compressed twice.
        using var stream = writer.Create(Entry, System.IO.Compression.CompressionLevel.NoCompression);
        stream.Write(_saved);
    }

    /// <summary>The ensemble's score for one candidate's features: higher ranks first.</summary>
    public float Score(ReadOnlySpan<float> features)
    {
        Span<float> score = stackalloc float[1];
        Score(features, score);
        return score[0];
    }

    /// <summary>
    /// The scores of several candidates (row-major features, one row per score). Tree by tree, so each tree's nodes
    /// stay in cache while every candidate goes down it; the sums are the same as one candidate at a time.
    /// </summary>
    public void Score(ReadOnlySpan<float> features, Span<float> scores)
    {
        int rows = scores.Length;
        Span<double> sums = rows <= 256 ? stackalloc double[rows] : new double[rows];
        sums.Fill(_bias);
        foreach (int root in _roots)
            for (int r = 0; r < rows; r++)
            {
                var row = features.Slice(r * FusionFeatures.Count, FusionFeatures.Count);
                int node = root;
                while (node >= 0)
                    node = row[_features[node]] <= _thresholds[node] ? _left[node] : _right[node];
                sums[r] += _leaves[~node];
            }
        for (int r = 0; r < rows; r++)
            scores[r] = (float)sums[r];
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
