using MlNetIconclass.Features;
using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Training;

/// <summary>Options of the dual encoder, in ML.NET's style: plain settable fields with defaults.</summary>
public sealed class DualEncoderOptions
{
    public TextEncoderKind Encoder { get; set; } = TextEncoderKind.Ngram;

    /// <summary>Epochs over the collection's training records (mixed with thesaurus pairs).</summary>
    public int Epochs { get; set; } = 8;

    /// <summary>Epochs over thesaurus pairs alone before the collection is seen; 0 skips pretraining.</summary>
    public int ThesaurusEpochs { get; set; } = 2;

    /// <summary>Thesaurus pairs drawn per epoch (all of them are over a million in every language).</summary>
    public int ThesaurusExamplesPerEpoch { get; set; } = 60_000;

    /// <summary>False trains on the thesaurus alone: the zero-shot model.</summary>
    public bool UseCollection { get; set; } = true;

    public int BatchSize { get; set; } = 128;

    /// <summary>
    /// Rank the validation records against every label after each epoch. Cheap for n-grams; for MiniLM on a CPU it
    /// means encoding all 40,698 label documents each time (minutes).
    /// </summary>
    public bool ValidateEachEpoch { get; set; } = true;

    /// <summary>Null picks the encoder's default: 2e-3 for n-grams, 3e-5 for MiniLM.</summary>
    public double? LearningRate { get; set; }

    /// <summary>Thesaurus languages to learn from; null takes English and the collection's languages.</summary>
    public IReadOnlyList<string>? Languages { get; set; }

    /// <summary>Titles and descriptions: on the Suriname validation records this beat titles alone (R@10 + MRR 1.427 against 1.390).</summary>
    public QueryFields QueryFields { get; set; } = QueryFields.TitlesAndDescriptions;

    /// <summary>Siblings in the tree added per positive label as hard negatives.</summary>
    public int HardNegativesPerLabel { get; set; } = 1;

    public int NgramBuckets { get; set; } = 1 << 16;

    public int NgramDimension { get; set; } = 128;

    /// <summary>The vision model whose features the query tower fuses with the text; null trains a text-only model.</summary>
    public ImageModelOptions? ImageModel { get; set; }

    /// <summary>The folder relative image paths in the records start from (by default the current one).</summary>
    public string? ImageFolder { get; set; }

    /// <summary>Where image features are kept by content hash, so that retraining does not recompute them.</summary>
    public string? ImageCacheFolder { get; set; }

    /// <summary>Optimiser steps for the image projection (full batch: collections with images are small here).</summary>
    public int VisionSteps { get; set; } = 300;

    /// <summary>
    /// Passes over the training images that fine-tune the vision model itself, in TorchSharp, after the projection
    /// (its weights then travel in the model file, exported to ONNX); 0 keeps the pretrained weights.
    /// </summary>
    public int ImageBackboneEpochs { get; set; }

    public int Seed { get; set; } = 1;

    public ComputeDevice Device { get; set; } = ComputeDevice.Auto;

    internal double EffectiveLearningRate => LearningRate ?? (Encoder == TextEncoderKind.Ngram ? 2e-3 : 3e-5);
}
