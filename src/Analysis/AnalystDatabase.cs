using Microsoft.Data.Analysis;
using MarketStats.Core.Contract;
using MarketStats.Core.IO;
using MarketStats.Core.Storage;

namespace MarketStats.Analysis;

/// <summary>
/// A MarketStats database opened for an analyst's notebook: read-only and sandboxed exactly as <c>marketstats sql</c>
/// is (<see cref="Warehouse.OpenSandboxed"/>), with query results as <see cref="DataFrame"/>s.
/// </summary>
/// <remarks>
/// Notebooks reach the database only through this class, so none carries connection code of its own. Results are
/// aggregates or the pseudonymous ids already stored; a column that would carry a keyed hash or an identity
/// encoding (the contract's <c>hmac</c> and <c>clk</c> fields) is refused, since a rendered notebook is passed around.
/// </remarks>
public sealed class AnalystDatabase : IDisposable
{
    /// <summary>The environment variable that names the database (CI points it at a freshly built demo database).</summary>
    public const string PathVariable = "MARKETSTATS_NOTEBOOK_DB";

    private readonly Warehouse warehouse;

    public string Path => warehouse.Path;

    private AnalystDatabase(Warehouse warehouse) => this.warehouse = warehouse;

    /// <summary>Where <see cref="Open"/> looks without a path: <see cref="PathVariable"/>, else the demo's database
    /// (<c>data/demo/demo.duckdb</c>, written by <c>marketstats demo</c>).</summary>
    public static string DefaultPath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured
            ? configured
            : System.IO.Path.Combine(HomeFolder.Path, "data", "demo", "demo.duckdb");

    /// <summary>Opens <paramref name="path"/> (default <see cref="DefaultPath"/>) read-only; several notebooks may read
    /// one database at once, but not while a writer (ingest, link, demo) holds it.</summary>
    public static AnalystDatabase Open(string? path = null) => new(Warehouse.OpenSandboxed(System.IO.Path.GetFullPath(path ?? DefaultPath)));

    /// <summary>Runs a query (DuckDB SQL, positional parameters <c>$1</c>, <c>$2</c>, …) and returns its rows.</summary>
    public DataFrame Query(string sql, params object?[] parameters)
    {
        using var reader = warehouse.Query(sql, parameters);
        var identifying = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).Where(IdentifyingColumns.Contains).ToList();
        if (identifying.Count > 0)
            throw new InvalidOperationException($"Notebooks do not read identity hashes or encodings ({string.Join(", ", identifying)}): select aggregates or the stored pseudonymous ids instead.");
        return FrameReader.Read(reader);
    }

    /// <summary>A whole mart or reference table (<c>mart_*</c>, <c>ref_*</c>), in its own order.</summary>
    public DataFrame Table(string name)
    {
        if (!(name.StartsWith("mart_", StringComparison.Ordinal) || name.StartsWith("ref_", StringComparison.Ordinal)) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            throw new ArgumentException($"{name} is not a mart or reference table name (mart_… or ref_…).", nameof(name));
        return Query($"select * from {name}");
    }

    /// <summary>The contract's identity fields: keyed hashes and the Bloom-filter encoding.</summary>
    private static readonly HashSet<string> IdentifyingColumns = new(
        ExportContract.Latest.Records.Values.SelectMany(r => r.Fields).Where(f => f.Type is FieldType.Hmac or FieldType.Clk or FieldType.FieldClk).Select(f => f.Name),
        StringComparer.OrdinalIgnoreCase);

    public void Dispose() => warehouse.Dispose();
}
