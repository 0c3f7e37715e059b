using MarketStats.Core.Storage;

namespace MarketStats.Models;

/// <summary>The staging layer: renames, casts and fiscal years over the landed tables; never joins.</summary>
public static class Staging
{
    public static readonly SqlModel[] Models =
    [
        SqlModel.View(typeof(Staging).Assembly, "staging/stg_transactions.sql"),
        SqlModel.View(typeof(Staging).Assembly, "staging/stg_registrations.sql"),
    ];

    public static readonly DataTest[] Tests =
    [
        // (platform_id, transaction_id) is not re-tested here: ingest enforces it as rows arrive (within a file by the
        // validator, across a platform's files by Ingestor.KeysLoadedElsewhere, both tested), and re-checking ten
        // million keys on every mart build cost 1.4-1.9 s of the survey's 15 s budget.
        DataTest.Unique("stg_registrations", "platform_id, account_id, kind"),
        DataTest.Holds("stg_transactions", AmountsHold),
    ];

    private const string AmountsHold = "paid_jpy is null or contracted_jpy is null or paid_jpy <= contracted_jpy";

    /// <summary>
    /// Staging's data tests when only transaction files were added since every group's last build (which tested the
    /// lines then loaded): the new files' lines only, so a one-file refresh does not scan the database.
    /// </summary>
    public static DataTest[] TestsOfAddedTransactionFiles(IEnumerable<int> files) =>
        [DataTest.Holds($"(select * from stg_transactions where file_id in ({string.Join(", ", files)}))", AmountsHold)];

    /// <summary>The macros every layer shares (<c>fiscal_year</c>, <c>account_person_key</c>).</summary>
    public static string Macros => SqlScripts.Read(typeof(Staging).Assembly, "macros.sql");

    /// <summary>
    /// Macros, reference tables and the staging views, then staging's data tests. Needs the landing tables (created
    /// by ingest). Cheap (views and 47 rows), so every step that reads staging builds it first.
    /// </summary>
    /// <param name="runTests">False right after ingest: its rules have just enforced what the tests check, and each test
    /// scans every loaded row (2 s at 10M transactions), which a one-file refresh would pay for the whole database. The
    /// next step that reads staging (link, marts) builds it with its tests.</param>
    /// <param name="tests">The tests to run instead of <see cref="Tests"/> (see <see cref="TestsOfAddedTransactionFiles"/>).</param>
    public static void Build(Warehouse warehouse, TextWriter? trace = null, bool runTests = true, IReadOnlyList<DataTest>? tests = null)
    {
        warehouse.Execute(Macros);
        ReferenceTables.Load(warehouse);
        new SqlModelRunner(warehouse, trace).Run(Models, runTests ? tests ?? Tests : []);
    }
}
