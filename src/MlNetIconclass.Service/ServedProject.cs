using MlNetIconclass.Models;

namespace MlNetIconclass.Service;

/// <summary>
/// A model as a project: its id, and the language its queries are read in (the first it was trained on). The project
/// does not own the model; whoever loaded it disposes it.
/// </summary>
public sealed class ServedProject
{
    public ServedProject(string id, IconclassModel model, DateTimeOffset? modified = null)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(id, "^[A-Za-z0-9][A-Za-z0-9._-]*$"))
            throw new ArgumentException(
                $"'{id}' is not a project id: use letters, digits, '.', '_' and '-' (first a letter or digit).",
                nameof(id)
            );
        Id = id;
        Model = model;
        Ranker = model;
        Modified = modified;
        Language = model.Manifest.Languages.FirstOrDefault() ?? Thesaurus.IconclassThesaurus.FallbackLanguage;
        ScoreScale = model.ScoreBound;
    }

    public string Id { get; }

    public IconclassModel Model { get; }

    public string Language { get; }

    public DateTimeOffset? Modified { get; }

    /// <summary>What a model's score is divided by to lie in [0, 1], as Annif's scores do.</summary>
    public double ScoreScale { get; }

    /// <summary>What ranks the project's requests: the model (a test puts a failing ranker here).</summary>
    internal IArtworkRanker Ranker { get; init; }
}
