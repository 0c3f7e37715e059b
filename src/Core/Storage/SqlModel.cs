using System.Reflection;

namespace MarketStats.Core.Storage;

/// <summary>One SQL model: a view or table named for its file (<c>staging/stg_transactions.sql</c> → <c>stg_transactions</c>).</summary>
public sealed record SqlModel(Assembly Owner, string RelativePath, bool Materialise)
{
    public string Name => System.IO.Path.GetFileNameWithoutExtension(RelativePath);

    public string Sql => SqlScripts.Read(Owner, RelativePath);

    public static SqlModel View(Assembly owner, string relativePath) => new(owner, relativePath, false);

    public static SqlModel Table(Assembly owner, string relativePath) => new(owner, relativePath, true);
}

/// <summary>A data test: a query that returns the offending rows; it passes when it returns none.</summary>
public sealed record DataTest(string Name, string Sql)
{
    public static DataTest Unique(string table, string columns) =>
        new($"unique {table}({columns})", $"select {columns}, count(*) as n from {table} group by all having count(*) > 1");

    public static DataTest NotNull(string table, string column) =>
        new($"not_null {table}.{column}", $"select * from {table} where {column} is null");

    public static DataTest Holds(string table, string predicate) =>
        new($"holds {table}: {predicate}", $"select * from {table} where not ({predicate})");
}

/// <summary>Runs an ordered list of models, then their data tests, stopping on the first failing test.</summary>
public sealed class SqlModelRunner(Warehouse warehouse, TextWriter? trace = null)
{
    public void Run(IEnumerable<SqlModel> models, IEnumerable<DataTest> tests)
    {
        foreach (var model in models)
        {
            var kind = model.Materialise ? "table" : "view";
            // A table and a view cannot share a name: drop whichever is there before re-creating (DuckDB refuses
            // "drop view if exists" on a table, so ask which one it is).
            var existing = warehouse.Scalar<string>(
                "select table_type from information_schema.tables where table_schema = current_schema() and table_name = $1", model.Name);
            var drop = existing switch { "VIEW" => $"drop view {model.Name};\n", null => "", _ => $"drop table {model.Name};\n" };
            var sql = $"{drop}create {kind} {model.Name} as\n{model.Sql}";
            trace?.WriteLine($"-- model {model.Name} ({kind})\n{sql};");
            warehouse.Execute(sql);
        }
        foreach (var test in tests)
        {
            trace?.WriteLine($"-- data test {test.Name}\n{test.Sql};");
            using var reader = warehouse.Query($"select * from ({test.Sql}) limit 5");
            if (!reader.Read()) continue;
            var row = string.Join(", ", Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}={reader.GetValue(i)}"));
            throw new DataTestFailedException($"Data test failed: {test.Name}; first offending row: {row}");
        }
    }
}

public sealed class DataTestFailedException(string message) : Exception(message);
