using System.Globalization;
using ClosedXML.Excel;
using MarketStats.Cli;
using MarketStats.Core.Domain;
using MarketStats.Core.Storage;
using MarketStats.Reports;
using MarketStats.Reports.Benchmarks;
using MarketStats.Reports.Disclosure;
using MarketStats.Reports.Survey;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Benchmarks;

/// <summary>
/// The demo's market (30 platforms), its survey, and every member's benchmark of the survey year, built once: the
/// survey release (cells, relations, statuses), each member's workbook, and each platform's own figures per release
/// key recomputed from the raw export files in C# (no DuckDB).
/// </summary>
public sealed class MemberBenchmarkFixture : IDisposable
{
    private readonly TempFolder temp = new();
    public int FiscalYear { get; }
    public SurveyRelease Release { get; }
    public IReadOnlyDictionary<string, ReleaseCell> ReleaseCells { get; }
    public IReadOnlyList<string> Platforms { get; }
    public IReadOnlyDictionary<string, string> Workbooks { get; }
    /// <summary>Platform → release key → (paid, fee, lines), from the raw exports.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, Own>> OwnByPlatform { get; }
    public (int Code, ILookup<string, string> Results, string Error) Cli { get; }
    public (int Code, string Error) UnknownPlatform { get; }
    public string WorkFolder => temp.Path;

    public sealed record Own(long PaidJpy, long FeeJpy, long LinesPaid);

