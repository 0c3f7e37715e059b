using MarketStats.Core.Domain;
using MarketStats.Reports.Survey;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Tests.Reports.Survey;

/// <summary>One paid contract line as a survey test writes it.</summary>
public sealed record SurveyLine(
    string Platform, string TransactionId, string JobId, string Form, string Category, DateOnly PaidOn, long PaidJpy, long FeeJpy,
    int Client, int Worker, string ClientPrefecture, string WorkerPrefecture)
{
    public string ClientAccount => $"c{Client}";
    public string WorkerAccount => $"w{Worker}";
}

/// <summary>
/// A small market of paid lines over five platforms, with planted disclosure risks, and the survey's figures computed
/// from it in C#, independently of the SQL marts.
/// </summary>
/// <remarks>
/// The same worker number on two platforms is one person (the fixture writes the linker's table accordingly), so
/// unique counts are tested across platforms. 'other' is sold almost only by P5 (a dominant platform); a competition in
/// 'system_development' has one worker (too few persons).
/// </remarks>
public static class SurveyFixture
{
    public const int FiscalYear = 2025;
    public static readonly string[] Platforms = ["P1", "P2", "P3", "P4", "P5"];
    private static readonly string[] Categories = ["web_development", "web_design", "design", "writing", "tasks", "image_video"];
    private static readonly string[] Forms = ["project", "competition", "task"];
    private static readonly string[] ClientPrefectures = ["13", "13", "13", "27", "01", "23", "40"];
    private static readonly string[] WorkerPrefectures = ["13", "14", "27", "01", "40", "47", "11", "28"];

    public static IReadOnlyList<SurveyLine> Lines(int fiscalYear = FiscalYear, int count = 400, int seed = 5)
    {
        var random = new Random(seed);
        var lines = new List<SurveyLine>();
        var start = MarketStats.Core.Domain.FiscalYear.Start(fiscalYear);
        for (var i = 0; i < count; i++)
        {
            var platform = Platforms[random.Next(4)];
            lines.Add(new SurveyLine(platform, $"t{i}", $"j{i / 2}", Forms[random.Next(3)], Categories[random.Next(Categories.Length)],
                start.AddDays(random.Next(365)), 1_000 + random.Next(200_000), random.Next(1_000), random.Next(30), random.Next(60),
                ClientPrefectures[random.Next(ClientPrefectures.Length)], WorkerPrefectures[random.Next(WorkerPrefectures.Length)]));
        }
        // A category one platform dominates (two others sell a little): its figure is nearly that platform's own.
        for (var i = 0; i < 12; i++)
            lines.Add(new SurveyLine("P5", $"o{i}", $"oj{i}", "project", "other", start.AddDays(10 + i), 50_000, 5_000, 100 + i % 4, 200 + i % 5, "13", "27"));
        lines.Add(new SurveyLine("P1", "o-p1", "oj-p1", "project", "other", start.AddDays(30), 10_000, 1_000, 104, 205, "13", "27"));
        lines.Add(new SurveyLine("P2", "o-p2", "oj-p2", "project", "other", start.AddDays(31), 10_000, 1_000, 105, 206, "13", "27"));
        // A competition winner alone in its cell.
        for (var i = 0; i < 3; i++)
            lines.Add(new SurveyLine(Platforms[i], $"s{i}", $"sj{i}", "competition", "system_development", start.AddDays(40 + i), 80_000, 8_000, 300 + i, 999, "13", "13"));
        return lines;
    }

