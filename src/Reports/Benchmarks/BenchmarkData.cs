using MarketStats.Core.Storage;
using MarketStats.Reports.Disclosure;
using MarketStats.Reports.Survey;

namespace MarketStats.Reports.Benchmarks;

/// <summary>Where a member stands among the platforms paid in a cell: a band, never a rank.</summary>
public enum PeerBand
{
    /// <summary>Among the largest quarter of the platforms paid in the cell.</summary>
    Top25,
    Middle50,
    Bottom25,
}

/// <summary>Which published survey table a benchmark row follows.</summary>
public enum BenchmarkTable
{
    /// <summary>Category × form (its category margin "all" is the market-size rows of year × form).</summary>
    Category,
    /// <summary>The region flow's client-region margin (where the clients are).</summary>
    ClientRegion,
    /// <summary>The region flow's worker-region margin (where the workers are).</summary>
    WorkerRegion,
}

/// <summary>
/// One cell of a member's benchmark: the member's own figures (its own, always shown) beside the market's cell as the
/// survey release publishes it (<see cref="MarketPaidJpy"/> null when the survey suppresses it), and the figures derived
/// from both only where the market cell is published.
/// </summary>
/// <param name="Key">The survey release's canonical key of the market cell (<see cref="SurveyRelease.CategoryKey"/>, …).</param>
/// <param name="Row">Category or region code; null is "all".</param>
/// <param name="Column">Form code (category table only); null is "all".</param>
/// <param name="MarketPaidJpy">The market's paid value where the survey publishes it; null where it suppresses it.</param>
/// <param name="Share">Own ÷ market, only where the market is published and not zero.</param>
/// <param name="OwnGrowth">Own paid value against the previous fiscal year's same cell (when that was above zero).</param>
/// <param name="MarketGrowth">Only between two published market cells.</param>
/// <param name="Band">Null when the member has no paid line in the cell or fewer than the policy's peers were paid there.</param>
public sealed record BenchmarkCell(
    BenchmarkTable Table, int FiscalYear, string? Row, string? Column, string Key,
    long OwnPaidJpy, long OwnFeeJpy, long OwnLinesPaid,
    long? MarketPaidJpy, double? Share, double? OwnGrowth, double? MarketGrowth, PeerBand? Band)
{
    public bool MarketShown => MarketPaidJpy is not null;

    /// <summary>The member has at least one paid line in the cell.</summary>
    public bool OwnActive => OwnLinesPaid > 0;
}

/// <summary>Why a benchmark could not be written.</summary>
public enum BenchmarkStatus
{
    Written,
    /// <summary>The platform has no paid line in any fiscal year: an unknown (or silent) platform id.</summary>
    UnknownPlatform,
    /// <summary>The platform has no paid line in the fiscal year asked for.</summary>
    NoDataInYear,
}

/// <summary>
/// Everything one member's benchmark shows, for one fiscal year: the member's own rows of <c>mart_member_benchmark</c>
/// and the market's cells of the survey release of the same year (<see cref="SurveyData.Release"/>). It never reads
/// another platform's figure: the mart is read for this platform only, and the market figures are the survey's
/// published cells (or <c>x</c> where the survey suppresses them, with the share and growth that would reveal them).
/// </summary>
public sealed class BenchmarkData
{
    public required string PlatformId { get; init; }
    public required int FiscalYear { get; init; }
    public required DisclosurePolicy Policy { get; init; }
    /// <summary>Category × form (margins included) for every fiscal year up to <see cref="FiscalYear"/>, then the
    /// survey year's client and worker regions.</summary>
    public required IReadOnlyList<BenchmarkCell> Cells { get; init; }

    public int CellsShown => Cells.Count(c => c.MarketShown);

    public int CellsWithheld => Cells.Count(c => !c.MarketShown);