    public MemberBenchmarkFixture()
    {
        var db = temp["demo/demo.duckdb"];
        var (code, output, error) = CliRunner.Run("demo", "--out", temp["out"], "--db", db, "--transactions", "8000").GetAwaiter().GetResult();
        Assert.True(code == ExitCodes.Success, error);
        FiscalYear = int.Parse(CliRunner.Results(output)["survey_fiscal_year"].Single(), CultureInfo.InvariantCulture);
        Platforms = [.. Directory.GetDirectories(temp["demo/inbox"]).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

        // The command, once (the CLI path), then every member in-process from one read of the survey release.
        var cli = CliRunner.Run("benchmark", "--platform", Platforms[0], "--fiscal-year", FiscalYear.ToString(CultureInfo.InvariantCulture),
            "--db", db, "--out", temp["cli"], "--lang", "en").GetAwaiter().GetResult();
        Cli = (cli.Code, CliRunner.Results(cli.Output), cli.Error);
        var unknown = CliRunner.Run("benchmark", "--platform", "NOPE", "--fiscal-year", FiscalYear.ToString(CultureInfo.InvariantCulture), "--db", db)
            .GetAwaiter().GetResult();
        UnknownPlatform = (unknown.Code, unknown.Error);

        using (var warehouse = Warehouse.OpenReadOnly(db))
        {
            var survey = SurveyData.Read(warehouse, FiscalYear, new DateOnly(FiscalYear + 1, 5, 1));
            Release = survey.Release!;
            var report = new BenchmarkReport(TimeProvider.System);
            var workbooks = new Dictionary<string, string>();
            foreach (var platform in Platforms)
            {
                var written = report.Write(warehouse, platform, FiscalYear, temp["bench"], "en", survey);
                Assert.Equal(BenchmarkStatus.Written, written.Status);
                workbooks[platform] = written.WorkbookPath!;
            }
            Workbooks = workbooks;
        }
        ReleaseCells = Release.Cells.ToDictionary(c => c.Key);
        OwnByPlatform = FromRawExports(temp["demo/inbox"]);
    }

    public void Dispose() => temp.Dispose();

    /// <summary>The survey release's final statuses (what the survey published: status None).</summary>
    public IReadOnlyDictionary<string, Suppression> Status => Release.Status;


    /// <summary>Each platform's paid value, fees and paid lines under every release key a paid line falls in.</summary>
    private static Dictionary<string, Dictionary<string, Own>> FromRawExports(string inbox)
    {
        var result = new Dictionary<string, Dictionary<string, Own>>(StringComparer.Ordinal);
        foreach (var field in RawExports.Transactions(inbox))
        {
            if (field("paid_on").Length == 0) continue;
            var year = global::MarketStats.Core.Domain.FiscalYear.Of(DateOnly.ParseExact(field("paid_on"), "yyyy-MM-dd", CultureInfo.InvariantCulture));
            var platform = field("platform_id");
            var own = result.TryGetValue(platform, out var o) ? o : result[platform] = new Dictionary<string, Own>(StringComparer.Ordinal);
            var (paid, fee) = (long.Parse(field("paid_jpy"), CultureInfo.InvariantCulture), field("fee_jpy").Length == 0 ? 0 : long.Parse(field("fee_jpy"), CultureInfo.InvariantCulture));
            foreach (var key in KeysOf(year, field("category"), field("form"), field("client_prefecture"), field("worker_prefecture")))
            {
                var was = own.GetValueOrDefault(key, new Own(0, 0, 0));
                own[key] = new Own(was.PaidJpy + paid, was.FeeJpy + fee, was.LinesPaid + 1);
            }
        }
        return result;
    }

    /// <summary>Every money key of the survey release a paid line counts in (category × form with margins, prefectures, regions, flows).</summary>
    private static IEnumerable<string> KeysOf(int year, string category, string form, string clientPrefecture, string workerPrefecture)
    {
        foreach (var c in new[] { category, null })
            foreach (var f in new[] { form, null })
                yield return SurveyRelease.CategoryKey(year, c, f);
        var cp = Prefecture.IsCode(clientPrefecture) ? clientPrefecture : "unknown";
        var wp = Prefecture.IsCode(workerPrefecture) ? workerPrefecture : "unknown";
        string RegionOf(string p) => p == "unknown" ? "unknown" : Prefecture.ByCode(p).Region.Code;
        yield return SurveyRelease.PaidKey(year, $"client_prefecture={cp}");
        yield return SurveyRelease.PaidKey(year, $"worker_prefecture={wp}");
        yield return SurveyRelease.PaidKey(year, $"client_region={RegionOf(cp)}");
        yield return SurveyRelease.PaidKey(year, $"worker_region={RegionOf(wp)}");
        yield return SurveyRelease.PaidKey(year, $"flow={RegionOf(cp)}>{RegionOf(wp)}");
    }
}

/// <summary>
/// The decisive test of issue 10: each member, reading its benchmark beside the published survey, can pin no
/// competitor's cell inside the protection margin; the leaky variant can; its own figures reconcile with its raw
/// exports; and every number in it is its own or the survey's published figure (so none is another platform's).
/// </summary>
public sealed class MemberBenchmarkTests(MemberBenchmarkFixture fx) : IClassFixture<MemberBenchmarkFixture>
{
    private static readonly ReportLabels Labels = ReportLabels.English;
    private static readonly SurveyLabels S = ReportLabels.English.Survey;
    private const int OwnPaid = 0, OwnFee = 1, OwnLines = 2, Market = 3, Share = 4, OwnGrowth = 5, MarketGrowth = 6, Band = 7;

    /// <summary>One data row of a benchmark workbook: the release key, and the eight measure cells.</summary>
    private sealed record Row(string Sheet, int FiscalYear, string Key, string? PreviousKey, IXLCell[] Measures);

    private ProtectionPolicy Protection => new(DisclosurePolicy.Survey.ProtectionMargin);

