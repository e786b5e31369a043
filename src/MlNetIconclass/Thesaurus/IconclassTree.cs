namespace MlNetIconclass.Thesaurus;

/// <summary>The notation tree of <c>notations.txt</c> and the key sets of <c>keys.txt</c>.</summary>
public sealed class IconclassTree
{
    private readonly Dictionary<string, TreeNode> _nodes;
    private readonly Dictionary<string, IReadOnlyList<string>> _keySets;

    internal IconclassTree(IReadOnlyList<TreeNode> nodes, Dictionary<string, IReadOnlyList<string>> keySets)
    {
        Notations = nodes.Select(node => node.Notation).ToArray();
        _nodes = nodes.ToDictionary(node => node.Notation, StringComparer.Ordinal);
        _keySets = keySets;
        foreach (var node in nodes)
        foreach (var child in node.Children)
            if (_nodes.TryGetValue(child, out var childNode))
                childNode.Parent = node.Notation;
        Roots = nodes.Where(node => node.Parent is null).Select(node => node.Notation).ToArray();
    }

    /// <summary>Every notation that has a record, in file order.</summary>
    public IReadOnlyList<string> Notations { get; }

    /// <summary>Notations that are nobody's child: the ten divisions 0 to 9.</summary>
    public IReadOnlyList<string> Roots { get; }

    public int KeySetCount => _keySets.Count;

    public bool Contains(string notation) => _nodes.ContainsKey(notation);

    public string? GetParent(string notation) => _nodes.TryGetValue(notation, out var node) ? node.Parent : null;

    public IReadOnlyList<string> GetChildren(string notation) =>
        _nodes.TryGetValue(notation, out var node) ? node.Children : [];

    public IReadOnlyList<string> GetRelated(string notation) =>
        _nodes.TryGetValue(notation, out var node) ? node.Related : [];

    /// <summary>Ancestors from the parent up to the root.</summary>
    public IReadOnlyList<string> GetAncestors(string notation)
    {
        var ancestors = new List<string>();
        for (var parent = GetParent(notation); parent is not null; parent = GetParent(parent))
            ancestors.Add(parent);
        return ancestors;
    }

    /// <summary>Distance from the root (a division is at depth 0).</summary>
    public int GetDepth(string notation) => GetAncestors(notation).Count;

    /// <summary>The key set that may be attached to a listed notation, if any.</summary>
    public string? GetKeySet(string notation) => _nodes.TryGetValue(notation, out var node) ? node.KeySet : null;

    public IReadOnlyList<string> GetKeySuffixes(string keySetId) =>
        _keySets.TryGetValue(keySetId, out var suffixes) ? suffixes : [];

    /// <summary>
    /// Every listed notation followed by each of its keyed forms, <c>BASE(+SUFFIX)</c>. Suffixes holding a <c>q</c>
    /// are left out, as the upstream indexer does.
    /// </summary>
    public IEnumerable<string> ExpandKeys()
    {
        foreach (var notation in Notations)
        {
            yield return notation;
            if (GetKeySet(notation) is not { } keySet)
                continue;
            foreach (var suffix in GetKeySuffixes(keySet))
                if (!suffix.Contains('q'))
                    yield return $"{notation}(+{suffix})";
        }
    }

    internal sealed class TreeNode(
        string notation,
        IReadOnlyList<string> children,
        string? keySet,
        IReadOnlyList<string> related
    )
    {
        public string Notation { get; } = notation;
        public IReadOnlyList<string> Children { get; } = children;
        public string? KeySet { get; } = keySet;
        public IReadOnlyList<string> Related { get; } = related;
        public string? Parent { get; set; }
    }
}
