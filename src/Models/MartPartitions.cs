using System.Globalization;
using System.Text.RegularExpressions;
using MarketStats.Core.Storage;

namespace MarketStats.Models;

/// <summary>A model a refresh adds the new lines' rows to (see <see cref="MartModels.RunningTotals"/>).</summary>
/// <param name="Keys">The model's key: the new lines' row for a key is combined with the stored one.</param>
/// <param name="BitOr">Columns combined by bitwise OR (cell masks); <paramref name="Min"/> by the smaller value; any other column is summed.</param>
public sealed record RunningTotal(string Model, IReadOnlyList<string> Keys, IReadOnlyList<string>? BitOr = null, IReadOnlyList<string>? Min = null);

/// <summary>
/// Refreshes a mart group after transaction files were only added. A group with running totals reads only the new
/// lines: each running total adds the new lines' rows to its stored ones, and the other models rebuild the fiscal years
/// the new lines touch from the running totals. A group without them runs its models over the
/// lines of those years. Either way only those years' rows of each stored table are replaced; other years' rows stay.
/// </summary>
/// <remarks>
/// Sound because every table the models write from the transactions has a <c>fiscal_year</c> column, and a row of
/// year Y is derived from the lines with an event (posted, contracted, paid) in Y, the registrations and the persons,
/// never from another year's lines; and a running total only sums, counts, ORs and takes minimums per key, so adding
/// the new lines' rows gives what all lines would. A table that reads the transactions without a fiscal year, or a
/// table of a group with running totals that reads the lines other than through them, makes the group rebuild whole.
/// The result equals a full rebuild (IncrementalRefreshTests compares every table and the workbook). The model SQL is
/// not touched: within the group's transaction, <c>stg_transactions</c> is a view of the lines read (held in a
/// temporary table) and <c>in_refreshed_years</c> (macros.sql) names the years; both are restored before the data
/// tests and the commit.
/// </remarks>
public static class MartPartitions
{
    private const string KeptPrefix = "refresh_kept_";
    private const string RefreshLines = "refresh_transactions";
    private const string TransactionsView = "stg_transactions";