    [Fact]
    public void Command_PrintsKeyValues_AndRefusesAnUnknownPlatform()
    {
        Assert.True(fx.Cli.Code == ExitCodes.Success, fx.Cli.Error);
        foreach (var key in new[] { "benchmark_workbook", "platform", "cells_shown", "cells_withheld", "seconds" })
            Assert.Single(fx.Cli.Results[key]);
        Assert.True(File.Exists(fx.Cli.Results["benchmark_workbook"].Single()));
        Assert.Equal(2, fx.Cli.Results["chart"].Count(File.Exists));
        Assert.Equal(ExitCodes.ProblemFound, fx.UnknownPlatform.Code);
        Assert.Single(fx.UnknownPlatform.Error.Trim().Split('\n'));

        // The command solved the survey release again in its own run: it must show the same market cells, cell for cell,
        // as the benchmark written from the release the survey was published with (the solve is deterministic).
        using var fromCommand = Workbooks.Open(fx.Cli.Results["benchmark_workbook"].Single());
        using var fromRelease = Workbooks.Open(fx.Workbooks[fx.Platforms[0]]);
        var compared = 0;
        foreach (var sheet in fromRelease.Worksheets)
            foreach (var cell in sheet.CellsUsed())
            {
                var twin = fromCommand.Worksheet(sheet.Name).Cell(cell.Address.ToString());
                Assert.True(cell.Value.ToString() == twin.Value.ToString(), $"{sheet.Name}!{cell.Address}: {cell.Value} vs {twin.Value}");
                compared++;
            }
        Assert.True(compared > 500, $"only {compared} cells compared");
    }

    [Fact]
    public void EveryMember_WhatItCanRead_PinsNoSuppressedCell()
    {
        var cells = fx.Release.Cells;
        foreach (var platform in fx.Platforms)
        {
            using var workbook = Workbooks.Open(fx.Workbooks[platform]);
            var readable = MarketValuesReadable(workbook);
            Assert.NotEmpty(readable);
            // By construction every market value a member can read is one the survey published, at the same value.
            foreach (var (key, value) in readable)
            {
                Assert.True(fx.Status[key] == Suppression.None, $"{platform} reads {key}, which the survey does not publish");
                Assert.Equal(fx.ReleaseCells[key].Value, value);
            }
            var findings = AttackAudit.Audit(cells, fx.Release.Relations, fx.Status, Protection,
                [.. readable.Select(p => new PublishedValue(p.Key, p.Value))]);
            Assert.True(findings.Count == 0, $"{platform}: {string.Join("; ", findings)}");
        }
    }

    /// <summary>
    /// The member also knows its own contribution to every cell (its own exports): the attack audit takes it as
    /// <c>attackerOwn</c> and protects what the others contributed (value − own, with the margin relative to it). What the
    /// benchmark adds must not help: with the benchmark's readable values the attacker proves nothing that the
    /// published survey and its own exports alone do not.
    /// </summary>
    [Fact]
    public void EveryMember_KnowingItsOwnContributions_LearnsNothingMoreFromItsBenchmark()
    {
        foreach (var platform in fx.Platforms)
        {
            var (own, readable) = AsMember(platform);
            var surveyAlone = AttackAudit.Audit(fx.Release.Cells, fx.Release.Relations, fx.Status, Protection, attackerOwn: own);
            var withBenchmark = AttackAudit.Audit(fx.Release.Cells, fx.Release.Relations, fx.Status, Protection, readable, own);
            Assert.Equal(surveyAlone.Select(f => (f.Key, Math.Round(f.Min), Math.Round(f.Max))), withBenchmark.Select(f => (f.Key, Math.Round(f.Min), Math.Round(f.Max))));
        }
    }

    /// <summary>
    /// The full property of issue 10: no competitor's cell pinned by a member that knows its own contributions (and reads
    /// its benchmark). The survey's solve protects every suppressed cell against each member as an attacker
    /// (<c>mart_survey_platform_contributions</c>); the same release protected against an outsider only leaks on the
    /// demo (cells whose complements a member mostly contributes to), which shows this test can fail.
    /// </summary>
    [Fact]
    public void EveryMember_KnowingItsOwnContributions_PinsNoCompetitorsCell()
    {
        List<string> Attack(IReadOnlyDictionary<string, Suppression> status, bool withBenchmark)
        {
            var failures = new List<string>();
            foreach (var platform in fx.Platforms)
            {
                var (own, readable) = AsMember(platform);
                failures.AddRange(AttackAudit.Audit(fx.Release.Cells, fx.Release.Relations, status, Protection, withBenchmark ? readable : null, own)
                    .Select(f => $"{platform}: {f}"));
            }
            return failures;
        }
        var pinned = Attack(fx.Status, withBenchmark: true);
        Assert.True(pinned.Count == 0, $"{pinned.Count} competitor cells pinned: {string.Join("; ", pinned.Take(10))}");

        var outsiderOnly = ReleaseSuppression.Solve(fx.Release.Cells, fx.Release.Relations, Protection);
        Assert.NotEmpty(Attack(outsiderOnly, withBenchmark: false));
    }

