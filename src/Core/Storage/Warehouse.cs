using System.Data.Common;
using DuckDB.NET.Data;

namespace MarketStats.Core.Storage;

/// <summary>The association's embedded DuckDB database: opening it, its memory bounds, and its one-writer rule.</summary>
public sealed class Warehouse : IDisposable
{
    public string Path { get; }
    public DuckDBConnection Connection { get; }

    private Warehouse(string path, DuckDBConnection connection)
    {
        Path = path;
        Connection = connection;
    }

    /// <summary>Opens (creating if needed) the database for writing. Each stage creates the tables it owns (ingest the
    /// landing tables, linkage its own, the models theirs).</summary>
    public static Warehouse OpenForWrite(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var warehouse = new Warehouse(path, Open($"Data Source={path}", path));
        warehouse.BoundMemory();
        warehouse.RemoveStaleSpillFiles();
        return warehouse;
    }

    /// <summary>Opens an existing database read-only: several readers may share it, but not with a writer.</summary>
    public static Warehouse OpenReadOnly(string path)
    {
        if (!File.Exists(path))
            throw new WarehouseUnavailableException($"No database at {path}: run 'marketstats ingest' or 'marketstats demo' first.");
        return new Warehouse(path, Open($"Data Source={path};ACCESS_MODE=READ_ONLY", path));
    }

    /// <summary>
    /// Opens the database for someone else's query (<c>marketstats sql</c>): read-only, memory bounded, then sealed so
    /// that no statement can reach a file, another database or an extension (<c>enable_external_access = false</c>)
    /// or change a setting again (<c>lock_configuration = true</c>). The switches come last: setup itself sets options.
    /// </summary>
    public static Warehouse OpenSandboxed(string path)
    {
        var warehouse = OpenReadOnly(path);
        try
        {
            warehouse.SetMemoryLimit(DefaultMemoryLimit);
            warehouse.Execute("set enable_external_access = false");
            warehouse.Execute("set lock_configuration = true");
            return warehouse;
        }
        catch
        {
            warehouse.Dispose();
            throw;
        }
    }

    /// <summary>DuckDB's memory ceiling; beyond it, work spills to a folder beside the database (MARKETSTATS_DUCKDB_MEMORY overrides).</summary>
    public const string DefaultMemoryLimit = "512MB";

    /// <summary>
    /// The ceiling while the marts are built (MARKETSTATS_DUCKDB_MEMORY overrides). At 10 million transactions the
    /// build holds a million paid accounts and their cells; 600 MB keeps the whole survey under 1 GB of resident memory
    /// (about 850 MB measured; DuckDB and .NET add about 250 MB outside this ceiling) at 1-2 s more than 1 GB would cost.
    /// </summary>
    public const string MartBuildMemoryLimit = "600MB";

    /// <summary>Caps DuckDB's memory so that a bigger export spills to disk instead of growing the process.</summary>
    private void BoundMemory()
    {
        SetMemoryLimit(DefaultMemoryLimit);
        var spill = System.IO.Path.GetFullPath(Path) + ".tmp";
        Execute($"set temp_directory = {SqlText.Literal(spill)}");
    }

