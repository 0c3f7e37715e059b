using MarketStats.Core.Domain;
using MarketStats.Core.Storage;
using MarketStats.Pipeline;

namespace MarketStats.Tests.Reports;

/// <summary>One raw transaction line as a test writes it.</summary>
public sealed record FixtureLine(
    string Platform, string TransactionId, string JobId, string Form, string Status,
    DateOnly PostedOn, DateOnly? ContractedOn, DateOnly? PaidOn,
    long PostedJpy, long? ContractedJpy, long? PaidJpy, long? FeeJpy,
    string ClientAccount, string? WorkerAccount);

/// <summary>One row of the linker's output: an account placed in a person.</summary>
public sealed record FixturePerson(string Platform, string AccountId, string Kind, long PersonId);

/// <summary>A throwaway DuckDB file under the temp directory, with helpers to land fixture rows the way ingest would.</summary>
public sealed class TempWarehouse : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "marketstats-tests-" + Guid.NewGuid().ToString("N"));
    public Warehouse Warehouse { get; }

    public TempWarehouse()
    {
        Warehouse = PipelineSteps.OpenWarehouse(Path.Combine(Directory, "warehouse.duckdb"));
    }

    public string OutDir => Path.Combine(Directory, "out");

    public void Insert(IEnumerable<FixtureLine> lines)
    {
        var sourceLine = 0L;
        foreach (var l in lines)
        {
            Warehouse.Execute(
                """
                insert into raw_transactions (file_id, source_line, platform_id, transaction_id, job_id, form, category, status,
                    posted_on, contracted_on, paid_on, posted_jpy, contracted_jpy, paid_jpy, fee_jpy,
                    client_account_id, worker_account_id, client_prefecture, worker_prefecture)
                values (1, $1, $2, $3, $4, $5, 'design', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '13', $16)
                """,
                ++sourceLine, l.Platform, l.TransactionId, l.JobId, l.Form, l.Status,
                l.PostedOn, l.ContractedOn, l.PaidOn, l.PostedJpy, l.ContractedJpy, l.PaidJpy, l.FeeJpy,
                l.ClientAccount, l.WorkerAccount, l.WorkerAccount is null ? null : "27");
        }
    }

    /// <summary>Writes the linker's table as the linker would (it does not exist before linkage runs).</summary>
    public void InsertPersons(IEnumerable<FixturePerson> persons)
    {
        Warehouse.Execute("create table if not exists int_account_persons (platform_id varchar, account_id varchar, kind varchar, person_id bigint)");
        foreach (var p in persons)
            Warehouse.Execute("insert into int_account_persons values ($1, $2, $3, $4)", p.Platform, p.AccountId, p.Kind, p.PersonId);
    }

    public void Dispose()
    {
        Warehouse.Dispose();
        var preview = Environment.GetEnvironmentVariable("MARKETSTATS_TEST_PREVIEW_DIR");
        if (preview is not null && System.IO.Directory.Exists(OutDir))
        {
            // Keeps the last run's files for a human to look at (charts and workbooks are checked by eye too).
            var target = Path.Combine(preview, Path.GetFileName(Directory));
            System.IO.Directory.CreateDirectory(target);
            foreach (var file in System.IO.Directory.GetFiles(OutDir))
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

/// <summary>The market-size fixture and the expected mart computed from it in C#, independently of the SQL.</summary>
public static class MarketSizeFixture
{
    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    public static readonly FixtureLine[] Lines =
    [
        // FY2023: the fiscal year's first and last day
        new("alpha", "a-t1", "a-j1", "project", "paid", D(2023, 4, 1), D(2023, 5, 20), D(2024, 3, 31), 100_000, 90_000, 90_000, 9_000, "c1", "w1"),
        // posted and contracted in March (FY2023), paid in April (FY2024)
        new("alpha", "a-t2", "a-j2", "project", "paid", D(2024, 3, 15), D(2024, 3, 25), D(2024, 4, 5), 500_000, 480_000, 480_000, 48_000, "c1", "w2"),
        new("alpha", "a-t3", "a-j3", "project", "delivered", D(2023, 10, 1), D(2023, 10, 5), null, 250_000, 240_000, null, null, "c4", "w3"),
        // one task job, three lines, two workers (one of them twice)
        new("alpha", "a-t4", "a-j4", "task", "paid", D(2024, 6, 1), D(2024, 6, 1), D(2024, 6, 10), 300, 300, 300, null, "c2", "w1"),
        new("alpha", "a-t5", "a-j4", "task", "paid", D(2024, 6, 1), D(2024, 6, 1), D(2024, 6, 10), 300, 300, 300, 0, "c2", "w3"),
        new("alpha", "a-t6", "a-j4", "task", "paid", D(2024, 6, 1), D(2024, 6, 2), D(2024, 6, 11), 300, 300, 300, 0, "c2", "w3"),
        // posted only
        new("alpha", "a-t7", "a-j5", "competition", "posted", D(2024, 8, 1), null, null, 50_000, null, null, null, "c3", null),
        // contracted, then cancelled: posted value counts, contracted value does not
        new("alpha", "a-t8", "a-j6", "project", "cancelled", D(2024, 9, 1), D(2024, 9, 10), null, 200_000, 200_000, null, null, "c1", "w2"),
        // the same job id on another platform is another job
        new("beta", "b-t1", "a-j1", "competition", "paid", D(2024, 9, 20), D(2024, 9, 21), D(2024, 10, 1), 30_000, 30_000, 30_000, 6_000, "bc1", "bw1"),
        new("beta", "b-t2", "b-j2", "project", "contracted", D(2024, 11, 1), D(2024, 11, 15), null, 800_000, 750_000, null, null, "bc2", "bw2"),
        new("beta", "b-t3", "b-j3", "project", "paid", D(2023, 12, 1), D(2023, 12, 2), D(2024, 2, 1), 60_000, 60_000, 55_000, 5_500, "bc1", "bw2"),
    ];

    /// <summary>alpha:w1 and beta:bw1 are one worker; alpha:c1 and beta:bc1 are one client; the rest are unlinked.</summary>
    public static readonly FixturePerson[] Persons =
    [
        new("alpha", "w1", "worker", 1),
        new("beta", "bw1", "worker", 1),
        new("alpha", "c1", "client", 2),
        new("beta", "bc1", "client", 2),
        new("alpha", "w2", "worker", 3),
    ];

    public static string PersonOf(string platform, string account, string kind) =>
        Persons.FirstOrDefault(p => p.Platform == platform && p.AccountId == account && p.Kind == kind) is { } p
            ? "person " + p.PersonId
            : $"{platform}:{account}";

    /// <summary>The expected mart row for one fiscal year and form (null form: all forms), or null if nothing happened.</summary>
    public static ExpectedFigures? Expected(IReadOnlyList<FixtureLine> lines, int fiscalYear, string? form)
    {
        var ofForm = lines.Where(l => form is null || l.Form == form).ToList();
        var posted = ofForm.Where(l => FiscalYear.Of(l.PostedOn) == fiscalYear).ToList();
        var contracted = ofForm.Where(l => l.ContractedOn is { } c && FiscalYear.Of(c) == fiscalYear && l.Status != "cancelled").ToList();
        var paid = ofForm.Where(l => l.PaidOn is { } p && FiscalYear.Of(p) == fiscalYear).ToList();
        if (posted.Count == 0 && contracted.Count == 0 && paid.Count == 0) return null;
        return new ExpectedFigures(
            JobsPosted: posted.Select(l => (l.Platform, l.JobId)).Distinct().Count(),
            PostedJpy: posted.Sum(l => l.PostedJpy),
            LinesContracted: contracted.Count,
            ContractedJpy: contracted.Sum(l => l.ContractedJpy!.Value),
            LinesPaid: paid.Count,
            PaidJpy: paid.Sum(l => l.PaidJpy!.Value),
            FeeJpy: paid.Sum(l => l.FeeJpy ?? 0),
            ActiveClients: paid.Select(l => PersonOf(l.Platform, l.ClientAccount, "client")).Distinct().Count(),
            ActiveWorkers: paid.Select(l => PersonOf(l.Platform, l.WorkerAccount!, "worker")).Distinct().Count());
    }

    public static IEnumerable<int> FiscalYears(IReadOnlyList<FixtureLine> lines) =>
        lines.SelectMany(l => new[] { l.PostedOn, l.ContractedOn, l.PaidOn }).OfType<DateOnly>().Select(FiscalYear.Of).Distinct().Order();
}

public sealed record ExpectedFigures(
    long JobsPosted, long PostedJpy, long LinesContracted, long ContractedJpy, long LinesPaid, long PaidJpy, long FeeJpy,
    long ActiveClients, long ActiveWorkers);
