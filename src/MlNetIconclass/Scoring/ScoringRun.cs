using System.Text.Json;

namespace MlNetIconclass.Scoring;

/// <summary>
/// What a scoring run is: its input (each file with its size; a text dump's format, mapping and chunk size), the model
/// that ranks, and the options that change the output. Kept beside a run's parts, so that a resumed run can be
/// checked to be the same run, and in the footer of its output, so that <c>merge</c> can check that its shards are
/// the shards of one run, each once.
/// </summary>
public sealed record ScoringRun
{
    /// <summary>The key of the output's footer that holds the run.</summary>
    internal const string MetadataKey = "mlneticonclass.scoring-run";

    public required IReadOnlyList<string> Input { get; init; }
    public required string Model { get; init; }
    public required int Top { get; init; }

    /// <summary>The lowest score written (0 in runs from before it could be set).</summary>
    public double Threshold { get; init; }

    /// <summary>Whether the codes are written with their explanations.</summary>
    public bool Explain { get; init; }
    public string? Language { get; init; }
    public required int Shard { get; init; }
    public required int Shards { get; init; }

    public ShardSpec ShardSpec => new(Shard, Shards);

    /// <summary>What differs from another run, each as a phrase ("the model", "--top: 20 then, 3 now").</summary>
    public IEnumerable<string> Differences(ScoringRun other, bool shard = true)
    {
        if (!Input.SequenceEqual(other.Input))
            yield return $"the input ({string.Join(", ", other.Input)} then; {string.Join(", ", Input)} now)";
        if (Model != other.Model)
            yield return $"the model ({other.Model} then, {Model} now)";
        if (Top != other.Top)
            yield return $"--top ({other.Top} then, {Top} now)";
        if (Threshold != other.Threshold)
            yield return $"--threshold ({other.Threshold} then, {Threshold} now)";
        if (Explain != other.Explain)
            yield return $"--explain ({(other.Explain ? "on" : "off")} then, {(Explain ? "on" : "off")} now)";
        if (Language != other.Language)
            yield return $"--language ({other.Language ?? "each record's"} then, {Language ?? "each record's"} now)";
        if (shard && (Shard, Shards) != (other.Shard, other.Shards))
            yield return $"--shard ({other.ShardSpec} then, {ShardSpec} now)";
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The run a file's footer or a parts folder's <c>run.json</c> holds; null when there is none.</summary>
    public static ScoringRun? FromJson(string? json)
    {
        if (json is null)
            return null;
        try
        {
            return JsonSerializer.Deserialize<ScoringRun>(
                json,
                new JsonSerializerOptions { RespectNullableAnnotations = true }
            );
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
