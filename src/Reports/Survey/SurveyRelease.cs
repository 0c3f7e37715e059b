using System.Globalization;
using MarketStats.Core.Domain;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Survey;

/// <summary>
/// The tables one publication releases, as one disclosure problem: every cell under one canonical key (the same
/// quantity in two tables has one key, which is what links them), every additivity relation within and across tables,
/// primary suppression by the policy, complementary suppression solved over the whole release
/// (<see cref="ReleaseSuppression"/>) and the attack audit (<see cref="AttackAudit"/>) as the condition for writing.
/// </summary>
/// <remarks>
/// Paid value is the protected measure: relations are written for it, and a suppressed cell hides all its measures.
/// Linked tables of one fiscal year: category × form (and its margins, which are the market-size rows), client and
/// worker prefectures (their national totals are the year's total), and the region flow (its margins are sums of the
/// prefectures of each region). Workers by age band × gender count persons, a separate measure with its own relations.
/// Fiscal years never share a cell, so each year's tables are one connected problem.
/// </remarks>
public sealed class SurveyRelease
{
    private readonly Dictionary<string, ReleaseCell> cells = new(StringComparer.Ordinal);
    private readonly List<AdditiveRelation> relations = [];
    private readonly List<(SurveyCube Cube, Func<CubeCell, string?> Key)> cubes = [];
    private readonly List<(MarketSizeFigures Row, string Key)> marketSizeRows = [];
    private readonly DisclosurePolicy policy;
    private readonly Dictionary<string, Dictionary<string, double>> contributions = new(StringComparer.Ordinal);

    public SurveyRelease(DisclosurePolicy policy) => this.policy = policy;

    /// <summary>Complementary suppressions chosen, once <see cref="Solve"/> has run.</summary>
    public IReadOnlyDictionary<string, Suppression> Status { get; private set; } = new Dictionary<string, Suppression>();

    public int CellCount => cells.Count;

    /// <summary>Every cell of the release, by key (ordinal order): what an attack audit of the release reads.</summary>
    public IReadOnlyList<ReleaseCell> Cells => [.. cells.Values.OrderBy(c => c.Key, StringComparer.Ordinal)];

    /// <summary>Every additivity relation of the release.</summary>
    public IReadOnlyList<AdditiveRelation> Relations => relations;

    public int RelationCount => relations.Count;

    public static string PaidKey(int fiscalYear, string part) => string.Create(CultureInfo.InvariantCulture, $"paid|FY{fiscalYear}|{part}");

    /// <summary>The year's total paid value: the grand total of every money table of the year.</summary>
    public static string YearTotalKey(int fiscalYear) => CategoryKey(fiscalYear, null, null);

    public static string CategoryKey(int fiscalYear, string? category, string? form) => PaidKey(fiscalYear, $"category={category ?? "*"}|form={form ?? "*"}");

    /// <summary>Category × form of one year; its form margins are the market-size rows.</summary>
    public void AddCategories(SurveyCube cube) =>
        AddCube(cube, c => MoneyKey(cube.FiscalYear, "category_form", c.Row, c.Column), c => c.PaidJpy);

    /// <summary>
    /// The key of a paid-value cell of the survey's money tables as the marts code it (family, row, column; null = all):
    /// <c>category_form</c> (category, form), <c>client_prefecture</c> / <c>worker_prefecture</c> (prefecture) and
    /// <c>region_flow</c> (client region, worker region), <c>client_type</c> (client type). Null for a family the release
    /// does not publish.
    /// </summary>
    public static string? MoneyKey(int fiscalYear, string family, string? row, string? column) => family switch
    {
        "category_form" => CategoryKey(fiscalYear, row, column),
        "client_prefecture" or "worker_prefecture" => row is null ? YearTotalKey(fiscalYear) : PrefectureKey(fiscalYear, family.Split('_')[0], row),
        "region_flow" => (row, column) switch
        {
            (null, null) => YearTotalKey(fiscalYear),
            (var r, null) => PaidKey(fiscalYear, $"client_region={r}"),
            (null, var w) => PaidKey(fiscalYear, $"worker_region={w}"),
            var (r, w) => PaidKey(fiscalYear, $"flow={r}>{w}"),
        },
        "client_type" => row is null ? YearTotalKey(fiscalYear) : PaidKey(fiscalYear, $"client_type={row}"),
        _ => null,
    };

