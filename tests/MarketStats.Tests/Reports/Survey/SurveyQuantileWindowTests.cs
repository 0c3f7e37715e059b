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

    [Fact]
    public void JobValueQuartiles_OnMarketsOfFewClients_EqualTheWindowRuleRestatedOverTheLines() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(6), Prop.ForAll(Gen.Choose(1, 1_000_000).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            var clients = 2 + seed % 7; // 2..8 clients: some windows widen, some never reach 5 persons
            var clientOfJob = new Dictionary<string, int>();
            // One client per job (a job's lines name the same client), values with many ties.
            var lines = SurveyFixture.Lines(count: 120 + seed % 200, seed: seed)
                .Select(l => l with
                {
                    Client = clientOfJob.TryGetValue(l.JobId, out var c) ? c : clientOfJob[l.JobId] = random.Next(clients),
                    PaidJpy = 1_000 * (1 + random.Next(40)),
                    FeeJpy = 0,
                }).ToList();
            using var db = new TempWarehouse();
            SurveyFixture.Load(db, lines);
            Marts.Build(db.Warehouse, Marts.Reports);

            // A unit is a job's lines of one form; its person is its client (the fixture links client c to 10,000 + c).
            var jobs = lines.GroupBy(l => (l.Platform, l.JobId, l.Form))
                .Select(g => (g.Key.Form, Value: g.Sum(l => l.PaidJpy), Person: 10_000L + g.First().Client)).ToList();
            foreach (var form in jobs.Select(j => j.Form).Distinct().Append(null))
            {
                var units = jobs.Where(j => form is null || j.Form == form).OrderBy(j => j.Value).ThenBy(j => j.Person).ToList();
                foreach (var q in Quartiles)
                {
                    var expected = Window(units.Select(u => (u.Value, u.Person)).ToList(), q);
                    var actual = Row(db, form, q);
                    var where = $"form {form ?? "all"}, q {q}";
                    Assert.Equal((where, expected.Width, expected.Persons), (where, actual.Width, actual.Persons));
                    Assert.Equal((where, expected.Mean is null), (where, actual.Mean is null));
                    if (expected.Mean is { } mean) Assert.Equal(mean, actual.Mean!.Value, 6);
                }
            }
            return true;
        }));

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

    private static (long Width, long Persons, double? Mean) Row(TempWarehouse db, string? form, decimal q)
    {
        using var reader = db.Warehouse.Query(
            """
            select window_units, window_persons, value_jpy from mart_survey_quantiles
            where fiscal_year = $1 and distribution = 'job_value' and row_code is not distinct from $2 and quantile = $3
            """, SurveyFixture.FiscalYear, form, q);
        Assert.True(reader.Read(), $"no quantile row for form {form ?? "all"}, q {q}");
        return (reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetDouble(2));
    }
}
