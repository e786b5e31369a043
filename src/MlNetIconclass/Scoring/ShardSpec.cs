namespace MlNetIconclass.Scoring;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (1-based, as <c>--shard 2/4</c>): every Count-th chunk of the
/// dump, so N processes (Kubernetes Indexed Jobs, Slurm arrays) split it without talking to each other.
/// </summary>
public readonly record struct ShardSpec(int Index, int Count)
{
    public static ShardSpec Whole { get; } = new(1, 1);

    public bool Owns(int chunk) => chunk % Count == Index - 1;

    public static ShardSpec Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int index) || !int.TryParse(parts[1], out int count))
            throw new FormatException($"'{text}' is not a shard I/N (for example 2/4).");
        if (count < 1 || index < 1 || index > count)
            throw new FormatException($"'{text}': the shard I/N needs 1 <= I <= N.");
        return new ShardSpec(index, count);
    }

    public override string ToString() => $"{Index}/{Count}";
}
