using System.Reflection;

namespace MarketStats.Core.Storage;

/// <summary>One SQL model: a view or table named for its file (<c>staging/stg_transactions.sql</c> → <c>stg_transactions</c>).</summary>
/// <param name="Temporary">A table that lives only for the connection (in memory, spilling if needed): for large
/// intermediates read by the next models only, where writing to the database file would cost more than computing them.</param>
public sealed record SqlModel(Assembly Owner, string RelativePath, bool Materialise, bool Temporary = false)
{
    public string Name => System.IO.Path.GetFileNameWithoutExtension(RelativePath);

    public string Sql => SqlScripts.Read(Owner, RelativePath);

    public static SqlModel View(Assembly owner, string relativePath) => new(owner, relativePath, false);

    public static SqlModel Table(Assembly owner, string relativePath) => new(owner, relativePath, true);

    public static SqlModel TempTable(Assembly owner, string relativePath) => new(owner, relativePath, true, Temporary: true);
}

/// <summary>A data test: a query that returns the offending rows; it passes when it returns none.</summary>
public sealed record DataTest(string Name, string Sql)
{
    /// <summary>No two rows share <paramref name="columns"/>. Rows are first grouped by a 64-bit hash of the key (much
    /// cheaper than grouping millions of string keys); only rows whose hash repeats are then compared on the key itself.</summary>
    public static DataTest Unique(string table, string columns) =>
        new($"unique {table}({columns})",
            $"with repeated as (select hash({columns}) as h from {table} group by h having count(*) > 1)\n"
            + $"select {columns}, count(*) as n from {table} where hash({columns}) in (select h from repeated) group by all having count(*) > 1");

    public static DataTest NotNull(string table, string column) =>
        new($"not_null {table}.{column}", $"select * from {table} where {column} is null");

    public static DataTest Holds(string table, string predicate) =>
        new($"holds {table}: {predicate}", $"select * from {table} where not ({predicate})");
}

/// <summary>Runs an ordered list of models, then their data tests, stopping on the first failing test.</summary>
/// <param name="progress">Counts models and data tests as <paramref name="step"/> (on a terminal, a progress bar).</param>
public sealed class SqlModelRunner(Warehouse warehouse, TextWriter? trace = null, IProgress<string>? progress = null, string step = "models")
{
    public void Run(IEnumerable<SqlModel> models, IEnumerable<DataTest> tests)
    {
        var (modelList, testList) = (models.ToList(), tests.ToList());
        var (done, total) = (0, modelList.Count + testList.Count);
        progress.Advance(step, 0, total, "models and tests");
        foreach (var model in modelList)
        {
            var kind = model.Temporary ? "temp table" : model.Materialise ? "table" : "view";
            // A table and a view cannot share a name: drop whichever is there before re-creating. DuckDB refuses
            // 'drop view if exists' on a table (and the reverse), so ask the catalog which one it is.
            var existing = warehouse.Scalar<string>("select table_type from information_schema.tables where table_name = $1", model.Name);
            var drop = existing switch { "VIEW" => $"drop view {model.Name};\n", null => "", _ => $"drop table {model.Name};\n" };
            var sql = $"{drop}create {kind} {model.Name} as\n{model.Sql}";
            trace?.WriteLine($"-- model {model.Name} ({kind})\n{sql};");
            try
            {
                warehouse.Execute(sql);
            }
            catch (DuckDB.NET.Data.DuckDBException e)
            {
                // DuckDB's message ("failed to allocate ...", "Binder Error ...") never says which of dozens of
                // models it came from; name it here, once, for every caller.
                throw new SqlModelFailedException(model.Name, kind, e);
            }
            progress.Advance(step, ++done, total, "models and tests");
        }
        foreach (var test in testList)
        {
            trace?.WriteLine($"-- data test {test.Name}\n{test.Sql};");
            // Count first: the count reads only the columns the test's predicate needs (a 'select *' over a wide
            // staging view reads every column); the offending rows are fetched only when there are some.
            if (warehouse.Scalar<long>($"select count(*) from ({test.Sql})") == 0)
            {
                progress.Advance(step, ++done, total, "models and tests");
                continue;
            }
            using var reader = warehouse.Query($"select * from ({test.Sql}) limit 5");
            reader.Read();
            var row = string.Join(", ", Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}={reader.GetValue(i)}"));
            throw new DataTestFailedException($"Data test failed: {test.Name}; first offending row: {row}");
        }
    }
}

public sealed class DataTestFailedException(string message) : Exception(message);

/// <summary>A model's statement failed; the message names the model, the inner exception is DuckDB's.</summary>
public sealed class SqlModelFailedException(string model, string kind, Exception inner)
    : Exception($"SQL model {model} ({kind}) failed: {inner.Message}", inner)
{
    public string Model { get; } = model;
}
