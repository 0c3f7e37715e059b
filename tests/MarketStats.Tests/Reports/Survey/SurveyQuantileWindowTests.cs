using FsCheck;
using FsCheck.Fluent;
using MarketStats.Models;

namespace MarketStats.Tests.Reports.Survey;

/// <summary>
/// <c>mart_survey_quantiles</c> reads each quantile's units once, from its widest window. On markets of few clients,
/// where job windows must widen (5 → 10 → …) to hold 5 persons or never do, every row must equal the rule restated here
/// over the lines: the window of the `width` units ranked nearest q·(n − 1), the smallest width holding 5 persons.
/// </summary>
public sealed class SurveyQuantileWindowTests
{
    private static readonly decimal[] Quartiles = [0.25m, 0.5m, 0.75m];

    /// <summary>Markets of 2, 3, … 8 clients, each in a fiscal year of its own, so that one mart build serves them all
    /// (a build per market cost about 10 s each).</summary>
    private const int Markets = 7, FirstFiscalYear = SurveyFixture.FiscalYear - Markets + 1;

    [Fact]
    public void JobValueQuartiles_OnMarketsOfFewClients_EqualTheWindowRuleRestatedOverTheLines() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1), Prop.ForAll(Gen.ArrayOf(Gen.Choose(1, 1_000_000), Markets).ToArbitrary(), seeds =>
        {
            var markets = seeds.Select((seed, market) => MarketLines(FirstFiscalYear + market, clients: 2 + market, seed)).ToList();
            using var db = new TempWarehouse();
            // One transaction for the fixture's row-by-row inserts: a commit per row cost more than the build.
            db.Warehouse.Execute("begin transaction");
            SurveyFixture.Load(db, [.. markets.SelectMany(m => m)]);
            db.Warehouse.Execute("commit");
            Marts.Build(db.Warehouse, Marts.Reports);

            foreach (var (lines, market) in markets.Select((m, i) => (m, i)))
            {
                var fiscalYear = FirstFiscalYear + market;
                // A unit is a job's lines of one form; its person is its client (the fixture links client c to 10,000 + c).
                var jobs = lines.GroupBy(l => (l.Platform, l.JobId, l.Form))
                    .Select(g => (g.Key.Form, Value: g.Sum(l => l.PaidJpy), Person: 10_000L + g.First().Client)).ToList();
                foreach (var form in jobs.Select(j => j.Form).Distinct().Append(null))
                {
                    var units = jobs.Where(j => form is null || j.Form == form).OrderBy(j => j.Value).ThenBy(j => j.Person).ToList();
                    foreach (var q in Quartiles)
                    {
                        var expected = Window(units.Select(u => (u.Value, u.Person)).ToList(), q);
                        var actual = Row(db, fiscalYear, form, q);
                        var where = $"FY{fiscalYear} ({2 + market} clients), form {form ?? "all"}, q {q}";
                        Assert.Equal((where, expected.Width, expected.Persons), (where, actual.Width, actual.Persons));
                        Assert.Equal((where, expected.Mean is null), (where, actual.Mean is null));
                        if (expected.Mean is { } mean) Assert.Equal(mean, actual.Mean!.Value, 6);
                    }
                }
            }
            return true;
        }));

    /// <summary>One market's paid lines in <paramref name="fiscalYear"/>: one client per job (a job's lines name the
    /// same client), values with many ties; ids prefixed by the year so that markets do not share jobs.</summary>
    private static List<SurveyLine> MarketLines(int fiscalYear, int clients, int seed)
    {
        var random = new Random(seed);
        var clientOfJob = new Dictionary<string, int>();
        return SurveyFixture.Lines(fiscalYear, count: 120 + seed % 200, seed: seed)
            .Select(l => l with
            {
                TransactionId = $"{fiscalYear}-{l.TransactionId}",
                JobId = $"{fiscalYear}-{l.JobId}",
                Client = clientOfJob.TryGetValue(l.JobId, out var c) ? c : clientOfJob[l.JobId] = random.Next(clients),
                PaidJpy = 1_000 * (1 + random.Next(40)),
                FeeJpy = 0,
            }).ToList();
    }

    /// <summary>The rule, restated: the narrowest of 5, 10, … 1,280 units (no wider than the cell) around the rank
    /// nearest q·(n − 1), pushed inside the cell at its edges, whose units belong to at least 5 persons.</summary>
    private static (long Width, long Persons, double? Mean) Window(List<(long Value, long Person)> units, decimal q)
    {
        var n = units.Count;
        var position = (long)Math.Round(q * (n - 1), MidpointRounding.AwayFromZero);
        for (var width = 5; width <= 1_280 && width <= n; width *= 2)
        {
            var first = Math.Max(0, Math.Min(n - width, position - (width - 1) / 2));
            var window = units.Skip((int)first).Take(width).ToList();
            var persons = window.Select(u => u.Person).Distinct().Count();
            if (persons >= 5) return (width, persons, window.Average(u => (double)u.Value));
        }
        return (0, 0, null);
    }

    private static (long Width, long Persons, double? Mean) Row(TempWarehouse db, int fiscalYear, string? form, decimal q)
    {
        using var reader = db.Warehouse.Query(
            """
            select window_units, window_persons, value_jpy from mart_survey_quantiles
            where fiscal_year = $1 and distribution = 'job_value' and row_code is not distinct from $2 and quantile = $3
            """, fiscalYear, form, q);
        Assert.True(reader.Read(), $"no quantile row for FY{fiscalYear}, form {form ?? "all"}, q {q}");
        return (reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetDouble(2));
    }
}