    /// <summary>What <paramref name="platform"/> knows: its own paid value in every money cell of the release (from its
    /// raw exports), and the market values it reads from its benchmark.</summary>
    private (Dictionary<string, double> Own, List<PublishedValue> Readable) AsMember(string platform)
    {
        var own = fx.OwnByPlatform[platform].Where(p => fx.ReleaseCells.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => (double)p.Value.PaidJpy);
        foreach (var (key, value) in own) Assert.True(value <= fx.ReleaseCells[key].Value, $"{platform} contributes {value} to {key} of {fx.ReleaseCells[key].Value}");
        using var workbook = Workbooks.Open(fx.Workbooks[platform]);
        return (own, [.. MarketValuesReadable(workbook).Select(p => new PublishedValue(p.Key, p.Value))]);
    }

    [Fact]
    public void ALeakyBenchmark_ThatShowsTheShareOfASuppressedCell_FailsTheAudit()
    {
        // Find a member with its own paid value in a primary-suppressed market cell, and write that cell's share into
        // a copy of its workbook, as a benchmark that computed the share regardless of the survey would.
        foreach (var platform in fx.Platforms)
        {
            using var workbook = Workbooks.Open(fx.Workbooks[platform]);
            var leak = Rows(workbook).FirstOrDefault(r => r.Measures[Market].DataType == XLDataType.Text && r.Measures[OwnPaid].GetValue<long>() > 0
                && fx.ReleaseCells[r.Key] is { Primary: not Suppression.None, Value: > 0 });
            if (leak is null) continue;
            Assert.Equal(S.SuppressedMark, leak.Measures[Share].GetString());
            leak.Measures[Share].SetValue(leak.Measures[OwnPaid].GetValue<long>() / fx.ReleaseCells[leak.Key].Value);
            var readable = MarketValuesReadable(workbook);
            Assert.Equal(fx.ReleaseCells[leak.Key].Value, readable[leak.Key]);
            var findings = AttackAudit.Audit(fx.Release.Cells, fx.Release.Relations, fx.Status, Protection,
                [.. readable.Select(p => new PublishedValue(p.Key, p.Value))]);
            Assert.Contains(findings, f => f.Key == leak.Key);
            return;
        }
        Assert.Fail("no member has its own value in a primary-suppressed cell: the fixture cannot show a leak");
    }

