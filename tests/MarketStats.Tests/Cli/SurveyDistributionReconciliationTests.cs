using System.Globalization;
using ClosedXML.Excel;
using MarketStats.Core.Domain;
using MarketStats.Core.Storage;
using MarketStats.Reports;
using MarketStats.Reports.Disclosure;
using MarketStats.Reports.Survey;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Cli;

/// <summary>
/// The survey's distributions and rates (issue 14), recomputed straight from the raw export files in C# (no DuckDB)
/// and compared with the demo workbook's published cells. Persons are the linker's (<c>int_account_persons</c>): the
/// survey counts the persons the linker made, and the generator's ground truth would test the linker instead of the
/// survey (a linkage error would fail a survey test). The quantile rule is restated here (window of the 5 units nearest
/// the position q·(n − 1), widened 5 → 10 → … until it holds 5 distinct persons; windows of neighbouring quantiles must
/// not overlap; 3 significant digits), so a change of rule or of data shows.
/// </summary>
[Collection(SurveyDemoCollection.Name)]
public sealed class SurveyDistributionReconciliationTests(SurveyDemo demo)
{
    private static readonly ReportLabels Labels = ReportLabels.Japanese;
    private static readonly SurveyLabels S = Labels.Survey;
    private static readonly DistributionLabels D = DistributionLabels.Japanese;
    private static readonly DisclosurePolicy Policy = DisclosurePolicy.Survey;
    private const int WindowPersons = 5;
    private static readonly decimal[] Quartiles = [0.25m, 0.5m, 0.75m];
    private static readonly decimal[] Deciles = [0.1m, 0.2m, 0.3m, 0.4m, 0.5m, 0.6m, 0.7m, 0.8m, 0.9m];
    // The 2016 report's per-job ranges as decades, split at ¥50,000 (mart_survey_value_bands states them once; restated).
    private static readonly long[] JobBandLowers = [0, 1_000, 10_000, 50_000, 100_000, 1_000_000];

    private int Year => int.Parse(demo.Results["survey_fiscal_year"].Single(), CultureInfo.InvariantCulture);

    private sealed record Unit(long Value, long Person);

    [Fact]
    public void Demo_JobValueQuartilesAndBands_EqualWindowMeansRecomputedFromTheRawExports()
    {
        var persons = Persons();
        var jobs = new Dictionary<(string Platform, string Job), (string Form, long Value, long Client)>();
        foreach (var line in PaidLinesOf(Year))
        {
            var key = (line("platform_id"), line("job_id"));
            var was = jobs.GetValueOrDefault(key, (line("form"), 0L, persons[(line("platform_id"), line("client_account_id"), "client")]));
            jobs[key] = (was.Item1, was.Item2 + long.Parse(line("paid_jpy"), CultureInfo.InvariantCulture), was.Item3);
        }
        using var workbook = Workbooks.Open(demo.Workbook);
        var rows = workbook.Worksheet(D.DistributionsSheet).Table(SurveyWorkbook.JobValueTable).DataRange.Rows().ToList();
        var compared = 0;
        foreach (var form in ReportLabels.FormOrder.Select(f => (string?)f).Append(null))
        {
            var units = jobs.Values.Where(j => form is null || j.Form == form).Select(j => new Unit(j.Value, j.Client)).ToList();
            var row = rows.Single(r => r.Cell(1).GetString() == Labels.FormLabel(form));
            Assert.Equal(units.Count, row.Cell(2).GetValue<long>());
            compared += CompareQuantiles(row, 3, units, Quartiles, form ?? "all forms");
            for (var b = 0; b < JobBandLowers.Length; b++)
            {
                var cell = row.Cell(3 + Quartiles.Length + b);
                if (cell.GetString() == S.SuppressedMark) continue;
                var upper = b + 1 < JobBandLowers.Length ? JobBandLowers[b + 1] : long.MaxValue;
                Assert.Equal(units.Count(u => u.Value >= JobBandLowers[b] && u.Value < upper) / (double)units.Count, cell.GetDouble(), 12);
            }
        }
        // Every form's median and quartiles are published on the demo market (hundreds of jobs per form).
        Assert.True(compared >= 12, $"only {compared} job-value quartiles published");
    }

