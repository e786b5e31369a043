using Google.Protobuf;
using MlNetIconclass.Features;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetIconclass.Training;

/// <summary>
/// Query and label towers over one shared text encoder, into one normalised space, with a learned temperature.
/// Queries are a record's titles (and description); labels are label documents (<c>LabelDocuments.TowerText</c>).
/// </summary>
internal sealed class DualEncoder : nn.Module
{
    private readonly TextTower tower;
    private readonly Parameter logScale;

    public DualEncoder(TextTower tower)
        : base(nameof(DualEncoder))
    {
        this.tower = tower;
        logScale = nn.Parameter(tensor(MathF.Log(20f)));
        RegisterComponents();
    }

    public TextTower Tower => tower;

    public Tensor LogScale => logScale;

    public static DualEncoder Create(DualEncoderOptions options)
    {
        TextTower tower = options.Encoder switch
        {
            TextEncoderKind.Ngram => new NgramTower(options.NgramBuckets, options.NgramDimension),
            TextEncoderKind.MiniLm => CreateMiniLm(),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Encoder, "unknown encoder"),
        };
        return new DualEncoder(tower);
    }

    private static MiniLmTower CreateMiniLm()
    {
        var bert = new BertEncoder();
        OnnxBertWeights.Import(bert, Onnx.ModelProto.Parser.ParseFrom(MiniLmPackage.ReadOnnxModel()));
        return new MiniLmTower(bert, MiniLmPackage.CreateTokenizer());
    }

    /// <summary>
    /// The trained text encoder as the ONNX graph that ranks with it (on ONNX Runtime, without libtorch).
    /// </summary>
    public TextEncoderGraph ExportGraph() =>
        tower switch
        {
            NgramTower ngram => TextEncoderGraph.FromNgramWeights(ngram.ExportWeights()),
            MiniLmTower miniLm => TextEncoderGraph.FromMiniLm(
                OnnxBertWeights
                    .Export(miniLm.Bert, Onnx.ModelProto.Parser.ParseFrom(MiniLmPackage.ReadOnnxModel()))
                    .ToByteArray()
            ),
            _ => throw new NotSupportedException($"{tower.GetType().Name} has no ONNX export"),
        };

    /// <summary>
    /// Embeddings without gradients, a batch at a time, as plain arrays (row-major [texts, dimension]).
    /// </summary>
    public float[] EncodeForIndex(IReadOnlyList<string> texts, Device device, int batchSize = 512)
    {
        var result = new float[texts.Count * tower.Dimension];
        using var noGrad = no_grad();
        for (int start = 0; start < texts.Count; start += batchSize)
        {
            var batch = texts.Skip(start).Take(batchSize).ToArray();
            using var embeddings = tower.Encode(batch, device).cpu();
            embeddings.data<float>().CopyTo(result, start * tower.Dimension);
        }
        return result;
    }
}