    [Fact]
    public void EveryMember_OwnFiguresReconcileWithItsRawExports_AndEveryNumberIsItsOwnOrPublished()
    {
        var coincidences = 0;
        foreach (var platform in fx.Platforms)
        {
            var own = fx.OwnByPlatform[platform];
            // Every other platform's own figures, per cell, from the raw exports.
            var theirs = fx.OwnByPlatform.Where(p => p.Key != platform)
                .SelectMany(p => p.Value.Values.SelectMany(o => new double[] { o.PaidJpy, o.FeeJpy, o.LinesPaid })).ToHashSet();
            using var workbook = Workbooks.Open(fx.Workbooks[platform]);
            var rows = Rows(workbook).ToList();
            Assert.NotEmpty(rows);
            var shownKeys = rows.Select(r => r.Key).ToHashSet();
            // Every cell in which the member was paid (category and region tables, years up to the survey's) is shown.
            foreach (var key in own.Keys.Where(k => (k.Contains("|category=", StringComparison.Ordinal) && YearOf(k) <= fx.FiscalYear)
                         || k.StartsWith(SurveyRelease.PaidKey(fx.FiscalYear, "client_region="), StringComparison.Ordinal)
                         || k.StartsWith(SurveyRelease.PaidKey(fx.FiscalYear, "worker_region="), StringComparison.Ordinal)))
                Assert.Contains(key, shownKeys);

            foreach (var row in rows)
            {
                var m = row.Measures;
                var mine = own.GetValueOrDefault(row.Key, new MemberBenchmarkFixture.Own(0, 0, 0));
                Assert.Equal(mine.PaidJpy, m[OwnPaid].GetValue<long>());
                Assert.Equal(mine.FeeJpy, m[OwnFee].GetValue<long>());
                Assert.Equal(mine.LinesPaid, m[OwnLines].GetValue<long>());
                var published = fx.Status[row.Key] == Suppression.None ? (double?)fx.ReleaseCells[row.Key].Value : null;
                if (published is { } market)
                {
                    Assert.Equal(market, m[Market].GetDouble());
                    if (market > 0) Assert.Equal(mine.PaidJpy / market, m[Share].GetDouble(), 10);
                }
                else
                {
                    Assert.Equal(S.SuppressedMark, m[Market].GetString());
                    Assert.Equal(S.SuppressedMark, m[Share].GetString());
                    Assert.Equal(S.SuppressedMark, m[MarketGrowth].GetString());
                }
                var before = row.PreviousKey is { } p ? own.GetValueOrDefault(p)?.PaidJpy ?? 0 : 0;
                if (before > 0) Assert.Equal(mine.PaidJpy / (double)before - 1, m[OwnGrowth].GetDouble(), 10);
                else Assert.Equal(XLDataType.Text, m[OwnGrowth].DataType);
                var previousMarket = row.PreviousKey is { } pk && fx.ReleaseCells.TryGetValue(pk, out var pc) && fx.Status[pk] == Suppression.None ? pc.Value : (double?)null;
                if (published is { } now && previousMarket is > 0) Assert.Equal(now / previousMarket.Value - 1, m[MarketGrowth].GetDouble(), 10);
                else Assert.Equal(XLDataType.Text, m[MarketGrowth].DataType);
                Assert.Equal(XLDataType.Text, m[Band].DataType);

                // Every number of the row is now accounted for as the member's own or the survey's published figure (or
                // a ratio of them). A number that also equals some other platform's figure is a coincidence of those.
                coincidences += new[] { m[OwnPaid], m[OwnFee], m[OwnLines], m[Market] }.Count(c => c.DataType == XLDataType.Number && theirs.Contains(c.GetDouble()));
            }
            // No other platform's id anywhere in the workbook (titles, notes, labels).
            var texts = workbook.Worksheets.SelectMany(w => w.CellsUsed()).Where(c => c.DataType == XLDataType.Text).Select(c => c.GetString()).ToList();
            foreach (var other in fx.Platforms.Where(p => p != platform))
                Assert.DoesNotContain(texts, t => t.Contains(other, StringComparison.Ordinal));
        }
        // Small line counts coincide often; reported, not a failure: each was checked above to be the member's own or published.
        Console.WriteLine($"numbers equal to some other platform's figure (each verified own or published): {coincidences}");
    }

    [Fact]
    public void PeerBands_OnlyWithEnoughPeers_AndNeverARank()
    {
        var policy = DisclosurePolicy.Benchmark;
        Assert.True(policy.MinPeersForRank >= 8);
        Assert.Null(BenchmarkData.Band(1, policy.MinPeersForRank - 1, policy));
        Assert.Equal(PeerBand.Top25, BenchmarkData.Band(2, 8, policy));
        Assert.Equal(PeerBand.Middle50, BenchmarkData.Band(3, 8, policy));
        Assert.Equal(PeerBand.Middle50, BenchmarkData.Band(6, 8, policy));
        Assert.Equal(PeerBand.Bottom25, BenchmarkData.Band(7, 8, policy));
        var bands = BenchmarkLabels.English.Bands.Values.ToHashSet();
        var shown = 0;
        foreach (var platform in fx.Platforms)
        {
            using var workbook = Workbooks.Open(fx.Workbooks[platform]);
            foreach (var row in Rows(workbook))
            {
                var text = row.Measures[Band].GetString();
                Assert.True(bands.Contains(text) || text == S.SuppressedMark || text == S.NotApplicable, text);
                if (bands.Contains(text)) shown++;
            }
        }
        Assert.True(shown > 0, "no band shown anywhere: the fixture has too few platforms per cell");
    }