    [Fact]
    public void Demo_WorkerPayDecilesSharesAndTopShare_EqualFiguresRecomputedPerPersonFromTheRawExports()
    {
        var persons = Persons();
        var pay = new Dictionary<long, long>();
        var accounts = new Dictionary<long, SortedSet<(string Platform, string Account)>>();
        foreach (var line in PaidLinesOf(Year))
        {
            if (line("worker_account_id").Length == 0) continue;   // a line without a worker pays no worker
            var person = persons[(line("platform_id"), line("worker_account_id"), "worker")];
            pay[person] = pay.GetValueOrDefault(person) + long.Parse(line("paid_jpy"), CultureInfo.InvariantCulture);
            (accounts.TryGetValue(person, out var set) ? set : accounts[person] = []).Add((line("platform_id"), line("worker_account_id")));
        }
        // A person's profile: of their paid worker accounts, one that states an age band, then the lowest platform and codes.
        var registrations = new Dictionary<(string, string), (string Age, string Gender)>();
        foreach (var r in RawExports.Registrations(demo.Inbox))
            if (r("kind") == "worker")
                registrations[(r("platform_id"), r("account_id"))] = (Or(r("age_band")), Or(r("gender")));
        var profile = accounts.ToDictionary(a => a.Key, a => a.Value
            .Select(acc => (acc.Platform, Profile: registrations.TryGetValue(acc, out var p) ? p : (Age: "unknown", Gender: "unknown")))
            .OrderBy(x => x.Profile.Age == "unknown").ThenBy(x => x.Platform, StringComparer.Ordinal)
            .ThenBy(x => x.Profile.Age, StringComparer.Ordinal).ThenBy(x => x.Profile.Gender, StringComparer.Ordinal).First().Profile);

        using var workbook = Workbooks.Open(demo.Workbook);
        var rows = workbook.Worksheet(D.DistributionsSheet).Table(SurveyWorkbook.WorkerPayTable).DataRange.Rows().ToList();
        var (compared, tiny) = (0, 0);
        foreach (var row in rows)
        {
            string? age = Code(row.Cell(1).GetString(), S.AgeBands), gender = Code(row.Cell(2).GetString(), S.Genders);
            var units = pay.Where(p => (age is null || profile[p.Key].Age == age) && (gender is null || profile[p.Key].Gender == gender))
                .Select(p => new Unit(p.Value, p.Key)).ToList();
            var label = $"{age ?? "*"} x {gender ?? "*"}";
            if (row.Cell(3).GetString() != S.SuppressedMark) Assert.Equal(units.Count, row.Cell(3).GetValue<long>());
            var deciles = Enumerable.Range(4, Deciles.Length).Select(c => row.Cell(c)).ToList();
            var top = row.Cell(4 + Deciles.Length + 2);
            if (units.Count < Policy.MinPersons)
            {
                // The decisive privacy check: a group this small publishes no quantile and no top share (a window mean
                // over one or two persons would be their own pay).
                Assert.All(deciles.Append(top), c => Assert.True(c.IsEmpty() || c.GetString() == S.SuppressedMark, $"{label}: {c.Address} = {c.GetString()}"));
                tiny++;
                continue;
            }
            compared += CompareQuantiles(row, 4, units, Deciles, label);
            var total = units.Sum(u => (double)u.Value);
            foreach (var (column, annual) in new[] { (4 + Deciles.Length, 50_000L * 12), (5 + Deciles.Length, 150_000L * 12) })
            {
                var cell = row.Cell(column);
                if (cell.GetString() != S.SuppressedMark) Assert.Equal(units.Count(u => u.Value >= annual) / (double)units.Count, cell.GetDouble(), 12);
            }
            if (top.GetString() != S.SuppressedMark)
            {
                var topCount = (int)Math.Ceiling(units.Count * 0.1m);
                Assert.Equal(units.OrderByDescending(u => u.Value).Take(topCount).Sum(u => (double)u.Value) / total, top.GetDouble(), 12);
            }
        }
        // All workers: every decile, the shares and the top 10%'s share are published.
        var all = rows.First();
        Assert.Equal([S.AgeBandLabel(null), S.GenderLabel(null)], [all.Cell(1).GetString(), all.Cell(2).GetString()]);
        Assert.All(Enumerable.Range(4, Deciles.Length + 3), c => Assert.Equal(XLDataType.Number, all.Cell(c).DataType));
        Assert.True(compared >= 9 * 3, $"only {compared} deciles published");
        Assert.True(tiny > 0, "the demo has no age band x gender cell under the threshold: the tiny-group check checked nothing");
    }

    [Fact]
    public void Demo_CancellationDisputeFeeRatesAndPublicBodyShare_EqualFiguresRecomputedFromTheRawExports()
    {
        var year = Year;
        var counts = new Dictionary<(string Dimension, string? Code), long[]>();   // posted, cancelled, contracted, disputed, paid, fee
        void Count(string form, string category, int measure, long amount)
        {
            foreach (var key in new[] { ("all", (string?)null), ("form", form), ("category", category) })
                (counts.TryGetValue(key, out var c) ? c : counts[key] = new long[6])[measure] += amount;
        }
        bool In(string date) => date.Length > 0 && FiscalYear.Of(DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture)) == year;
        var clientTypes = RawExports.Registrations(demo.Inbox).Where(r => r("kind") == "client")
            .ToDictionary(r => (r("platform_id"), r("account_id")), r => r("client_type"));
        var (paidTotal, publicBodies) = (0L, 0L);
        foreach (var line in RawExports.Transactions(demo.Inbox))
        {
            var (form, category, status) = (line("form"), line("category"), line("status"));
            if (In(line("posted_on"))) { Count(form, category, 0, 1); Count(form, category, 1, status == "cancelled" ? 1 : 0); }
            if (In(line("contracted_on"))) { Count(form, category, 2, 1); Count(form, category, 3, status == "disputed" ? 1 : 0); }
            if (!In(line("paid_on"))) continue;
            var paid = long.Parse(line("paid_jpy"), CultureInfo.InvariantCulture);
            Count(form, category, 4, paid);
            Count(form, category, 5, line("fee_jpy").Length == 0 ? 0 : long.Parse(line("fee_jpy"), CultureInfo.InvariantCulture));
            paidTotal += paid;
            if (clientTypes.GetValueOrDefault((line("platform_id"), line("client_account_id"))) == SurveyDistributions.PublicBody) publicBodies += paid;
        }

