using System.Globalization;
using ClosedXML.Excel;
using MarketStats.Core.Domain;
using MarketStats.Reports;
using MarketStats.Reports.Disclosure;
using MarketStats.Reports.Survey;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Cli;

/// <summary>
/// The survey's sections on accounts vs persons, the whole market (estimate) and like-for-like growth, recomputed from
/// the raw export files (and the linker's table, and the reference lists in data/) in C#, without DuckDB, and compared
/// with the demo's workbook.
/// </summary>
[Collection(SurveyDemoCollection.Name)]
public sealed class SurveyMarketReconciliationTests(SurveyDemo demo)
{
    private static readonly SurveyMarketLabels M = ReportLabels.Japanese.Survey.Market;

    private static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public void Demo_AccountsAndPersons_EqualRegistrationsLinkedByTheLinkersTable()
    {
        var year = demo.FiscalYear;
        // Accounts registered by the year's end, and the accounts paid in the year.
        var stock = RawExports.Registrations(demo.Inbox).Where(f => FiscalYear.Of(Day(f("registered_on"))) <= year)
            .Select(f => (Platform: f("platform_id"), Account: f("account_id"), Kind: f("kind"))).ToList();
        var paid = new HashSet<(string, string, string)>();
        foreach (var f in RawExports.Transactions(demo.Inbox).Where(f => f("paid_on").Length > 0 && FiscalYear.Of(Day(f("paid_on"))) == year))
        {
            paid.Add((f("platform_id"), f("client_account_id"), "client"));
            if (f("worker_account_id").Length > 0) paid.Add((f("platform_id"), f("worker_account_id"), "worker"));
        }

        using var workbook = Workbooks.Open(demo.Workbook);
        var table = workbook.Worksheet(M.PersonsSheet).Table(SurveyWorkbook.PersonsTable).DataRange.Rows().ToList();
        var compared = 0;
        foreach (var kind in new[] { "worker", "client" })
        {
            var accounts = stock.Where(a => a.Kind == kind).Select(a => (a, Person: demo.Person(a.Platform, a.Account, kind))).ToList();
            var bandOf = accounts.GroupBy(a => a.Person).ToDictionary(g => g.Key, g => g.Select(a => a.a.Platform).Distinct().Count() switch { 1 => "1", 2 => "2", _ => "3+" });
            foreach (var band in new[] { null, "1", "2", "3+" })
            {
                var inBand = accounts.Where(a => band is null || bandOf[a.Person] == band).ToList();
                long[] expected =
                [
                    inBand.Count,
                    inBand.Select(a => a.Person).Distinct().Count(),
                    inBand.Where(a => paid.Contains((a.a.Platform, a.a.Account, kind))).Select(a => a.Person).Distinct().Count(),
                ];
                var row = table.Single(r => r.Cell(1).GetValue<int>() == year && r.Cell(2).GetString() == M.KindLabel(kind) && r.Cell(3).GetString() == M.BandLabel(band));
                if (row.Cell(4).GetString() == ReportLabels.Japanese.Survey.SuppressedMark) continue;
                Assert.Equal(expected, new[] { row.Cell(4).GetValue<long>(), row.Cell(5).GetValue<long>(), row.Cell(6).GetValue<long>() });
                compared++;
            }
            // The correction the section exists for: accounts overstate persons, registered persons overstate the active.
            var all = table.Single(r => r.Cell(1).GetValue<int>() == year && r.Cell(2).GetString() == M.KindLabel(kind) && r.Cell(3).GetString() == M.BandLabel(null));
            Assert.True(all.Cell(4).GetValue<long>() > all.Cell(5).GetValue<long>() && all.Cell(5).GetValue<long>() > all.Cell(6).GetValue<long>());
        }
        Assert.True(compared >= 6, $"only {compared} rows published");

        // The Summary's facts: the workers' all-band row.
        var facts = workbook.Worksheet(ReportLabels.Japanese.Survey.SummarySheet).Table(SurveyWorkbook.FactsTable).DataRange.Rows().Select(r => r.Cell(2)).ToList();
        var workers = table.Single(r => r.Cell(1).GetValue<int>() == year && r.Cell(2).GetString() == M.KindLabel("worker") && r.Cell(3).GetString() == M.BandLabel(null));
        Assert.Equal(new[] { workers.Cell(4).GetValue<long>(), workers.Cell(5).GetValue<long>(), workers.Cell(6).GetValue<long>() },
            new[] { facts[4].GetValue<long>(), facts[5].GetValue<long>(), facts[6].GetValue<long>() });
    }