    /// <summary>The market-size rows (all forms, and each form) of every year: the category tables' form margins.</summary>
    public void AddMarketSize(MarketSizeData data)
    {
        foreach (var row in data.Totals.Concat(data.ByForm))
        {
            var key = CategoryKey(row.FiscalYear, null, row.Form);
            AddCell(key, row.PaidJpy, DisclosureControl.Primary(row.Sdc, policy));
            marketSizeRows.Add((row, key));
        }
        foreach (var year in data.Totals)
        {
            var forms = data.ByForm.Where(f => f.FiscalYear == year.FiscalYear).Select(f => CategoryKey(f.FiscalYear, null, f.Form)).ToList();
            if (forms.Count > 0) relations.Add(new AdditiveRelation(YearTotalKey(year.FiscalYear), forms));
        }
    }

    /// <summary>Prefecture × side ('client', 'worker'): each side's national total is the year's total.</summary>
    public void AddPrefectures(SurveyCube cube) =>
        AddCube(cube, c => c.Column is null ? null : MoneyKey(cube.FiscalYear, c.Column + "_prefecture", c.Row, null), c => c.PaidJpy);

    /// <summary>Client region × worker region: a region's margin is the sum of its prefectures on that side.</summary>
    public void AddFlows(SurveyCube cube)
    {
        var year = cube.FiscalYear;
        AddCube(cube, c => MoneyKey(year, "region_flow", c.Row, c.Column), c => c.PaidJpy);
        foreach (var side in new[] { "client", "worker" })
        {
            foreach (var region in Region.All.Select(r => r.Code).Append("unknown"))
            {
                var total = PaidKey(year, $"{side}_region={region}");
                if (!cells.ContainsKey(total)) continue;
                var members = (region == "unknown" ? ["unknown"] : Prefecture.All.Where(p => p.Region.Code == region).Select(p => p.Code))
                    .Select(p => PrefectureKey(year, side, p)).Where(cells.ContainsKey).ToList();
                // Prefecture cells absent from the release hold no paid value: the region's total is the sum of the others.
                if (members.Count > 0) relations.Add(new AdditiveRelation(total, members));
            }
        }
    }

    /// <summary>Active workers by age band × gender: persons, not yen, so keys and relations of their own.</summary>
    public void AddWorkers(SurveyCube cube) =>
        AddCube(cube, c => WorkersKey(cube.FiscalYear, c.Row, c.Column), c => c.ActiveWorkers);

    /// <summary>Active workers of one age band × gender cell (null = all): the same persons the pay distribution counts.</summary>
    public static string WorkersKey(int fiscalYear, string? ageBand, string? gender) =>
        string.Create(CultureInfo.InvariantCulture, $"workers|FY{fiscalYear}|age={ageBand ?? "*"}|gender={gender ?? "*"}");

    /// <summary>A table built elsewhere (the distributions' band counts, paid value by client type), with its relations,
    /// which may name cells of the tables above: one key, one cell, the stricter primary status, as for the cubes.</summary>
    public void AddTable(IEnumerable<ReleaseCell> tableCells, IEnumerable<AdditiveRelation> tableRelations)
    {
        foreach (var cell in tableCells) AddCell(cell.Key, (long)cell.Value, cell.Primary);
        relations.AddRange(tableRelations);
    }

    /// <summary>
    /// A table whose cells share no key with the tables above (e.g. accounts and persons by platform-count band): its
    /// cells with their disclosure inputs, and its own additivity relations. Solved with the rest of the release.
    /// </summary>
    /// <param name="tableCells">Unit: cells published or suppressed together (the measures of one row), or null.</param>
    public void AddTable(IEnumerable<(string Key, long Value, DisclosureInput Sdc, string? Unit)> tableCells, IEnumerable<AdditiveRelation> tableRelations)
    {
        foreach (var (key, value, sdc, unit) in tableCells) AddCell(key, value, DisclosureControl.Primary(sdc, policy), unit);
        relations.AddRange(tableRelations.Where(r => cells.ContainsKey(r.Total) && r.Members.All(cells.ContainsKey)));
    }