    /// <summary>The platform's paid lines in every fiscal year (0 when none): whether it is known at all, and in the year.</summary>
    public static (long AllYears, long InYear) PaidLines(Warehouse warehouse, string platformId, int fiscalYear)
    {
        using var reader = warehouse.Query(
            """
            select cast(coalesce(sum(lines_paid), 0) as bigint), cast(coalesce(sum(lines_paid) filter (where fiscal_year = $2), 0) as bigint)
            from mart_member_benchmark
            where platform_id = $1 and family = 'category_form' and row_code is null and column_code is null
            """, platformId, fiscalYear);
        reader.Read();
        return (Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>One member's benchmark from its own mart rows and the survey release of <see cref="SurveyData.FiscalYear"/>.</summary>
    public static BenchmarkData Read(Warehouse warehouse, string platformId, SurveyData survey, DisclosurePolicy? policy = null)
    {
        policy ??= DisclosurePolicy.Benchmark;
        var year = survey.FiscalYear;
        var own = ReadOwn(warehouse, platformId, year);
        var cells = new List<BenchmarkCell>();

        // Category × form, every year the survey publishes (its category margin is the market-size rows).
        var cubes = survey.CategoryByYear.ToDictionary(c => c.FiscalYear);
        foreach (var cube in survey.CategoryByYear.OrderBy(c => c.FiscalYear))
        {
            cubes.TryGetValue(cube.FiscalYear - 1, out var previous);
            foreach (var cell in Ordered(cube.Cells, ReportLabels.CategoryOrder, ReportLabels.FormOrder))
                cells.Add(Cell(BenchmarkTable.Category, cube.FiscalYear, cell.Row, cell.Column, cell, previous?.Get(cell.Row, cell.Column),
                    own, ("category_form", cell.Row, cell.Column), policy));
        }

        // The survey year's region flow margins: client regions, then worker regions.
        var regions = SurveyLabels.RegionCodes.Append("unknown").ToList();
        foreach (var cell in survey.Flows.Cells.Where(c => c.Row is not null && c.Column is null).OrderBy(c => regions.IndexOf(c.Row!)))
            cells.Add(Cell(BenchmarkTable.ClientRegion, year, cell.Row, null, cell, null, own, ("region_flow", cell.Row, null), policy));
        foreach (var cell in survey.Flows.Cells.Where(c => c.Row is null && c.Column is not null).OrderBy(c => regions.IndexOf(c.Column!)))
            cells.Add(Cell(BenchmarkTable.WorkerRegion, year, cell.Column, null, cell, null, own, ("region_flow", null, cell.Column), policy));

        return new BenchmarkData { PlatformId = platformId, FiscalYear = year, Policy = policy, Cells = cells };
    }

    private sealed record OwnRow(long PaidJpy, long FeeJpy, long LinesPaid, long Peers, long Rank);

    private static BenchmarkCell Cell(BenchmarkTable table, int fiscalYear, string? row, string? column,
        CubeCell market, CubeCell? previousMarket, Dictionary<(int, string, string?, string?), OwnRow> own,
        (string Family, string? Row, string? Column) at, DisclosurePolicy policy)
    {
        var mine = own.GetValueOrDefault((fiscalYear, at.Family, at.Row, at.Column));
        var before = own.GetValueOrDefault((fiscalYear - 1, at.Family, at.Row, at.Column));
        // The market is shown only where the survey publishes the same cell (same key, same release).
        long? marketPaid = market.Published ? market.PaidJpy : null;
        long? previousPaid = previousMarket is { Published: true } p ? p.PaidJpy : null;
        var ownPaid = mine?.PaidJpy ?? 0;
        // The survey release's key of the same cell, from the one place that makes money keys.
        var key = SurveyRelease.MoneyKey(fiscalYear, at.Family, at.Row, at.Column)
                  ?? throw new InvalidOperationException($"The survey release has no key for family {at.Family}.");
        return new BenchmarkCell(table, fiscalYear, row, column, key,
            ownPaid, mine?.FeeJpy ?? 0, mine?.LinesPaid ?? 0,
            marketPaid,
            marketPaid is > 0 ? ownPaid / (double)marketPaid.Value : null,
            before is { PaidJpy: > 0 } ? ownPaid / (double)before.PaidJpy - 1 : null,
            marketPaid is { } m && previousPaid is > 0 ? m / (double)previousPaid.Value - 1 : null,
            mine is { } r ? Band(r.Rank, r.Peers, policy) : null);
    }

    /// <summary>The band of rank <paramref name="rank"/> (1 = largest) among <paramref name="peers"/> platforms, or null
    /// below the policy's <see cref="DisclosurePolicy.MinPeersForRank"/>.</summary>
    public static PeerBand? Band(long rank, long peers, DisclosurePolicy policy)
    {
        if (peers < policy.MinPeersForRank || peers < 1) return null;
        return rank * 4 <= peers ? PeerBand.Top25 : rank * 4 > peers * 3 ? PeerBand.Bottom25 : PeerBand.Middle50;
    }

    /// <summary>Rows in the contract's order, each row's form cells before its margin, the margin row last.</summary>
    private static IEnumerable<CubeCell> Ordered(IEnumerable<CubeCell> cells, IReadOnlyList<string> rows, IReadOnlyList<string> columns)
    {
        static int At(IReadOnlyList<string> order, string? code)
        {
            if (code is null) return int.MaxValue;
            for (var i = 0; i < order.Count; i++) if (order[i] == code) return i;
            return order.Count;
        }
        return cells.OrderBy(c => At(rows, c.Row)).ThenBy(c => c.Row, StringComparer.Ordinal).ThenBy(c => At(columns, c.Column));
    }

    private static Dictionary<(int, string, string?, string?), OwnRow> ReadOwn(Warehouse warehouse, string platformId, int fiscalYear)
    {
        var rows = new Dictionary<(int, string, string?, string?), OwnRow>();
        // This platform's rows only: the mart holds every member's, and nothing else of it leaves this method.
        using var reader = warehouse.Query(
            """
            select fiscal_year, family, row_code, column_code, paid_jpy, fee_jpy, lines_paid, peer_platforms, paid_rank
            from mart_member_benchmark
            where platform_id = $1 and fiscal_year <= $2
            """, platformId, fiscalYear);
        while (reader.Read())
            rows[(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1),
                    MartReader.StringOrNull(reader, "row_code"), MartReader.StringOrNull(reader, "column_code"))] =
                new OwnRow(MartReader.LongOrZero(reader, "paid_jpy"), MartReader.LongOrZero(reader, "fee_jpy"), MartReader.LongOrZero(reader, "lines_paid"),
                    MartReader.LongOrZero(reader, "peer_platforms"), MartReader.LongOrZero(reader, "paid_rank"));
        return rows;
    }
}
