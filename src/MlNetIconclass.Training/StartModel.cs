using System.Security.Cryptography;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Training;

/// <summary>
/// The saved model whose text encoder a training starts from (<see cref="DualEncoderOptions.From"/>): the shipped
/// pretrained model, any compatible model file, or none (scratch). Read and checked before any work, so an
/// incompatible one is refused with what differs.
/// </summary>
internal sealed class StartModel
{
    public const string Pretrained = BundledModels.PretrainedName;
    public const string Scratch = "scratch";

    private StartModel(
        string description,
        ModelManifest manifest,
        TextEncoderGraph encoder,
        IReadOnlySet<string> seenRecordIds
    )
    {
        SeenRecordIds = seenRecordIds;
        Description = description;
        Manifest = manifest;
        Encoder = encoder;
    }

    /// <summary>The file's name and the start of its SHA-256, as the trained model's manifest records it.</summary>
    public string Description { get; }

    public ModelManifest Manifest { get; }

    public TextEncoderGraph Encoder { get; }

    /// <summary>The records the start model's training read: the new model has seen them too.</summary>
    public IReadOnlySet<string> SeenRecordIds { get; }

    /// <summary>
    /// Whether the start model's encoder already learned from MiniLM: then training skips the distillation and holds
    /// the encoder near the start model instead.
    /// </summary>
    public bool Distilled =>
        Manifest.Distilled || Manifest.Epochs.Any(epoch => epoch.Phase == DualEncoderTrainer.DistillationPhase);

    /// <summary>
    /// The start model the options name, checked against them and the thesaurus; null for <see cref="Scratch"/>.
    /// </summary>
    public static StartModel? Resolve(DualEncoderOptions options, IconclassThesaurus thesaurus)
    {
        if (options.From == Scratch)
            return null;
        string path = BundledModels.Resolve(options.From);
        ModelManifest manifest;
        TextEncoderGraph encoder;
        IReadOnlySet<string> seen;
        try
        {
            (manifest, encoder, seen) = ModelFile.ReadEncoder(path, thesaurus);
        }
        catch (Exception exception) when (exception is InvalidDataException or FileNotFoundException)
        {
            throw new ArgumentException($"from: {exception.Message}", exception);
        }
        var differences = Differences(manifest, options).ToArray();
        if (differences.Length > 0)
            throw new ArgumentException(
                $"from: '{path}' cannot start this training: {string.Join("; ", differences)}. Set the options to "
                    + $"match it, or start from {Scratch}."
            );
        string hash;
        using (var file = File.OpenRead(path))
            hash = Convert.ToHexStringLower(SHA256.HashData(file));
        return new StartModel($"{Path.GetFileName(path)} (SHA-256 {hash[..16]})", manifest, encoder, seen);
    }

    private static IEnumerable<string> Differences(ModelManifest manifest, DualEncoderOptions options)
    {
        if (manifest.Encoder != options.Encoder)
            yield return $"its encoder is {manifest.Encoder}, the options ask for {options.Encoder}";
        else if (options.Encoder == TextEncoderKind.Ngram)
        {
            if (manifest.Buckets != options.NgramBuckets)
                yield return $"its n-gram encoder has {manifest.Buckets:N0} buckets, the options ask for "
                    + $"{options.NgramBuckets:N0}";
            if (manifest.Dimension != options.NgramDimension)
                yield return $"its n-gram encoder is {manifest.Dimension} wide, the options ask for "
                    + $"{options.NgramDimension}";
        }
    }

    /// <summary>Sets the new encoder's weights to the start model's.</summary>
    public void LoadInto(DualEncoder model)
    {
        switch (model.Tower)
        {
            case NgramTower ngram:
                ngram.ImportWeights(Encoder.NgramWeights());
                break;
            case MiniLmTower miniLm:
                OnnxBertWeights.Import(miniLm.Bert, Onnx.ModelProto.Parser.ParseFrom(Encoder.Onnx));
                break;
            default:
                throw new NotSupportedException($"{model.Tower.GetType().Name} cannot start from a saved model");
        }
    }
}
