using MarketStats.Reports.Disclosure;

namespace MarketStats.Tests.Reports.Disclosure;

/// <summary>A hierarchical dimension: node i has parent Parent[i] (−1 for the root, which is node 0); leaves have no children.</summary>
internal sealed record Dim(string Name, string[] Nodes, int[] Parent)
{
    public int[] Children(int node) => [.. Enumerable.Range(0, Nodes.Length).Where(i => Parent[i] == node)];
    public bool IsLeaf(int node) => Children(node).Length == 0;
    public IEnumerable<int> Ancestry(int node) { for (var n = node; n >= 0; n = Parent[n]) yield return n; }

    /// <summary>A total over <paramref name="leaves"/> leaves, optionally through <paramref name="groups"/> subtotals.</summary>
    public static Dim Flat(string name, int leaves, int groups = 0)
    {
        var nodes = new List<string> { "*" };
        var parent = new List<int> { -1 };
        for (var g = 0; g < groups; g++) { nodes.Add($"g{g}"); parent.Add(0); }
        for (var l = 0; l < leaves; l++) { nodes.Add($"{l}"); parent.Add(groups == 0 ? 0 : 1 + l * groups / leaves); }
        return new Dim(name, [.. nodes], [.. parent]);
    }
}

/// <summary>Builds the cells and every additivity relation of a cube with margins over hierarchical dimensions.</summary>
internal static class ReleaseCubes
{
    public static string Key(string prefix, Dim[] dims, int[] at) => prefix + "|" + string.Join("|", dims.Select((d, i) => $"{d.Name}={d.Nodes[at[i]]}"));

    /// <param name="leafValue">The value of each leaf combination (indexes of nodes per dimension).</param>
    /// <param name="primary">Primary status of each cell, from its node combination and value.</param>
    public static (List<ReleaseCell> Cells, List<AdditiveRelation> Relations) Build(string prefix, Dim[] dims,
        Func<int[], double> leafValue, Func<int[], double, Suppression> primary)
    {
        var all = Combos(dims.Select(d => Enumerable.Range(0, d.Nodes.Length).ToArray()).ToArray()).ToList();
        var value = new Dictionary<string, double>();
        foreach (var at in all) value[Key(prefix, dims, at)] = 0;
        foreach (var leaf in all.Where(at => at.Select((n, i) => dims[i].IsLeaf(n)).All(b => b)))
        {
            var v = leafValue(leaf);
            foreach (var up in Combos(leaf.Select((n, i) => dims[i].Ancestry(n).ToArray()).ToArray())) value[Key(prefix, dims, up)] += v;
        }
        var cells = all.Select(at => { var k = Key(prefix, dims, at); return new ReleaseCell(k, value[k], primary(at, value[k])); }).ToList();
        var relations = new List<AdditiveRelation>();
        foreach (var at in all)
            for (var d = 0; d < dims.Length; d++)
            {
                var children = dims[d].Children(at[d]);
                if (children.Length == 0) continue;
                relations.Add(new AdditiveRelation(Key(prefix, dims, at),
                    [.. children.Select(c => { var m = (int[])at.Clone(); m[d] = c; return Key(prefix, dims, m); })]));
            }
        return (cells, relations);
    }

    private static IEnumerable<int[]> Combos(int[][] choices)
    {
        IEnumerable<int[]> acc = [[]];
        foreach (var c in choices) acc = acc.SelectMany(prefix => c.Select(n => (int[])[.. prefix, n]));
        return acc;
    }

    public static IReadOnlyDictionary<string, Suppression> With(this IReadOnlyDictionary<string, Suppression> status, string key, Suppression s) =>
        new Dictionary<string, Suppression>(status) { [key] = s };

    public static IReadOnlyDictionary<string, Suppression> PrimaryOnly(IEnumerable<ReleaseCell> cells) => cells.ToDictionary(c => c.Key, c => c.Primary);
}