    /// <summary>Lands the lines, registrations, the linker's table and a manifest covering the whole fiscal year.</summary>
    public static void Load(TempWarehouse db, IReadOnlyList<SurveyLine> lines, int coveredFiscalYear = FiscalYear)
    {
        var w = db.Warehouse;
        var line = 0L;
        foreach (var l in lines)
        {
            w.Execute(
                """
                insert into raw_transactions (file_id, source_line, platform_id, transaction_id, job_id, form, category, status,
                    posted_on, contracted_on, paid_on, posted_jpy, contracted_jpy, paid_jpy, fee_jpy,
                    client_account_id, worker_account_id, client_prefecture, worker_prefecture)
                values (1, $1, $2, $3, $4, $5, $6, 'paid', $7, $7, $7, $8, $8, $8, $9, $10, $11, $12, $13)
                """,
                ++line, l.Platform, l.TransactionId, l.JobId, l.Form, l.Category, l.PaidOn, l.PaidJpy, l.FeeJpy,
                l.ClientAccount, l.WorkerAccount, l.ClientPrefecture, l.WorkerPrefecture);
        }
        foreach (var (platform, worker) in lines.Select(l => (l.Platform, l.Worker)).Distinct())
        {
            w.Execute(
                """
                insert into raw_registrations (file_id, source_line, platform_id, account_id, kind, prefecture, registered_on, age_band, gender)
                values (2, 1, $1, $2, 'worker', '13', '2020-01-01', $3, $4)
                """,
                platform, $"w{worker}", AgeBand(worker), Gender(worker));
        }
        // The linker's output: the same number on two platforms is one person.
        foreach (var (platform, worker) in lines.Select(l => (l.Platform, l.Worker)).Distinct())
            w.Execute("insert into int_account_persons values ($1, $2, 'worker', $3)", platform, $"w{worker}", (long)worker);
        foreach (var (platform, client) in lines.Select(l => (l.Platform, l.Client)).Distinct())
            w.Execute("insert into int_account_persons values ($1, $2, 'client', $3)", platform, $"c{client}", 10_000L + client);
        var id = 0;
        foreach (var platform in lines.Select(l => l.Platform).Distinct())
        {
            w.Execute(
                """
                insert into ingest_files values ($1, $2, 'transactions', $3, $4, $5, 1, 1, $6, $7, 'csv (utf-8)', 1, '2026-04-10 00:00:00', null, null)
                """,
                ++id, platform, $"FY{coveredFiscalYear}", MarketStats.Core.Domain.FiscalYear.Start(coveredFiscalYear), MarketStats.Core.Domain.FiscalYear.End(coveredFiscalYear),
                new string((char)('a' + id), 64), $"transactions_FY{coveredFiscalYear}_{platform}.csv");
        }
    }

    public static string AgeBand(int worker) => worker % 7 == 6 ? "unknown" : new[] { "20s", "30s", "40s", "50s", "60s", "40s" }[worker % 7];

    public static string Gender(int worker) => worker % 3 == 0 ? "male" : "female";

    /// <summary>The disclosure-rule inputs and figures of one cell, computed straight from the lines.</summary>
    public sealed record Expected(long PaidJpy, long Clients, long Workers, long Platforms, double TopPlatformShare, double TopTwoPlatformsShare)
    {
        public DisclosureInput Sdc => new(Math.Min(Clients, Workers), Platforms, TopPlatformShare, TopTwoPlatformsShare);
    }

    public static Expected? Cell(IEnumerable<SurveyLine> lines)
    {
        var list = lines.ToList();
        if (list.Count == 0) return null;
        var paid = list.Sum(l => l.PaidJpy);
        var byPlatform = list.GroupBy(l => l.Platform).Select(g => g.Sum(l => l.PaidJpy)).OrderDescending().ToList();
        return new Expected(
            paid,
            list.Select(l => l.Client).Distinct().Count(),
            list.Select(l => l.Worker).Distinct().Count(),
            list.Select(l => l.Platform).Distinct().Count(),
            byPlatform[0] / (double)paid,
            byPlatform.Take(2).Sum() / (double)paid);
    }

    public static string RegionCode(string prefecture)
    {
        var regions = Prefecture.All.Select(p => p.RegionEn).Distinct().ToList();
        return "R" + (regions.IndexOf(Prefecture.ByCode(prefecture).RegionEn) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
