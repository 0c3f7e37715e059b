using DuckDB.NET.Data;
using MarketStats.Analysis;
using MarketStats.Core.Storage;
using MarketStats.Tests.Support;
using Microsoft.Data.Analysis;

namespace MarketStats.Tests.Analysis;

/// <summary>The notebooks' loader: typed DataFrames from a real DuckDB file, opened so that nothing can be written or identified.</summary>
public sealed class AnalystDatabaseTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly string db;

    public AnalystDatabaseTests()
    {
        db = temp["analyst.duckdb"];
        using var warehouse = Warehouse.OpenForWrite(db);
        warehouse.Execute("""
            create table mart_sample (fiscal_year bigint, form varchar, paid_jpy bigint, share double, rate decimal(6, 3), paid_on date, email_hmac varchar);
            insert into mart_sample values
                (2024, 'project', 1200000, 0.75, 12.500, date '2024-05-01', 'aa'),
                (2025, 'task', 9000000000, null, null, null, null);
            """);
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Query_returns_one_typed_column_per_result_column_with_nulls_kept()
    {
        using var analyst = AnalystDatabase.Open(db);
        var frame = analyst.Query("select fiscal_year, form, sum(paid_jpy) as paid_jpy, share, rate, paid_on from mart_sample group by all order by fiscal_year");

        Assert.Equal(2, frame.Rows.Count);
        Assert.IsType<Int64DataFrameColumn>(frame.Columns["fiscal_year"]);
        Assert.IsType<Int64DataFrameColumn>(frame.Columns["paid_jpy"]); // DuckDB's HUGEINT sum, narrowed checked
        Assert.IsType<DateTimeDataFrameColumn>(frame.Columns["paid_on"]); // DATE, which DataFrame.LoadFrom cannot read
        Assert.Equal([1_200_000L, 9_000_000_000L], frame.Columns["paid_jpy"].Cast<long?>().Select(v => v!.Value));
        Assert.Equal(["project", "task"], frame.Columns["form"].Cast<string>());
        Assert.Equal(0.75, (double)frame.Columns["share"][0]);
        Assert.Null(frame.Columns["share"][1]);
        Assert.Equal(12.5m, (decimal)frame.Columns["rate"][0]);
        Assert.Equal(new DateTime(2024, 5, 1), (DateTime)frame.Columns["paid_on"][0]);
        Assert.Null(frame.Columns["paid_on"][1]);
    }

    [Theory]
    [InlineData("insert into mart_sample (fiscal_year) values (2026)")]
    [InlineData("create table notes (text varchar)")]
    [InlineData("copy mart_sample to '{0}'")]
    [InlineData("set enable_external_access = true")]
    public void Nothing_can_be_written_read_from_files_or_reconfigured(string statement)
    {
        var outside = temp["outside.csv"];
        using (var analyst = AnalystDatabase.Open(db))
            Assert.ThrowsAny<DuckDBException>(() => analyst.Query(string.Format(System.Globalization.CultureInfo.InvariantCulture, statement, outside)));
        Assert.False(File.Exists(outside));
        using var analystAgain = AnalystDatabase.Open(db);
        Assert.Equal(2, Convert.ToInt64(analystAgain.Query("select count(*) from mart_sample")[0, 0]));
        Assert.Equal(0, Convert.ToInt64(analystAgain.Query("select count(*) from information_schema.tables where table_name = 'notes'")[0, 0]));
    }

    [Fact]
    public void Identity_hash_columns_are_refused_even_when_selected_by_star()
    {
        using var analyst = AnalystDatabase.Open(db);
        var refused = Assert.Throws<InvalidOperationException>(() => analyst.Table("mart_sample"));
        Assert.Contains("email_hmac", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, analyst.Query("select * exclude (email_hmac) from mart_sample").Rows.Count);
    }

    [Theory]
    [InlineData("stg_registrations")]
    [InlineData("mart_sample; drop table mart_sample")]
    public void Table_takes_only_mart_and_reference_names(string name)
    {
        using var analyst = AnalystDatabase.Open(db);
        Assert.Throws<ArgumentException>(() => analyst.Table(name));
    }

    [Fact]
    public void A_missing_database_is_named_rather_than_created()
    {
        var missing = temp["none.duckdb"];
        var error = Assert.Throws<WarehouseUnavailableException>(() => AnalystDatabase.Open(missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }
}