    [Fact]
    public void Demo_LikeForLikeGrowth_EqualsGrowthOverThePlatformsPaidInBothYears()
    {
        var year = demo.FiscalYear;
        var byPlatform = PaidByPlatform(year - 1, year);
        var (before, now) = (byPlatform[year - 1], byPlatform[year]);
        var continuing = now.Keys.Where(before.ContainsKey).ToList();
        var growth = continuing.Sum(p => now[p].Paid) / (double)continuing.Sum(p => before[p].Paid) - 1;
        var linesGrowth = continuing.Sum(p => now[p].Lines) / (double)continuing.Sum(p => before[p].Lines) - 1;
        var headline = now.Values.Sum(v => v.Paid) / (double)before.Values.Sum(v => v.Paid) - 1;

        using var workbook = Workbooks.Open(demo.Workbook);
        var row = workbook.Worksheet(M.LikeForLikeSheet).Table(SurveyWorkbook.LikeForLikeTable).DataRange.Rows().Single(r => r.Cell(1).GetValue<int>() == year);
        Assert.Equal(headline, row.Cell(2).GetDouble(), 12);
        // Every demo platform is paid in every year: no joiner, no leaver, so the figure is published and equals the headline.
        Assert.Equal(now.Keys.Count(p => !before.ContainsKey(p)), row.Cell(7).GetValue<int>());
        Assert.Equal(before.Keys.Count(p => !now.ContainsKey(p)), row.Cell(8).GetValue<int>());
        Assert.Equal(M.PublishedStatus, row.Cell(13).GetString());
        Assert.Equal(growth, row.Cell(3).GetDouble(), 12);
        Assert.Equal(linesGrowth, row.Cell(5).GetDouble(), 12);
        Assert.Equal(continuing.Count, row.Cell(6).GetValue<int>());
        Assert.Equal(continuing.Sum(p => before[p].Paid), row.Cell(9).GetValue<long>());
        Assert.Equal(continuing.Sum(p => now[p].Paid), row.Cell(10).GetValue<long>());
    }

