namespace MarketStats.Reports.Disclosure;

/// <summary>A release as integer ids: its cells first (0 … CellCount−1), then keys seen only in earlier releases.</summary>
internal sealed class ReleaseIndex
{
    public required string[] Keys { get; init; }
    /// <summary>The true value of a release cell; for an earlier-only key, the value published then.</summary>
    public required double[] Value { get; init; }
    public required Suppression[] Primary { get; init; }
    /// <summary>Published to the same recipient in an earlier release: a constant to the attacker, whatever happens now.</summary>
    public required bool[] Before { get; init; }
    /// <summary>What the attacker reads when the key is published (now or before).</summary>
    public required double[] Constant { get; init; }
    public required int CellCount { get; init; }
    /// <summary>Each relation as (key, coefficient) with total − Σ members = 0; a key repeated is merged.</summary>
    public required (int Key, double Coef)[][] Relations { get; init; }
    public required int[][] RelationsOf { get; init; }

    public int Count => Keys.Length;

    /// <summary>A primary cell the audit must protect (a zero reveals no one's figure).</summary>
    public bool IsTarget(int k) => k < CellCount && Primary[k] != Suppression.None && Value[k] > 0;

    /// <summary>May be chosen as a complement: a published non-empty cell the recipient has not seen before.</summary>
    public bool IsSuppressible(int k) => k < CellCount && !Before[k] && Primary[k] == Suppression.None && Value[k] > 0;

    public static ReleaseIndex Build(IReadOnlyList<ReleaseCell> cells, IReadOnlyList<AdditiveRelation> relations, IReadOnlyList<PublishedValue>? before)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(relations);
        var id = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new List<string>();
        var value = new List<double>();
        var primary = new List<Suppression>();
        foreach (var c in cells)
        {
            if (!double.IsFinite(c.Value) || c.Value < 0)
                throw new ArgumentException($"Cell {c.Key} has value {c.Value}: values must be finite and at least 0.", nameof(cells));
            if (c.Primary == Suppression.Complementary)
                throw new ArgumentException($"Cell {c.Key}: Complementary is not a primary reason.", nameof(cells));
            if (!id.TryAdd(c.Key, keys.Count)) throw new ArgumentException($"Cell {c.Key} appears twice in the release.", nameof(cells));
            keys.Add(c.Key);
            value.Add(c.Value);
            primary.Add(c.Primary);
        }
        var cellCount = keys.Count;
        var known = new Dictionary<int, double>();
        foreach (var p in before ?? [])
        {
            if (!double.IsFinite(p.Value)) throw new ArgumentException($"Earlier value of {p.Key} is not finite.", nameof(before));
            if (!id.TryGetValue(p.Key, out var k))
            {
                k = keys.Count;
                id.Add(p.Key, k);
                keys.Add(p.Key);
                value.Add(p.Value);
                primary.Add(Suppression.None);
            }
            known[k] = p.Value;
        }
        var rels = new (int, double)[relations.Count][];
        var of = new List<int>[keys.Count];
        for (var r = 0; r < relations.Count; r++)
        {
            var coef = new Dictionary<int, double>();
            void Add(string key, double c)
            {
                if (!id.TryGetValue(key, out var k))
                    throw new ArgumentException($"Relation {relations[r].Total} = Σ… names {key}, which is neither a cell of the release nor published before.", nameof(relations));
                coef[k] = coef.GetValueOrDefault(k) + c;
            }
            Add(relations[r].Total, 1);
            foreach (var m in relations[r].Members) Add(m, -1);
            rels[r] = [.. coef.Where(p => p.Value != 0).Select(p => (p.Key, p.Value))];
            foreach (var (k, _) in rels[r]) (of[k] ??= []).Add(r);
        }
        var n = keys.Count;
        return new ReleaseIndex
        {
            Keys = [.. keys],
            Value = [.. value],
            Primary = [.. primary],
            Before = [.. Enumerable.Range(0, n).Select(known.ContainsKey)],
            Constant = [.. Enumerable.Range(0, n).Select(k => known.TryGetValue(k, out var v) ? v : value[k])],
            CellCount = cellCount,
            Relations = rels,
            RelationsOf = [.. of.Select(l => l?.ToArray() ?? [])],
        };
    }

    /// <summary>Hidden per key from a status map (earlier-only keys are never hidden: they were published).</summary>
    public bool[] Hidden(IReadOnlyDictionary<string, Suppression> status)
    {
        var hidden = new bool[Count];
        for (var k = 0; k < CellCount; k++)
        {
            if (!status.TryGetValue(Keys[k], out var s)) throw new ArgumentException($"No status for cell {Keys[k]}.", nameof(status));
            hidden[k] = s != Suppression.None;
        }
        return hidden;
    }
}
