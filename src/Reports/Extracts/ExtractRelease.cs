using System.Globalization;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Extracts;

/// <summary>One row of the extract table: a dimension cell, its canonical id, and its status (all its measures share it).</summary>
public sealed class ExtractRow
{
    public required ExtractCubeCell Cell { get; init; }
    /// <summary>The dimension cell's canonical id (the key without its measure): the suppression unit.</summary>
    public required string Unit { get; init; }
    public Suppression Status { get; set; }
    public bool Published => Status == Suppression.None;
}

/// <summary>
/// An extract as one disclosure problem: every cell of the table (measure × dimension cell) under a canonical key that
/// is stable across requests, additivity relations for the additive measures, primary suppression by the extract
/// policy, complementary suppression over the whole release together with everything the same recipient received
/// before (<see cref="EarlierReleases"/>), and the attack audit as the condition for writing.
/// </summary>
/// <remarks>
/// Key: <c>measure|part|part…</c>, the parts sorted: each dimension the cell names (<c>worker_prefecture=13</c>), each
/// filter restriction it does not name (<c>fiscal_year=2024</c>; several codes: <c>category∈design,writing</c>), margins
/// omitted, and a part another part implies dropped (a prefecture's region, a month's fiscal year and quarter). So two
/// requests that publish the same quantity give it the same key whatever else they ask, and the audit sees through them.
/// All measures of one dimension cell are hidden together (the cell is the suppression unit): the non-additive measures
/// (jobs, persons) have no relations and are protected by being hidden with their cell.
/// </remarks>
public sealed class ExtractRelease
{
    private readonly ExtractRequest request;
    private readonly DisclosurePolicy policy;
    private readonly Dictionary<string, ReleaseCell> cells = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> unitOfKey = new(StringComparer.Ordinal);
    private readonly List<AdditiveRelation> relations = [];
    private readonly HashSet<string> relationIds = new(StringComparer.Ordinal);

    public ExtractRelease(ExtractRequest request, IReadOnlyList<ExtractCubeCell> cube, DisclosurePolicy policy)
    {
        this.request = request;
        this.policy = policy;
        Rows = BuildRows(cube);
        foreach (var row in Rows)
            foreach (var m in request.Measures)
            {
                var key = Key(m, row.Cell);
                unitOfKey[key] = row.Unit;
                // The dimension cell is the unit: all its measures are published or suppressed together.
                cells.TryAdd(key, new ReleaseCell(key, row.Cell.Value(m), DisclosureControl.Primary(row.Cell.Sdc(m), policy), Unit: row.Unit));
            }
        BuildRelations(cube);
    }

    /// <summary>The table's rows, one per dimension cell (cells that the codes make the same quantity appear once).</summary>
    public IReadOnlyList<ExtractRow> Rows { get; }

    public IReadOnlyList<ReleaseCell> Cells => [.. cells.Values];

    public IReadOnlyList<AdditiveRelation> Relations => relations;

    /// <summary>The primary reason of a row's own cells (the first measure's that has one), or None.</summary>
    public Suppression PrimaryOf(ExtractRow row) =>
        request.Measures.Select(m => cells[Key(m, row.Cell)].Primary).FirstOrDefault(p => p != Suppression.None);

    /// <summary>The key of <paramref name="measure"/> in <paramref name="cell"/>.</summary>
    public string Key(ExtractMeasure measure, ExtractCubeCell cell) => measure.Name + "|" + UnitOf(cell);