    /// <summary>
    /// Refreshes <paramref name="group"/> by fiscal year when only transaction files were added since its last build;
    /// call inside the group's transaction, after staging is built.
    /// </summary>
    /// <returns>The fiscal years refreshed, or null when the group must be rebuilt whole (nothing was done).</returns>
    public static IReadOnlyList<int>? TryRefresh(Warehouse warehouse, MartGroup group, MartFreshness.LandedInputs landed, SqlModelRunner runner, TextWriter? trace)
    {
        var added = MartFreshness.TransactionFilesAdded(warehouse, group, landed);
        if (added is null) return null;
        var totals = (group.RunningTotals ?? []).ToDictionary(t => t.Model, StringComparer.Ordinal);
        // (trace lines between the phases: the bench times each step to the next line)
        trace?.WriteLine($"-- {group.Name}: which stored tables the files' years partition (the catalog)");
        var tables = PartitionedTables(warehouse, group, totals);
        if (tables is null) return null;
        trace?.WriteLine($"-- {group.Name}: the fiscal years the added files touch");
        var (partitioned, unchanged) = tables.Value;
        var fileList = string.Join(", ", added);
        var years = new List<int>();
        using (var reader = warehouse.Query(
                   $"""
                    select distinct fiscal_year from (
                        select unnest([posted_fiscal_year, contracted_fiscal_year, paid_fiscal_year]) as fiscal_year
                        from stg_transactions where file_id in ({fileList})
                    ) where fiscal_year is not null order by fiscal_year
                    """))
            while (reader.Read()) years.Add(reader.GetInt32(0));
        if (years.Count == 0) return null;

        var yearList = string.Join(", ", years.Select(y => y.ToString(CultureInfo.InvariantCulture)));
        var otherYears = $"coalesce(fiscal_year not in ({yearList}), true)";
        trace?.WriteLine($"-- {group.Name}: transaction files {fileList} added; refreshing fiscal years {yearList}"
                         + (totals.Count > 0 ? $", adding the new lines to {string.Join(", ", totals.Keys)}" : ""));
        trace?.WriteLine($"-- {group.Name}: keeping the other years' rows and reading the lines");
        foreach (var table in partitioned)
            warehouse.Execute($"create or replace temp table {KeptPrefix}{table} as select * from {table} where {otherYears}");
        // The lines read are held in a temporary table, so each model scans those lines only instead of filtering every
        // line again: the new files' lines for running totals, otherwise every line with an event in the years.
        var staging = Staging.Models.Single(m => m.Name == TransactionsView);
        var lines = totals.Count > 0
            ? $"file_id in ({fileList})"
            : $"posted_fiscal_year in ({yearList}) or contracted_fiscal_year in ({yearList}) or paid_fiscal_year in ({yearList})";
        warehouse.Execute($"""
            create or replace temp table {RefreshLines} as
            select * from ({staging.Sql}
            ) where {lines};
            create or replace view {TransactionsView} as select * from {RefreshLines};
            create or replace macro in_refreshed_years(fiscal_year) as fiscal_year in ({yearList});
            """);
        // each running total's rows of the new lines, for a later running total that reads it instead of the lines
        var newRows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in group.Models)
        {
            if (totals.TryGetValue(model.Name, out var total)) newRows[model.Name] = AddNewLines(warehouse, model, total, newRows, trace);
            else if (unchanged.Contains(model.Name)) trace?.WriteLine($"-- model {model.Name}: not derived from the transactions, kept");
            else runner.Run([model], []);
        }
        foreach (var rows in newRows.Values) warehouse.Execute($"drop table {rows}");
        trace?.WriteLine($"-- {group.Name}: replacing the refreshed years' rows");
        warehouse.Execute($"create or replace view {TransactionsView} as\n{staging.Sql};\ndrop table {RefreshLines};");
        warehouse.Execute(Staging.Macros);
        foreach (var table in partitioned)
            warehouse.Execute($"""
                delete from {table} where {otherYears};
                insert into {table} select * from {KeptPrefix}{table};
                drop table {KeptPrefix}{table};
                """);
        runner.Run([], group.Tests);
        return years;
    }

    /// <summary>
    /// Runs <paramref name="model"/> over the new lines (what <c>stg_transactions</c> holds now), or over an earlier
    /// running total's rows of them (<paramref name="newRows"/>), and combines its rows with the stored rows of the
    /// same keys: those rows are replaced by the combination, new keys are inserted.
    /// </summary>
    /// <returns>The temporary table of the model's rows of the new lines (the caller drops it).</returns>
    private static string AddNewLines(Warehouse warehouse, SqlModel model, RunningTotal total, IReadOnlyDictionary<string, string> newRows, TextWriter? trace)
    {
        var (table, added, combined) = (model.Name, "refresh_added_" + model.Name, "refresh_combined_" + model.Name);
        // Grouping a running total's rows by a coarser key with sums and ORs gives, over its new rows, what the new
        // lines add to the coarser rows (a person's accounts never change in a refresh).
        var sql = newRows.Aggregate(model.Sql, (text, read) => Regex.Replace(text, $@"\b{Regex.Escape(read.Key)}\b", read.Value));
        warehouse.Execute($"create or replace temp table {added} as\n{sql}");
        string Combine(string column) =>
            total.BitOr?.Contains(column) == true ? "bit_or" : total.Min?.Contains(column) == true ? "min" : "sum";
        // the stored table's columns (the catalog's), so none is left out; insert by name casts the sums back
        var measures = warehouse.ColumnNames(table).Where(c => !total.Keys.Contains(c)).Select(c => $", {Combine(c)}({c}) as {c}");
        var keys = string.Join(", ", total.Keys);
        // Keys may be null (a paid line that names no worker): matched as values.
        var sameKey = string.Join(" and ", total.Keys.Select(k => $"{table}.{k} is not distinct from {added}.{k}"));
        var stored = StoredRowsFilter(warehouse, table, added, total.Keys);
        var merge = $"""
            create or replace temp table {combined} as
            select {keys}{string.Concat(measures)}
            from (select {table}.* from {table} semi join {added} on {sameKey} where {stored}
                  union all by name select * from {added})
            group by {keys};
            delete from {table} using {added} where {sameKey} and {stored};
            insert into {table} by name select * from {combined};
            drop table {combined};
            """;
        trace?.WriteLine($"-- running total {table}: adding the new lines\n{merge}");
        warehouse.Execute(merge);
        return added;
    }

    /// <summary>
    /// The new rows' few values of each key (platform, fiscal year, kind …) as constants on the stored table: DuckDB
    /// then skips the row groups that hold none of them (running totals are stored ordered by platform and year), so
    /// the combination, the delete and the commit touch the file's platform-year instead of the whole table.
    /// </summary>
    private static string StoredRowsFilter(Warehouse warehouse, string table, string added, IReadOnlyList<string> keys)
    {
        const int FewValues = 8;
        var filters = new List<string> { "true" };
        foreach (var key in keys)
        {
            var values = new List<string>();
            using (var reader = warehouse.Query($"select distinct {key} from {added} limit {FewValues + 1}"))
                while (reader.Read() && values.Count <= FewValues)
                    values.Add(reader.GetValue(0) switch
                    {
                        string text => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'",
                        int or long or short => Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!,
                        _ => "",
                    });
            if (values.Count is > 0 and <= FewValues && values.All(v => v.Length > 0))
                filters.Add($"{table}.{key} in ({string.Join(", ", values)})");
        }
        return string.Join(" and ", filters);
    }

    /// <summary>
    /// The group's stored tables derived from the transactions (directly or through an earlier model), other than its
    /// running totals, each with a <c>fiscal_year</c> column; null when one lacks it or does not exist yet, when a
    /// running total does not exist yet, or when a group with running totals has a table that reads the lines other
    /// than through them. Beside them, the stored tables not derived from the transactions (the survey's cell masks,
    /// the registered stock): a refresh keeps them as they are, since nothing else they read changed.
    /// </summary>
    private static (List<string> Partitioned, HashSet<string> Unchanged)? PartitionedTables(Warehouse warehouse, MartGroup group, IReadOnlyDictionary<string, RunningTotal> totals)
    {
        // one catalog query for every model's table, not one or two per model
        var stored = warehouse.ColumnNamesOfAllTables();
        var unchanged = new HashSet<string>(StringComparer.Ordinal);
        var manifest = new HashSet<string>(StringComparer.Ordinal) { "ingest_files", "raw_transactions" };
        // what is derived from the transactions, and (views inline their SQL) what reads the lines themselves
        var derived = new HashSet<string>(StringComparer.Ordinal) { TransactionsView };
        var readsLines = new HashSet<string>(StringComparer.Ordinal) { TransactionsView };
        var tables = new List<string>();
        foreach (var model in group.Models)
        {
            if (!Reads(model, derived))
            {
                // the manifest changes with every file (the coverage reads it): rebuilt whole
                if (Reads(model, manifest)) manifest.Add(model.Name);
                else if (model.Materialise && !model.Temporary && stored.ContainsKey(model.Name)) unchanged.Add(model.Name);
                continue;
            }
            derived.Add(model.Name);
            if (totals.ContainsKey(model.Name))
            {
                if (!stored.ContainsKey(model.Name)) return null;
                continue;
            }
            if (totals.Count > 0 && Reads(model, readsLines))
            {
                if (model.Materialise) return null;
                readsLines.Add(model.Name);
                continue;
            }
            if (!model.Materialise || model.Temporary) continue;
            if (!stored.TryGetValue(model.Name, out var columns) || !columns.Contains("fiscal_year")) return null;
            tables.Add(model.Name);
        }
        return totals.Keys.All(derived.Contains) ? (tables, unchanged) : null;
    }

    private static bool Reads(SqlModel model, IEnumerable<string> names)
    {
        // the model's words once, not a regular expression per name (it cost about 0.1 s a refresh)
        var words = Words.Matches(model.Sql).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        return names.Any(words.Contains);
    }

    private static readonly Regex Words = new(@"\w+", RegexOptions.Compiled);
}