    [Fact]
    public void Demo_WholeMarketEstimate_EqualsRatioEstimationOverTheReferenceLists()
    {
        var year = demo.FiscalYear;
        var members = PaidByPlatform(year)[year].ToDictionary(p => p.Key, p => p.Value.Paid);
        // The reference lists as a person reads them: data/platform-size-classes.csv and data/non-member-platforms.csv.
        var classes = File.ReadAllLines(Repository.File("data/platform-size-classes.csv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))
            .Select(f => (Code: f[0], Min: long.Parse(f[3], CultureInfo.InvariantCulture), Max: long.Parse(f[4], CultureInfo.InvariantCulture))).ToList();
        var nonMembers = File.ReadAllLines(Repository.File("data/non-member-platforms.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',')[2]).ToList();

        using var workbook = Workbooks.Open(demo.Workbook);
        var sheet = workbook.Worksheet(M.EstimateSheet);
        var strata = sheet.Table(SurveyWorkbook.StrataTable).DataRange.Rows().ToList();
        var policy = DisclosurePolicy.Survey;
        double estimate = 0, low = 0, high = 0;
        var covered = 0;
        foreach (var (row, i) in strata.Select((r, i) => (r, i)))
        {
            var (from, to) = (row.Cell(2).GetValue<long>(), row.Cell(3).GetValue<long>());
            var last = i == strata.Count - 1;
            var inStratum = members.Values.Where(v => v >= from && (v < to || last)).ToList();
            var stratumClasses = classes.Where(c => c.Min >= from && c.Max <= to).ToList();
            covered += stratumClasses.Count;
            if (inStratum.Count == 0)
            {
                // A class no member and no listed non-member falls in adds nothing and reveals nothing.
                Assert.Equal(0, nonMembers.Count(n => stratumClasses.Any(c => c.Code == n)));
                Assert.Equal(0, row.Cell(7).GetValue<long>());
                continue;
            }
            // Each stratum passes the survey's rule as a cell: its mean is never one or two members' value.
            Assert.True(inStratum.Count >= policy.MinPlatforms, $"stratum {row.Cell(1).GetString()}: {inStratum.Count} members");
            Assert.True(inStratum.OrderDescending().Take(2).Sum() / (double)inStratum.Sum() <= policy.DominanceMaxShare);
            var mean = inStratum.Sum() / (double)inStratum.Count;
            Assert.Equal(inStratum.Count, row.Cell(4).GetValue<int>());
            Assert.Equal(nonMembers.Count(n => stratumClasses.Any(c => c.Code == n)), row.Cell(5).GetValue<int>());
            Assert.Equal(Math.Round(mean), row.Cell(6).GetValue<long>());
            var stratumEstimate = stratumClasses.Sum(c => nonMembers.Count(n => n == c.Code) * Math.Clamp(mean, c.Min, c.Max));
            Assert.Equal(Math.Round(stratumEstimate), row.Cell(7).GetValue<long>());
            estimate += stratumEstimate;
            low += stratumClasses.Sum(c => nonMembers.Count(n => n == c.Code) * (double)c.Min);
            high += stratumClasses.Sum(c => nonMembers.Count(n => n == c.Code) * (double)c.Max);
        }
        Assert.Equal(classes.Count, covered);

        var total = members.Values.Sum();
        var values = sheet.Table(SurveyWorkbook.WholeMarketTable).DataRange.Rows().ToList();
        Assert.Equal(M.FactTag, values[0].Cell(1).GetString());
        Assert.Equal(total, values[0].Cell(3).GetValue<long>());
        Assert.Equal(M.EstimateTag, values[1].Cell(1).GetString());
        Assert.Equal(Math.Round(total + estimate), values[1].Cell(3).GetValue<long>());
        Assert.Equal(Math.Round(total + low), values[2].Cell(3).GetValue<long>());
        Assert.Equal(Math.Round(total + high), values[3].Cell(3).GetValue<long>());
        Assert.Equal(total / (total + estimate), values[4].Cell(3).GetDouble(), 12);
        Assert.Equal(members.Count, values[5].Cell(3).GetValue<int>());
        Assert.Equal(nonMembers.Count, values[6].Cell(3).GetValue<int>());
    }

    /// <summary>Each platform's paid value and paid lines per fiscal year, from the raw transaction exports.</summary>
    private Dictionary<int, Dictionary<string, (long Paid, long Lines)>> PaidByPlatform(params int[] years)
    {
        var result = years.ToDictionary(y => y, _ => new Dictionary<string, (long Paid, long Lines)>(StringComparer.Ordinal));
        foreach (var f in RawExports.Transactions(demo.Inbox).Where(f => f("paid_on").Length > 0))
        {
            if (!result.TryGetValue(FiscalYear.Of(Day(f("paid_on"))), out var year)) continue;
            var was = year.GetValueOrDefault(f("platform_id"));
            year[f("platform_id")] = (was.Paid + long.Parse(f("paid_jpy"), CultureInfo.InvariantCulture), was.Lines + 1);
        }
        return result;
    }
}
