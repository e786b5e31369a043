using MlNetIconclass.Models;

namespace MlNetIconclass.Service;

/// <summary>
/// A model as a project: its id, the file it was loaded from (which a service started with
/// <see cref="ServiceOptions.AllowLearn"/> writes what it learns to), and the language its queries are read in (the
/// first it was trained on). Learning replaces the project's model with the one that learnt; the service disposes the
/// models it replaced, and whoever loaded the first disposes <see cref="Model"/>, the last, when the service is done.
/// </summary>
public sealed class ServedProject
{
    public ServedProject(string id, IconclassModel model, DateTimeOffset? modified = null, string? modelPath = null)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(id, "^[A-Za-z0-9][A-Za-z0-9._-]*$"))
            throw new ArgumentException(
                $"'{id}' is not a project id: use letters, digits, '.', '_' and '-' (first a letter or digit).",
                nameof(id)
            );
        Id = id;
        Model = model;
        Modified = modified;
        ModelPath = modelPath;
        Language = model.Manifest.Languages.FirstOrDefault() ?? Thesaurus.IconclassThesaurus.FallbackLanguage;
        ScoreScale = model.ScoreBound;
    }

    public string Id { get; }

    /// <summary>The model the project ranks with now.</summary>
    public IconclassModel Model { get; private set; }

    /// <summary>The model file, when the project was loaded from one.</summary>
    public string? ModelPath { get; }

    public string Language { get; }

    /// <summary>When the model was written: its file's time, then that of the last learning.</summary>
    public DateTimeOffset? Modified { get; private set; }

    /// <summary>What a model's score is divided by to lie in [0, 1], as Annif's scores do.</summary>
    public double ScoreScale { get; }

    /// <summary>What ranks the project's requests instead of its model (a test puts a failing ranker here).</summary>
    internal IArtworkRanker? Ranker { get; init; }

    /// <summary>
    /// Puts a model that learnt from <see cref="Model"/> in its place, and returns the one it replaced. Learning keeps
    /// the encoder, the label side and the fusion, so the language and the score scale stay.
    /// </summary>
    internal IconclassModel Replace(IconclassModel learned, DateTimeOffset modified)
    {
        var replaced = Model;
        Model = learned;
        Modified = modified;
        return replaced;
    }
}
