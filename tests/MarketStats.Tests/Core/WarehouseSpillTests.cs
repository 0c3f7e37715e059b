using System.Diagnostics;
using MarketStats.Core.Storage;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Core;

/// <summary>Spill files a killed process left in <c>&lt;db&gt;.tmp</c> are removed by the next writer (issue 11, item 4).</summary>
public sealed class WarehouseSpillTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private string Db => temp["warehouse.duckdb"];
    private string Spill => Db + ".tmp";
    private string[] SpillFiles() => Directory.Exists(Spill) ? Directory.GetFiles(Spill) : [];

    /// <summary>A real process sorting more than its memory allows, killed (SIGKILL) while it has spilled.</summary>
    private void LeaveSpillFilesBehind()
    {
        using (Warehouse.OpenForWrite(Db)) { }
        var environment = new Dictionary<string, string> { ["MARKETSTATS_DUCKDB_MEMORY"] = "40MB" };
        using var child = CliProcess.Start(environment, "sql", "select count(*) from (select (range * 7919) % 50000000 as v from range(50000000) order by v offset 1)", "--db", Db);
        var watch = Stopwatch.StartNew();
        while (SpillFiles().Length == 0 && !child.HasExited && watch.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(50);
        child.Kill();
        child.WaitForExit();
        Assert.NotEmpty(SpillFiles());
    }

    [Fact]
    public void A_writer_removes_spill_files_left_by_a_killed_process()
    {
        LeaveSpillFilesBehind();

        using var warehouse = Warehouse.OpenForWrite(Db);

        Assert.Empty(SpillFiles());
        Assert.Equal(1, warehouse.Scalar<int>("select 1"));
    }
}
