namespace MlNetIconclass.Retrieval;

/// <summary>
/// Labels by their position in a label space, and back: what lets candidates be scored over arrays. The space of a
/// model is fixed (a label outside it is an error); an open space takes each new label as it comes.
/// </summary>
internal sealed class LabelPositions
{
    private readonly List<string> _labels;
    private readonly Dictionary<string, int> _positions;
    private readonly bool _open;

    public LabelPositions(IReadOnlyList<string> labels)
    {
        _labels = [.. labels];
        _positions = new Dictionary<string, int>(labels.Count, StringComparer.Ordinal);
        for (int i = 0; i < labels.Count; i++)
            _positions.TryAdd(labels[i], i);
    }

    private LabelPositions()
    {
        _labels = [];
        _positions = new Dictionary<string, int>(StringComparer.Ordinal);
        _open = true;
    }

    /// <summary>A space that grows with every label it is asked for (not shared between threads).</summary>
    public static LabelPositions Open() => new();

    private int[]? _ordinalRanks;

    public string this[int position] => _labels[position];

    /// <summary>
    /// Each position's rank in the ordinal order of the labels, so that ties between candidates can be broken by
    /// notation with an integer comparison.
    /// </summary>
    public int[] OrdinalRanks()
    {
        if (_ordinalRanks is { } ranks && ranks.Length == _labels.Count)
            return ranks;
        var order = Enumerable.Range(0, _labels.Count).ToArray();
        Array.Sort(order, (a, b) => string.CompareOrdinal(_labels[a], _labels[b]));
        ranks = new int[order.Length];
        for (int rank = 0; rank < order.Length; rank++)
            ranks[order[rank]] = rank;
        return _ordinalRanks = ranks;
    }

    public bool TryGet(string label, out int position) => _positions.TryGetValue(label, out position);

    public int Of(string label)
    {
        if (_positions.TryGetValue(label, out int position))
            return position;
        if (!_open)
            throw new ArgumentException($"'{label}' is not in the model's label space.", nameof(label));
        _positions[label] = _labels.Count;
        _labels.Add(label);
        return _labels.Count - 1;
    }
}
