using MarketStats.Core.Storage;
using MarketStats.Models;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Core;

/// <summary>A failing model is named in the error: DuckDB's own message never says which of the dozens of models it
/// came from (the 30M benchmark's out-of-memory failure could not be placed without it).</summary>
public sealed class SqlModelRunnerTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_failing_model_is_named_and_keeps_duckdbs_error()
    {
        using var warehouse = Warehouse.OpenForWrite(temp["w.duckdb"]);
        var first = MartModels.Models[0]; // reads staging, which this empty database does not have

        var failure = Assert.Throws<SqlModelFailedException>(() => new SqlModelRunner(warehouse).Run([first], []));

        Assert.Equal(first.Name, failure.Model);
        Assert.Contains(first.Name, failure.Message, StringComparison.Ordinal);
        var inner = Assert.IsType<DuckDB.NET.Data.DuckDBException>(failure.InnerException, exactMatch: false);
        Assert.Contains(inner.Message, failure.Message, StringComparison.Ordinal);
    }
}
