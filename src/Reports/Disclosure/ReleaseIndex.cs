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
    /// <summary>Each release cell's unit (cells suppressed together); −1 for earlier-only keys.</summary>
    public required int[] Unit { get; init; }
    /// <summary>The release cells of each unit.</summary>
    public required int[][] UnitMembers { get; init; }
    /// <summary>What the attacker contributed to the cell itself (a member auditing the release it receives): the audit
    /// protects Value − Own, what the others contributed, and the attacker knows the cell is at least Own. 0 by default.</summary>
    public required double[] Own { get; init; }
    /// <summary>Contributors who attack knowing their own parts (per attacker, own value per id), audited besides the
    /// outsider (<see cref="Own"/> all 0 on the release itself).</summary>
    public (string Name, double[] Own)[] Attackers { get; init; } = [];
    /// <summary>Whose view this is: null for the outsider (or the single attacker of <see cref="Own"/>).</summary>
    public string? AttackerName { get; init; }

    public int Count => Keys.Length;

    /// <summary>May be hidden by the solver: a primary cell, or a suppressible one.</summary>
    public bool IsHideable(int k) => k < CellCount && (Primary[k] != Suppression.None || IsSuppressible(k));

    /// <summary>A primary cell the audit must protect (a zero reveals no one's figure).</summary>
    public bool IsTarget(int k) => k < CellCount && Primary[k] != Suppression.None && Value[k] - Own[k] > 0;

    /// <summary>May be chosen as a complement: a published non-empty cell the recipient has not seen before.</summary>
    public bool IsSuppressible(int k) => k < CellCount && !Before[k] && Primary[k] == Suppression.None && Value[k] > 0;

    public static ReleaseIndex Build(IReadOnlyList<ReleaseCell> cells, IReadOnlyList<AdditiveRelation> relations, IReadOnlyList<PublishedValue>? before,
        IReadOnlyDictionary<string, double>? attackerOwn = null, IReadOnlyList<Attacker>? attackers = null)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(relations);
        var id = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new List<string>();
        var value = new List<double>();
        var primary = new List<Suppression>();
        var unitId = new Dictionary<string, int>(StringComparer.Ordinal);
        var unit = new List<int>();
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
            // A cell without a unit is its own; the "\0" prefix keeps its key apart from any named unit.
            var u = c.Unit ?? "\0" + c.Key;
            if (!unitId.TryGetValue(u, out var ui)) unitId.Add(u, ui = unitId.Count);
            unit.Add(ui);
        }
        var cellCount = keys.Count;
        var own = new double[cellCount];
        double[] OwnOf(IReadOnlyDictionary<string, double> contributions, string who)
        {
            var result = new double[cellCount];
            foreach (var (key, contribution) in contributions)
            {
                if (!id.TryGetValue(key, out var k) || k >= cellCount)
                    throw new ArgumentException($"The own contribution of {who} names {key}, which is not a cell of the release.", nameof(attackers));
                if (!double.IsFinite(contribution) || contribution < 0 || contribution > value[k] + 1e-9 * Math.Max(1, value[k]))
                    throw new ArgumentException($"The own contribution of {who} to {key} ({contribution}) must lie between 0 and the cell's value ({value[k]}).", nameof(attackers));
                result[k] = Math.Min(contribution, value[k]);
            }
            return result;
        }
        if (attackerOwn is not null) own = OwnOf(attackerOwn, "the attacker");
        var attackerOwns = (attackers ?? []).Select(a => (a.Name, Own: OwnOf(a.Own, a.Name))).ToArray();
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
            Unit = [.. unit, .. Enumerable.Repeat(-1, n - cellCount)],
            UnitMembers = [.. Enumerable.Range(0, cellCount).GroupBy(k => unit[k]).OrderBy(g => g.Key).Select(g => g.ToArray())],
            Own = [.. own, .. new double[n - cellCount]],
            Attackers = [.. attackerOwns.Select(a => (a.Name, (double[])[.. a.Own, .. new double[n - cellCount]]))],
            Constant = [.. Enumerable.Range(0, n).Select(k => known.TryGetValue(k, out var v) ? v : value[k])],
            CellCount = cellCount,
            Relations = rels,
            RelationsOf = [.. of.Select(l => l?.ToArray() ?? [])],
        };
    }

    /// <summary>
    /// Independent parts of the release: cells that may be hidden, linked by a shared relation or unit. Published
    /// constants do not link (an attacker reads them either way), so each part can be protected on its own; each is
    /// returned with the relations that touch it. Parts without a relation and without a hidden cell are left out.
    /// </summary>
    public List<(int[] Cells, int[] Relations)> Components()
    {
        var parent = Enumerable.Range(0, CellCount).ToArray();
        int Find(int a) { while (parent[a] != a) a = parent[a] = parent[parent[a]]; return a; }
        void Join(int a, int b) { a = Find(a); b = Find(b); if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b); }
        foreach (var rel in Relations)
        {
            var first = -1;
            foreach (var (k, _) in rel)
                if (IsHideable(k)) { if (first < 0) first = k; else Join(first, k); }
        }
        foreach (var members in UnitMembers)
        {
            var first = -1;
            foreach (var k in members)
                if (IsHideable(k)) { if (first < 0) first = k; else Join(first, k); }
        }
        var cellsOf = new Dictionary<int, List<int>>();
        for (var k = 0; k < CellCount; k++)
            if (IsHideable(k)) { var root = Find(k); if (!cellsOf.TryGetValue(root, out var l)) cellsOf[root] = l = []; l.Add(k); }
        var relationsOf = new Dictionary<int, List<int>>();
        for (var r = 0; r < Relations.Length; r++)
            foreach (var (k, _) in Relations[r])
                if (IsHideable(k)) { var root = Find(k); if (!relationsOf.TryGetValue(root, out var l)) relationsOf[root] = l = []; l.Add(r); break; }
        return [.. cellsOf.OrderBy(c => c.Key).Select(c => (c.Value.ToArray(), relationsOf.TryGetValue(c.Key, out var rs) ? rs.ToArray() : []))];
    }

    /// <summary>The part of this release made of <paramref name="cells"/> and <paramref name="relations"/>, with every
    /// constant those relations name and the rest of each cell's unit.</summary>
    /// <returns>The part, and for each of its ids the id in this release.</returns>
    public (ReleaseIndex Part, int[] Ids) Part(IReadOnlyCollection<int> cells, IReadOnlyCollection<int> relations)
    {
        var needed = new SortedSet<int>(cells);
        foreach (var r in relations) foreach (var (k, _) in Relations[r]) needed.Add(k);
        foreach (var k in cells) needed.UnionWith(UnitMembers[Unit[k]]);
        var map = new Dictionary<int, int>();
        foreach (var k in needed) map[k] = map.Count;   // sorted: release cells keep coming before earlier-only keys
        var ids = needed.ToArray();
        var cellCount = ids.Count(k => k < CellCount);
        var units = ids.Where(k => k < CellCount).Select(k => Unit[k]).Distinct().ToList();
        var unitMap = units.Select((u, i) => (u, i)).ToDictionary(p => p.u, p => p.i);
        var rels = relations.Select(r => Relations[r].Select(e => (map[e.Key], e.Coef)).ToArray()).ToArray();
        var of = new List<int>[ids.Length];
        for (var r = 0; r < rels.Length; r++) foreach (var (k, _) in rels[r]) (of[k] ??= []).Add(r);
        return (new ReleaseIndex
        {
            Keys = [.. ids.Select(k => Keys[k])],
            Value = [.. ids.Select(k => Value[k])],
            Primary = [.. ids.Select(k => Primary[k])],
            Before = [.. ids.Select(k => Before[k])],
            Constant = [.. ids.Select(k => Constant[k])],
            CellCount = cellCount,
            Relations = rels,
            RelationsOf = [.. of.Select(l => l?.ToArray() ?? [])],
            Unit = [.. ids.Select(k => k < CellCount ? unitMap[Unit[k]] : -1)],
            UnitMembers = [.. units.Select(u => UnitMembers[u].Where(map.ContainsKey).Select(k => map[k]).ToArray())],
            Own = [.. ids.Select(k => Own[k])],
            // Only those with a part in this part of the release can know more than an outsider here.
            Attackers = [.. Attackers.Where(a => ids.Any(k => a.Own[k] > 0)).Select(a => (a.Name, ids.Select(k => a.Own[k]).ToArray()))],
            AttackerName = AttackerName,
        }, ids);
    }

    /// <summary>The same release as <paramref name="attacker"/> sees it: its own parts known.</summary>
    public ReleaseIndex As((string Name, double[] Own) attacker) => new()
    {
        Keys = Keys, Value = Value, Primary = Primary, Before = Before, Constant = Constant, CellCount = CellCount,
        Relations = Relations, RelationsOf = RelationsOf, Unit = Unit, UnitMembers = UnitMembers,
        Own = attacker.Own, AttackerName = attacker.Name,
    };

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