    private static int YearOf(string key) => int.Parse(key.Split('|')[1][2..], CultureInfo.InvariantCulture);

    /// <summary>Every market value a member can read out of its workbook: shown, own ÷ share, and through the market's
    /// growth from a neighbouring year it can read, until nothing new comes out.</summary>
    private static Dictionary<string, double> MarketValuesReadable(XLWorkbook workbook)
    {
        var rows = Rows(workbook).ToList();
        var known = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var m = row.Measures;
            if (m[Market].DataType == XLDataType.Number) known[row.Key] = m[Market].GetDouble();
            else if (m[Share].DataType == XLDataType.Number && m[Share].GetDouble() > 0)
                known[row.Key] = Math.Round(m[OwnPaid].GetDouble() / m[Share].GetDouble());
        }
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var row in rows.Where(r => r.PreviousKey is not null && r.Measures[MarketGrowth].DataType == XLDataType.Number))
            {
                var g = 1 + row.Measures[MarketGrowth].GetDouble();
                if (!known.ContainsKey(row.Key) && known.TryGetValue(row.PreviousKey!, out var before)) { known[row.Key] = Math.Round(before * g); changed = true; }
                else if (!known.ContainsKey(row.PreviousKey!) && known.TryGetValue(row.Key, out var now) && g > 0) { known[row.PreviousKey!] = Math.Round(now / g); changed = true; }
            }
        }
        return known;
    }

    /// <summary>The data rows of the three tables, each mapped back from its labels to the survey release's key.</summary>
    private static IEnumerable<Row> Rows(XLWorkbook workbook)
    {
        var forms = ReportLabels.FormOrder.Append(null).ToDictionary(f => Labels.FormLabel(f), f => f);
        var categories = ReportLabels.CategoryOrder.Append("unknown").Append(null).ToDictionary(c => S.CategoryLabel(c), c => c);
        var regions = SurveyLabels.RegionCodes.Append("unknown").ToDictionary(r => S.RegionLabel(r), r => (string?)r);
        var b = BenchmarkLabels.English;
        foreach (var (sheet, table, keyColumns) in new[] { (b.YearSheet, BenchmarkWorkbook.YearTable, 2), (b.CategorySheet, BenchmarkWorkbook.CategoryTable, 3), (b.RegionSheet, BenchmarkWorkbook.RegionTable, 3) })
        {
            foreach (var r in workbook.Worksheet(sheet).Table(table).DataRange.Rows())
            {
                if (r.Cell(1).IsEmpty()) continue;
                var year = r.Cell(1).GetValue<int>();
                string key; string? previous;
                if (table == BenchmarkWorkbook.YearTable)
                    (key, previous) = (SurveyRelease.CategoryKey(year, null, forms[r.Cell(2).GetString()]), SurveyRelease.CategoryKey(year - 1, null, forms[r.Cell(2).GetString()]));
                else if (table == BenchmarkWorkbook.CategoryTable)
                    (key, previous) = (SurveyRelease.CategoryKey(year, categories[r.Cell(2).GetString()], forms[r.Cell(3).GetString()]),
                        SurveyRelease.CategoryKey(year - 1, categories[r.Cell(2).GetString()], forms[r.Cell(3).GetString()]));
                else
                {
                    var part = $"{(r.Cell(2).GetString() == b.ClientSide ? "client" : "worker")}_region={regions[r.Cell(3).GetString()]}";
                    (key, previous) = (SurveyRelease.PaidKey(year, part), SurveyRelease.PaidKey(year - 1, part));
                }
                yield return new Row(sheet, year, key, previous, [.. Enumerable.Range(keyColumns + 1, 8).Select(c => r.Cell(c))]);
            }
        }
    }
}

