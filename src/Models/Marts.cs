using MarketStats.Core.Storage;

namespace MarketStats.Models;

/// <summary>Marts built, tested and fingerprinted together.</summary>
/// <param name="RunningTotals">Models a refresh adds the new lines to instead of recomputing (see <see cref="MartPartitions"/>).</param>
public sealed record MartGroup(string Name, IReadOnlyList<SqlModel> Models, IReadOnlyList<DataTest> Tests, IReadOnlyList<RunningTotal>? RunningTotals = null);

/// <summary>Builds the marts: staging once, then, for each group that is not current, its models and data tests in one transaction.</summary>
public static class Marts
{
    /// <summary>What the published reports read: the market size and the yearly survey.</summary>
    public static readonly MartGroup Reports = new("reports", MartModels.Models, MartModels.Tests, MartModels.RunningTotals);

    /// <summary>What researchers' extracts read (after the report marts, with which its data test reconciles).</summary>
    public static readonly MartGroup Extracts = new("extracts", MartModels.ExtractModels, MartModels.ExtractTests);

    /// <summary>What linkage reports: registered and active unique persons (no published report reads them).</summary>
    public static readonly MartGroup Linkage = new("linkage", MartModels.LinkageModels, MartModels.LinkageTests, MartModels.LinkageRunningTotals);

    /// <summary>
    /// Rebuilds staging and <paramref name="group"/>'s marts, unless they already reflect the warehouse's inputs (see
    /// <see cref="MartFreshness"/>) and <paramref name="force"/> is false. Needs a writable warehouse.
    /// </summary>
    /// <returns>True when the marts were rebuilt, false when they were current.</returns>
    public static bool Build(Warehouse warehouse, MartGroup group, TextWriter? trace = null, bool force = false, IProgress<string>? progress = null) =>
        Build(warehouse, [group], trace, force, progress);

    /// <summary>Every group, for the steps that build everything (link, the build-marts job).</summary>
    public static bool BuildAll(Warehouse warehouse, TextWriter? trace = null, bool force = false, IProgress<string>? progress = null) =>
        Build(warehouse, [Reports, Extracts, Linkage], trace, force, progress);

    /// <summary>Staging once, then each group that is not current, in order, each in its own transaction.</summary>
    public static bool Build(Warehouse warehouse, IReadOnlyList<MartGroup> groups, TextWriter? trace, bool force, IProgress<string>? progress)
    {
        // The fingerprint reads the landed tables and the linker's output, not staging: check it before anything else.
        trace?.WriteLine("-- fingerprints of the mart groups' inputs");
        var landed = MartFreshness.ReadLandedInputs(warehouse);
        var stale = new List<(MartGroup Group, string Fingerprint)>();
        foreach (var group in groups)
        {
            var fingerprint = MartFreshness.Fingerprint(landed, group);
            if (force || !MartFreshness.IsCurrent(warehouse, group, fingerprint)) stale.Add((group, fingerprint));
            else trace?.WriteLine($"-- {group.Name} marts are current (inputs and models unchanged): not rebuilt");
        }
        if (stale.Count == 0) return false;

        // When every stale group only gained transaction files, staging's tests need read only those files' lines.
        var added = force ? null : stale.Select(s => MartFreshness.TransactionFilesAdded(warehouse, s.Group, landed)).ToList();
        var stagingTests = added is not null && added.All(files => files is not null)
            ? Staging.TestsOfAddedTransactionFiles(added.SelectMany(files => files!).Distinct().Order())
            : null;
        trace?.WriteLine("-- staging: macros, reference tables, views and data tests");
        Staging.Build(warehouse, trace, tests: stagingTests);
        var runner = new SqlModelRunner(warehouse, trace, progress, "mart build");
        // Marts are read with explicit ORDER BY: let DuckDB materialise them in any order (faster, less memory).
        warehouse.Execute("set preserve_insertion_order = false");
        warehouse.SetMemoryLimit(Warehouse.MartBuildMemoryLimit);
        try
        {
            foreach (var (group, fingerprint) in stale)
            {
                // One transaction per group: readers see the old marts or all the new ones, a failing data test leaves
                // the old ones in place, and the file is synced once instead of after every model.
                trace?.WriteLine($"-- {group.Name}: which transaction files were added");
                warehouse.Execute("begin transaction");
                try
                {
                    // After transaction files only, the fiscal years they touch; otherwise (or forced) everything.
                    var refreshed = force ? null : MartPartitions.TryRefresh(warehouse, group, landed, runner, trace);
                    if (refreshed is null) runner.Run(group.Models, group.Tests);
                    else progress?.Report($"{group.Name} marts: refreshed FY{string.Join(", FY", refreshed)} (transaction files added)");
                    trace?.WriteLine($"-- {group.Name}: recording the fingerprint");
                    MartFreshness.Record(warehouse, group, fingerprint, landed, refreshed);
                    trace?.WriteLine($"-- {group.Name}: committing (and checkpointing)");
                    warehouse.Execute("commit");
                    trace?.WriteLine($"-- {group.Name}: committed");
                }
                catch
                {
                    warehouse.Execute("rollback");
                    throw;
                }
            }
        }
        finally
        {
            warehouse.SetMemoryLimit(Warehouse.DefaultMemoryLimit);
        }
        return true;
    }
}