        using var workbook = Workbooks.Open(demo.Workbook);
        var sheet = workbook.Worksheet(D.RatesSheet);
        var compared = 0;
        foreach (var row in sheet.Table(SurveyWorkbook.RatesTable).DataRange.Rows())
        {
            var item = row.Cell(2).GetString();
            var key = item == Labels.FormLabel(null) ? ("all", null)
                : ReportLabels.FormOrder.FirstOrDefault(f => Labels.FormLabel(f) == item) is { } form ? ("form", form)
                : ("category", (string?)ReportLabels.CategoryOrder.Single(c => S.CategoryLabel(c) == item));
            var c = counts[key];
            foreach (var (column, expected) in new[] { (3, c[1] / (double)c[0]), (4, c[3] / (double)c[2]), (5, c[5] / (double)c[4]) })
            {
                if (row.Cell(column).GetString() == S.SuppressedMark) continue;
                Assert.Equal(expected, row.Cell(column).GetDouble(), 12);
                compared++;
            }
        }
        Assert.True(compared >= 20, $"only {compared} rates published");
        // The public bodies' share, beside the rates table (Rates sheet, row 4, column D).
        Assert.Equal(publicBodies / (double)paidTotal, sheet.Cell(SurveyWorkbook.NoteRow + 1, 4).GetDouble(), 12);
    }

    // ------------------------------------------------------------------ the quantile rule, restated

    /// <summary>Compares each published quantile of <paramref name="row"/> (from <paramref name="firstColumn"/>) with the
    /// rounded window mean; a quantile whose window overlaps a neighbour's or lacks persons must be withheld.</summary>
    private static int CompareQuantiles(IXLRangeRow row, int firstColumn, List<Unit> units, decimal[] levels, string label)
    {
        var sorted = units.OrderBy(u => u.Value).ThenBy(u => u.Person).ToList();
        var windows = levels.Select(q => Window(sorted, q)).ToList();
        var compared = 0;
        for (var i = 0; i < levels.Length; i++)
        {
            var cell = row.Cell(firstColumn + i);
            var overlaps = windows[i] is { } w && ((i > 0 && windows[i - 1] is { } before && w.First < before.First + before.Width)
                                                   || (i + 1 < levels.Length && windows[i + 1] is { } after && w.First + w.Width > after.First));
            if (windows[i] is null || overlaps)
            {
                Assert.True(cell.GetString() == S.SuppressedMark, $"{label} q{levels[i]}: {cell.GetString()} published from a window that is too small or overlaps");
                continue;
            }
            if (cell.GetString() == S.SuppressedMark) continue;   // withheld for the cell's own reasons (platforms, dominance)
            Assert.Equal(RoundTo3Digits(windows[i]!.Value.Mean), cell.GetDouble(), 6);
            compared++;
        }
        return compared;
    }

    private static (double Mean, int First, int Width)? Window(List<Unit> sorted, decimal q)
    {
        var n = sorted.Count;
        for (var width = WindowPersons; width <= WindowPersons << 8 && width <= n; width *= 2)
        {
            var position = (long)Math.Round(q * (n - 1), MidpointRounding.AwayFromZero);
            var first = (int)Math.Max(0, Math.Min(n - width, position - (width - 1) / 2));
            var window = sorted.GetRange(first, width);
            if (window.Select(u => u.Person).Distinct().Count() >= WindowPersons) return (window.Average(u => (double)u.Value), first, width);
        }
        return null;
    }

    private static double RoundTo3Digits(double value)
    {
        var unit = Math.Pow(10, Math.Floor(Math.Log10(value)) - 2);
        return Math.Round(value / unit, MidpointRounding.AwayFromZero) * unit;
    }

    // ------------------------------------------------------------------ raw exports

    private IEnumerable<Func<string, string>> PaidLinesOf(int year) =>
        RawExports.Transactions(demo.Inbox).Where(l => l("paid_on").Length > 0
            && FiscalYear.Of(DateOnly.ParseExact(l("paid_on"), "yyyy-MM-dd", CultureInfo.InvariantCulture)) == year);

    /// <summary>The linker's persons: every generated account is registered, so every account has one.</summary>
    private Dictionary<(string, string, string), long> Persons()
    {
        using var warehouse = Warehouse.OpenReadOnly(demo.Db);
        return LinkedPersons.PersonOfAccount(warehouse);
    }

    private static string Or(string code) => code.Length == 0 ? "unknown" : code;

    /// <summary>The code behind a row label (null for the margin "計").</summary>
    private static string? Code(string label, IReadOnlyDictionary<string, string> names) =>
        label == S.AllRows ? null : label == S.Unknown ? "unknown" : names.Single(n => n.Value == label).Key;
}