    private static string PrefectureKey(int fiscalYear, string side, string prefecture) => PaidKey(fiscalYear, $"{side}_prefecture={prefecture}");

    private void AddCube(SurveyCube cube, Func<CubeCell, string?> key, Func<CubeCell, long> value)
    {
        cubes.Add((cube, key));
        var index = new Dictionary<(string?, string?), int>();
        for (var i = 0; i < cube.Cells.Count; i++)
        {
            var cell = cube.Cells[i];
            index[(cell.Row, cell.Column)] = i;
            if (key(cell) is { } k) AddCell(k, value(cell), DisclosureControl.Primary(cell.Sdc, policy));
        }
        foreach (var line in SurveyCube.AdditiveLines(cube.Cells, index))
        {
            if (key(cube.Cells[line.Total]) is not { } total) continue;
            var members = line.Members.Select(m => key(cube.Cells[m])).OfType<string>().ToList();
            if (members.Count > 0 && !(members.Count == 1 && members[0] == total)) relations.Add(new AdditiveRelation(total, members));
        }
    }

    /// <summary>One key, one cell: where two tables publish the same quantity, the stricter primary status holds.</summary>
    private void AddCell(string key, long value, Suppression primary, string? unit = null)
    {
        if (cells.TryGetValue(key, out var known))
        {
            if (known.Primary == Suppression.None && primary != Suppression.None) cells[key] = known with { Primary = primary };
            return;
        }
        cells[key] = new ReleaseCell(key, value, primary, unit);
    }

    /// <summary>
    /// Chooses the complementary suppressions over the whole release and marks every cube cell. The solver's last step
    /// is the attack audit: a release it cannot protect throws <see cref="DisclosureAuditException"/>, and nothing is written.
    /// </summary>
    /// <returns>What the solver did (rounds, cuts, time), for the method notes and the benchmarks.</returns>
    public ReleaseSuppression.SolveReport Solve()
    {
        var list = cells.Values.OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        var report = ReleaseSuppression.SolveWithReport(list, relations, new ProtectionPolicy(policy.ProtectionMargin), attackers: Attackers);
        Status = report.Status;
        foreach (var (cube, key) in cubes)
            foreach (var cell in cube.Cells)
                cell.Suppression = key(cell) is { } k ? Status[k] : DisclosureControl.Primary(cell.Sdc, policy);
        return report;
    }

    /// <summary>The attack audit of <paramref name="status"/> (by default the solved one) over this release: empty when it passes.</summary>
    public IReadOnlyList<AuditFinding> Audit(IReadOnlyDictionary<string, Suppression>? status = null) =>
        AttackAudit.Audit([.. cells.Values], relations, status ?? Status, new ProtectionPolicy(policy.ProtectionMargin), attackers: Attackers);

    /// <summary>The members as attackers: each knows its own part of the money cells (<see cref="AddContributions"/>).</summary>
    public IReadOnlyList<Attacker> Attackers => [.. contributions.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new Attacker(c.Key, c.Value))];

    /// <summary>
    /// Each member platform's own paid value per money cell (<c>mart_survey_platform_contributions</c>): the release is
    /// protected against every member knowing its own parts, not only against an outsider. Call after the tables are added.
    /// </summary>
    public void AddContributions(IEnumerable<(int FiscalYear, string PlatformId, string Family, string? Row, string? Column, long PaidJpy)> rows)
    {
        foreach (var row in rows)
        {
            if (row.PaidJpy <= 0 || MoneyKey(row.FiscalYear, row.Family, row.Row, row.Column) is not { } key || !cells.ContainsKey(key)) continue;
            if (!contributions.TryGetValue(row.PlatformId, out var own)) contributions[row.PlatformId] = own = new Dictionary<string, double>(StringComparer.Ordinal);
            own[key] = row.PaidJpy;
        }
    }

    /// <summary>The market-size rows' statuses, by (fiscal year, form); null form is all forms.</summary>
    public IReadOnlyDictionary<(int, string?), Suppression> MarketSizeStatus() =>
        marketSizeRows.ToDictionary(r => (r.Row.FiscalYear, r.Row.Form), r => Status[r.Key]);
}