    /// <summary>
    /// Removes spill files a killed process left in the spill folder (DuckDB deletes its own only when it closes).
    /// Safe here: this runs after the writer's lock is taken, so no other process has the database open, and a file
    /// this process's DuckDB still uses (another connection to the same database) is listed by duckdb_temporary_files().
    /// </summary>
    private void RemoveStaleSpillFiles()
    {
        var spill = System.IO.Path.GetFullPath(Path) + ".tmp";
        if (!Directory.Exists(spill)) return;
        var inUse = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = Query("select path from duckdb_temporary_files()"))
            while (reader.Read()) inUse.Add(System.IO.Path.GetFullPath(reader.GetString(0)));
        foreach (var file in Directory.GetFiles(spill).Where(f => !inUse.Contains(System.IO.Path.GetFullPath(f))))
        {
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* gone already or not ours to delete: the next writer tries again */ }
        }
    }

    /// <summary>Sets DuckDB's memory ceiling to <paramref name="limit"/>, unless MARKETSTATS_DUCKDB_MEMORY names one.</summary>
    public void SetMemoryLimit(string limit)
    {
        if (Environment.GetEnvironmentVariable("MARKETSTATS_DUCKDB_MEMORY") is { Length: > 0 } configured) limit = configured;
        Execute($"set memory_limit = '{limit.Replace("'", "", StringComparison.Ordinal)}'");
    }

    private static DuckDBConnection Open(string connectionString, string path)
    {
        var connection = new DuckDBConnection(connectionString);
        try
        {
            connection.Open();
        }
        catch (DuckDBException e) when (e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
        {
            connection.Dispose();
            throw new WarehouseUnavailableException(
                $"The database {path} is in use by another MarketStats process (DuckDB allows one writer); try again when it has finished. ({FirstLine(e.Message)})", e);
        }
        return connection;
    }

    private static string FirstLine(string message) => message.Split('\n')[0];

    /// <summary>"BASE TABLE" or "VIEW" for <paramref name="name"/> in the database file's main schema; null when there
    /// is none. A connection's temporary table of that name is not counted: it lives in the catalog "temp" and is gone
    /// when the process ends, while every caller asks about what the file keeps between runs.</summary>
    public string? StoredObjectType(string name) =>
        Scalar<string>("select table_type from information_schema.tables where table_catalog = current_database() and table_schema = 'main' and table_name = $1", name);

    /// <summary>Whether the database file keeps a table or view named <paramref name="name"/> (see <see cref="StoredObjectType"/>).</summary>
    public bool HasTable(string name) => StoredObjectType(name) is not null;

    /// <summary>The catalog's columns of this database's own tables and views (not an attached database's).</summary>
    private const string StoredColumns = "from information_schema.columns where table_catalog = current_database() and table_schema = 'main'";

    /// <summary>The columns of the stored table or view <paramref name="table"/>, in order.</summary>
    public IReadOnlyList<string> ColumnNames(string table)
    {
        var names = new List<string>();
        using var reader = Query($"select column_name {StoredColumns} and table_name = $1 order by ordinal_position", table);
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>Every stored table's and view's columns (as <see cref="ColumnNames"/>), in one catalog query: for a
    /// caller that asks about many tables.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ColumnNamesOfAllTables()
    {
        var tables = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        using var reader = Query($"select table_name, list(column_name order by ordinal_position) {StoredColumns} group by table_name");
        while (reader.Read()) tables[reader.GetString(0)] = reader.GetFieldValue<List<string>>(1);
        return tables;
    }

    /// <summary>Whether the stored table or view <paramref name="table"/> has the column <paramref name="column"/>.</summary>
    public bool HasColumn(string table, string column) => ColumnNames(table).Contains(column, StringComparer.Ordinal);

    public int Execute(string sql, params object?[] parameters)
    {
        using var command = CreateCommand(sql, parameters);
        return command.ExecuteNonQuery();
    }

    public T? Scalar<T>(string sql, params object?[] parameters)
    {
        using var command = CreateCommand(sql, parameters);
        var value = command.ExecuteScalar();
        if (value is null or DBNull) return default;
        // DuckDB sums integers as HUGEINT (BigInteger), which Convert cannot handle; yen totals fit in decimal.
        if (value is System.Numerics.BigInteger big) value = (decimal)big;
        return (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public DbDataReader Query(string sql, params object?[] parameters) => CreateCommand(sql, parameters).ExecuteReader();

    /// <summary>Creates a command with positional parameters (<c>$1</c>, <c>$2</c>, … in the SQL).</summary>
    public DuckDBCommand CreateCommand(string sql, params object?[] parameters)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var p in parameters)
            command.Parameters.Add(new DuckDBParameter(p ?? DBNull.Value));
        return command;
    }

    public void Dispose() => Connection.Dispose();
}

/// <summary>The database cannot be used now (locked by another writer, or missing): exit code 3.</summary>
public sealed class WarehouseUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