    /// <summary>The canonical id of a dimension cell: its parts, sorted; <c>all</c> when it names none.</summary>
    public string UnitOf(ExtractCubeCell cell)
    {
        var fixedCodes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Dimensions.Count; i++)
            if (cell.Codes[i] is { } code) fixedCodes[request.Dimensions[i].Name] = code;
        var restrictions = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, codes) in request.Filters)
        {
            if (fixedCodes.ContainsKey(name)) continue;
            var dimension = ExtractCatalogue.Dimension(name)!;
            if (dimension.Codes is { } all && codes.Count == all.Count) continue; // every code: no restriction
            if (codes.Count == 1) fixedCodes[name] = codes[0];
            else restrictions[name] = codes;
        }
        var implied = fixedCodes.Keys.SelectMany(d => ExtractCatalogue.Dimension(d)!.Implies.Keys).ToHashSet(StringComparer.Ordinal);
        var parts = fixedCodes.Where(f => !implied.Contains(f.Key)).Select(f => $"{f.Key}={f.Value}")
            .Concat(restrictions.Where(r => !implied.Contains(r.Key)).Select(r => $"{r.Key}∈{string.Join(',', r.Value)}"))
            .Order(StringComparer.Ordinal).ToList();
        return parts.Count == 0 ? "all" : string.Join('|', parts);
    }

    private List<ExtractRow> BuildRows(IReadOnlyList<ExtractCubeCell> cube)
    {
        var rows = new Dictionary<string, ExtractRow>(StringComparer.Ordinal);
        // Where two cells are one quantity (a prefecture with and without its region), keep the one that names more.
        foreach (var cell in cube.OrderByDescending(c => c.Codes.Count(x => x is not null)))
        {
            var unit = UnitOf(cell);
            rows.TryAdd(unit, new ExtractRow { Cell = cell, Unit = unit });
        }
        return [.. rows.Values.OrderBy(r => r, Comparer<ExtractRow>.Create(CompareRows))];
    }

    private int CompareRows(ExtractRow a, ExtractRow b)
    {
        for (var i = 0; i < request.Dimensions.Count; i++)
        {
            var order = request.Dimensions[i].Codes;
            var (x, y) = (a.Cell.Codes[i], b.Cell.Codes[i]);
            if (x == y) continue;
            if (x is null) return 1; // margins last
            if (y is null) return -1;
            var c = order is null ? string.CompareOrdinal(x, y) : IndexIn(order, x).CompareTo(IndexIn(order, y));
            if (c != 0) return c;
        }
        return 0;
    }

    private static int IndexIn(IReadOnlyList<string> list, string code)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == code) return i;
        return int.MaxValue;
    }

    /// <summary>For each additive measure: along each dimension, each margin is the sum of the cells that name a code there.</summary>
    private void BuildRelations(IReadOnlyList<ExtractCubeCell> cube)
    {
        var n = request.Dimensions.Count;
        for (var i = 0; i < n; i++)
        {
            var byRest = cube.Where(c => c.Codes[i] is not null)
                .GroupBy(c => Id(c.Codes, i), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            foreach (var total in cube.Where(c => c.Codes[i] is null))
            {
                if (!byRest.TryGetValue(Id(total.Codes, i), out var members)) continue;
                foreach (var m in request.Measures.Where(m => m.Additive))
                {
                    var totalKey = Key(m, total);
                    var memberKeys = members.Select(c => Key(m, c)).Distinct(StringComparer.Ordinal).ToList();
                    if (memberKeys.Count == 0 || (memberKeys.Count == 1 && memberKeys[0] == totalKey)) continue;
                    if (relationIds.Add(totalKey + "=" + string.Join('+', memberKeys.Order(StringComparer.Ordinal))))
                        relations.Add(new AdditiveRelation(totalKey, memberKeys));
                }
            }
        }
    }

    private static string Id(string?[] codes, int without) =>
        string.Join('\u001f', codes.Select((c, j) => j == without ? "\u0001" : c ?? "\u0000"));

    /// <summary>
    /// Chooses the complementary suppressions over this release and everything in <paramref name="earlier"/>, hides
    /// every measure of a dimension cell together, and checks the final pattern with the attack audit over all of it.
    /// </summary>
    /// <exception cref="DisclosureAuditException">No pattern protects every primary cell (e.g. one the recipient was given before).</exception>
    public ReleaseSuppression.SolveReport Solve(EarlierReleases earlier)
    {
        var unitPrimary = Rows.ToDictionary(r => r.Unit, PrimaryOf, StringComparer.Ordinal);
        var solverCells = cells.Values.Concat(earlier.CellsOutside(cells.Keys)).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        var allRelations = relations.Concat(earlier.Relations).ToList();
        var protection = new ProtectionPolicy(policy.ProtectionMargin);
        var report = ReleaseSuppression.SolveWithReport(solverCells, allRelations, protection, earlier.Published);

        // A unit is hidden when any of its cells is; its reason is its own primary, else complementary.
        var hiddenUnits = report.Status.Where(s => s.Value != Suppression.None && unitOfKey.ContainsKey(s.Key))
            .Select(s => unitOfKey[s.Key]).ToHashSet(StringComparer.Ordinal);
        foreach (var row in Rows)
            row.Status = unitPrimary[row.Unit] is var p && p != Suppression.None ? p
                : hiddenUnits.Contains(row.Unit) ? Suppression.Complementary : Suppression.None;
        // Each cell: its own primary reason, else complementary when its unit is hidden (the log keeps that distinction:
        // a later release must protect the primary cells, not the complements).
        var rowOf = Rows.ToDictionary(r => r.Unit, StringComparer.Ordinal);
        var status = new Dictionary<string, Suppression>(report.Status, StringComparer.Ordinal);
        foreach (var (key, unit) in unitOfKey)
            status[key] = rowOf[unit].Published ? Suppression.None
                : cells[key].Primary != Suppression.None ? cells[key].Primary : Suppression.Complementary;
        // The pattern written (units hidden whole) hides at least what the solver chose; audit exactly that.
        AttackAudit.EnsurePasses(solverCells, allRelations, status, protection, earlier.Published);
        Status = status;
        return report;
    }

    /// <summary>Every key's final status (after <see cref="Solve"/>).</summary>
    public IReadOnlyDictionary<string, Suppression> Status { get; private set; } = new Dictionary<string, Suppression>();

    /// <summary>What the audit log keeps of this release.</summary>
    public (IReadOnlyList<PublishedValue> Published, IReadOnlyList<SuppressedValue> Suppressed) ForLog()
    {
        var published = new List<PublishedValue>();
        var suppressed = new List<SuppressedValue>();
        foreach (var cell in cells.Values.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var s = Status[cell.Key];
            if (s == Suppression.None) published.Add(new PublishedValue(cell.Key, cell.Value));
            else suppressed.Add(new SuppressedValue(cell.Key, cell.Value, s));
        }
        return (published, suppressed);
    }

    public string PolicyText => string.Create(CultureInfo.InvariantCulture,
        $"extract: at least {policy.MinPersons} persons and {policy.MinPlatforms} platforms per cell; the {policy.DominanceTopPlatforms} largest platforms at most {policy.DominanceMaxShareText}; protection margin ±{policy.ProtectionMargin * 100:0.#}%");
}
