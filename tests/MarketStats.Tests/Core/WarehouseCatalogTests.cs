using MarketStats.Core.Storage;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Core;

/// <summary>"Does the database keep this table?" — asked by freshness checks, the release log and the linker, always
/// about what the file keeps between runs, never about a connection's temporary table of the same name.</summary>
public sealed class WarehouseCatalogTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public void Stored_tables_and_views_count_and_temporary_tables_do_not()
    {
        using var warehouse = Warehouse.OpenForWrite(temp["w.duckdb"]);
        warehouse.Execute("create table kept (fiscal_year integer)");
        warehouse.Execute("create view shown as select 1 as n");
        warehouse.Execute("create temp table scratch (fiscal_year integer)");

        Assert.Equal("BASE TABLE", warehouse.StoredObjectType("kept"));
        Assert.Equal("VIEW", warehouse.StoredObjectType("shown"));
        Assert.True(warehouse.HasTable("kept"));
        Assert.True(warehouse.HasTable("shown"));
        Assert.False(warehouse.HasTable("scratch"));
        Assert.False(warehouse.HasTable("absent"));
        Assert.True(warehouse.HasColumn("kept", "fiscal_year"));
        Assert.False(warehouse.HasColumn("kept", "platform_code"));
        Assert.False(warehouse.HasColumn("scratch", "fiscal_year"));
    }

    [Fact]
    public void The_answer_does_not_depend_on_the_files_name()
    {
        // DuckDB names the catalog after the file; a name that is also a keyword or has a dot must not matter.
        using var warehouse = Warehouse.OpenForWrite(temp["select.v2.duckdb"]);
        warehouse.Execute("create table kept (n integer)");

        Assert.True(warehouse.HasTable("kept"));
    }
}
