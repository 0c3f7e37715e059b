using MarketStats.Core.Storage;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports;

/// <summary>One row of the market-size marts: a fiscal year and one form, or all forms when <see cref="Form"/> is null.</summary>
public sealed record MarketSizeFigures(
    int FiscalYear,
    string? Form,
    long JobsPosted,
    long PostedJpy,
    long LinesContracted,
    long ContractedJpy,
    long LinesPaid,
    long PaidJpy,
    long FeeJpy,
    long ActiveClients,
    long ActiveWorkers,
    DisclosureInput Sdc = default);

/// <summary>The market-size marts as read into .NET: aggregates only, a few rows per fiscal year.</summary>
public sealed record MarketSizeData(IReadOnlyList<MarketSizeFigures> ByForm, IReadOnlyList<MarketSizeFigures> Totals)
{
    public bool IsEmpty => Totals.Count == 0;

    /// <summary>Every fiscal year from the first to the last with data, gaps included (a gap is shown as "no data").</summary>
    public IReadOnlyList<int> FiscalYears =>
        IsEmpty ? [] : [.. Enumerable.Range(Totals.Min(t => t.FiscalYear), Totals.Max(t => t.FiscalYear) - Totals.Min(t => t.FiscalYear) + 1)];

    /// <summary>Only the rows disclosure control publishes: what a chart may draw.</summary>
    public MarketSizeData PublishedOnly(Func<int, string?, bool> isPublished) =>
        new([.. ByForm.Where(f => isPublished(f.FiscalYear, f.Form))], [.. Totals.Where(t => isPublished(t.FiscalYear, null))]);

    public MarketSizeFigures? Total(int fiscalYear) => Totals.FirstOrDefault(t => t.FiscalYear == fiscalYear);

    public MarketSizeFigures? For(int fiscalYear, string form) => ByForm.FirstOrDefault(f => f.FiscalYear == fiscalYear && f.Form == form);

    /// <summary>Forms that occur in the data, in the contract's order; codes outside it follow, sorted.</summary>
    public IReadOnlyList<string> Forms
    {
        get
        {
            var present = ByForm.Select(f => f.Form!).Distinct().ToList();
            var known = ReportLabels.FormOrder.Where(present.Contains);
            return [.. known, .. present.Except(ReportLabels.FormOrder).Order(StringComparer.Ordinal)];
        }
    }

    public static MarketSizeData Read(Warehouse warehouse) =>
        new(ReadFigures(warehouse, "select fiscal_year, form, * exclude (fiscal_year, form) from mart_market_size order by fiscal_year, form"),
            ReadFigures(warehouse, "select fiscal_year, null as form, * exclude (fiscal_year) from mart_market_size_total order by fiscal_year"));

    private static List<MarketSizeFigures> ReadFigures(Warehouse warehouse, string sql)
    {
        var rows = new List<MarketSizeFigures>();
        using var reader = warehouse.Query(sql);
        while (reader.Read())
        {
            rows.Add(new MarketSizeFigures(
                FiscalYear: Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                Form: reader.IsDBNull(1) ? null : reader.GetString(1),
                JobsPosted: reader.GetInt64(reader.GetOrdinal("jobs_posted")),
                PostedJpy: reader.GetInt64(reader.GetOrdinal("posted_jpy")),
                LinesContracted: reader.GetInt64(reader.GetOrdinal("lines_contracted")),
                ContractedJpy: reader.GetInt64(reader.GetOrdinal("contracted_jpy")),
                LinesPaid: reader.GetInt64(reader.GetOrdinal("lines_paid")),
                PaidJpy: reader.GetInt64(reader.GetOrdinal("paid_jpy")),
                FeeJpy: reader.GetInt64(reader.GetOrdinal("fee_jpy")),
                ActiveClients: reader.GetInt64(reader.GetOrdinal("active_clients")),
                ActiveWorkers: reader.GetInt64(reader.GetOrdinal("active_workers")),
                Sdc: MartReader.Disclosure(reader)));
        }
        return rows;
    }
}
