using System.Globalization;
using System.Text.RegularExpressions;
using MarketStats.Core.Storage;

namespace MarketStats.Models;

/// <summary>
/// Refreshes a mart group after transaction files were only added: the models run over the lines of the fiscal years
/// the new files touch, and only those years' rows of each table are replaced; the other years' rows stay.
/// </summary>
/// <remarks>
/// Sound because every table the models write that reads the transactions has a <c>fiscal_year</c> column, and a
/// row of year Y is derived from the lines with an event (posted, contracted, paid) in Y, the registrations and the
/// persons, never from another year's lines. A table that reads the transactions without a fiscal year makes the
/// group rebuild whole. The result equals a full rebuild (IncrementalRefreshTests compares every table and the workbook). The model
/// SQL is not touched: for the refresh, <c>stg_transactions</c> is, within the group's transaction, a view of those
/// lines (held in a temporary table), and is restored before the data tests and the commit.
/// </remarks>
public static class MartPartitions
{
    private const string KeptPrefix = "refresh_kept_";
    private const string RefreshLines = "refresh_transactions";

    /// <summary>
    /// Refreshes <paramref name="group"/> by fiscal year when only transaction files were added since its last build;
    /// call inside the group's transaction, after staging is built.
    /// </summary>
    /// <returns>The fiscal years refreshed, or null when the group must be rebuilt whole (nothing was done).</returns>
    public static IReadOnlyList<int>? TryRefresh(Warehouse warehouse, MartGroup group, SqlModelRunner runner, TextWriter? trace)
    {
        var added = MartFreshness.TransactionFilesAdded(warehouse, group);
        if (added is null) return null;
        var partitioned = PartitionedTables(warehouse, group);
        if (partitioned is null) return null;
        var years = new List<int>();
        using (var reader = warehouse.Query(
                   $"""
                    select distinct fiscal_year from (
                        select unnest([posted_fiscal_year, contracted_fiscal_year, paid_fiscal_year]) as fiscal_year
                        from stg_transactions where file_id in ({string.Join(", ", added)})
                    ) where fiscal_year is not null order by fiscal_year
                    """))
            while (reader.Read()) years.Add(reader.GetInt32(0));
        if (years.Count == 0) return null;

        var yearList = string.Join(", ", years.Select(y => y.ToString(CultureInfo.InvariantCulture)));
        var otherYears = $"coalesce(fiscal_year not in ({yearList}), true)";
        trace?.WriteLine($"-- {group.Name}: transaction files {string.Join(", ", added)} added; refreshing fiscal years {yearList}");
        foreach (var table in partitioned)
            warehouse.Execute($"create or replace temp table {KeptPrefix}{table} as select * from {table} where {otherYears}");
        // The years' lines are read once into a temporary table: each model that reads the transactions then scans
        // those lines only, instead of filtering every line again (the cold build's scans, plus the filter's cost).
        var staging = Staging.Models.Single(m => m.Name == TransactionsView);
        warehouse.Execute($"""
            create or replace temp table {RefreshLines} as
            select * from ({staging.Sql}
            ) where posted_fiscal_year in ({yearList}) or contracted_fiscal_year in ({yearList}) or paid_fiscal_year in ({yearList});
            create or replace view {TransactionsView} as select * from {RefreshLines};
            """);
        runner.Run(group.Models, []);
        warehouse.Execute($"create or replace view {TransactionsView} as\n{staging.Sql};\ndrop table {RefreshLines};");
        foreach (var table in partitioned)
            warehouse.Execute($"""
                delete from {table} where {otherYears};
                insert into {table} select * from {KeptPrefix}{table};
                drop table {KeptPrefix}{table};
                """);
        runner.Run([], group.Tests);
        return years;
    }

    private const string TransactionsView = "stg_transactions";

    /// <summary>
    /// The group's stored tables that read the transactions (directly or through an earlier model), each with a
    /// <c>fiscal_year</c> column; null when one lacks it or does not exist yet. Tables that do not read the
    /// transactions (the survey's cell masks) are rebuilt whole: they are small.
    /// </summary>
    private static List<string>? PartitionedTables(Warehouse warehouse, MartGroup group)
    {
        var readers = new HashSet<string>(StringComparer.Ordinal) { TransactionsView };
        var tables = new List<string>();
        foreach (var model in group.Models)
        {
            if (!readers.Any(name => Regex.IsMatch(model.Sql, $@"\b{Regex.Escape(name)}\b"))) continue;
            readers.Add(model.Name);
            if (!model.Materialise || model.Temporary) continue;
            var hasFiscalYear = warehouse.Scalar<long>(
                "select count(*) from information_schema.columns where table_schema = 'main' and table_name = $1 and column_name = 'fiscal_year'",
                model.Name) > 0;
            if (!hasFiscalYear) return null;
            tables.Add(model.Name);
        }
        return tables;
    }
}
