using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using MarketStats.Core.Contract;
using MarketStats.Core.Domain;
using MarketStats.Synthetic;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MarketStats.Tests.Synthetic;

/// <summary>A market generated once for the tests that only read it: 20,000 rows, 30 platforms, FY2023-FY2025.</summary>
public sealed class GeneratedMarket : IDisposable
{
    /// <summary>After the last fiscal year has ended: every year is complete.</summary>
    public static readonly DateTimeOffset Today = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "ms-synth-" + Guid.NewGuid().ToString("N"));
    public GeneratorOptions Options { get; }
    public GeneratorResult Result { get; }
    public IReadOnlyList<Dictionary<string, string>> Transactions { get; }
    public IReadOnlyList<Dictionary<string, string>> Registrations { get; }

    public GeneratedMarket()
    {
        Options = new GeneratorOptions(Path.Combine(Root, "inbox"));
        Result = new MarketGenerator(new FakeTimeProvider(Today)).Generate(Options);
        Transactions = Result.ExportFiles.Where(f => Path.GetFileName(f).StartsWith("transactions_", StringComparison.Ordinal))
            .SelectMany(f => ExportReader.Read(f).Rows).ToList();
        Registrations = Result.ExportFiles.Where(f => Path.GetFileName(f).StartsWith("registrations_", StringComparison.Ordinal))
            .SelectMany(f => ExportReader.Read(f).Rows).ToList();
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}

/// <summary>Reads an export back the way an ingest would: gzip by magic bytes, UTF-8 BOM, else the platform's encoding.</summary>
internal static class ExportReader
{
    static ExportReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static byte[] Bytes(string path)
    {
        var raw = File.ReadAllBytes(path);
        if (raw is not [0x1f, 0x8b, ..]) return raw;
        using var gz = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gz.CopyTo(plain);
        return plain.ToArray();
    }

    public static (string[] Header, List<Dictionary<string, string>> Rows) Read(string path)
    {
        var bytes = Bytes(path);
        var text = bytes is [0xEF, 0xBB, 0xBF, ..]
            ? new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 3, bytes.Length - 3)
            : Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback).GetString(bytes);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l =>
        {
            var fields = l.Split(',');
            Assert.Equal(header.Length, fields.Length);
            return header.Zip(fields).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
        return (header, rows);
    }
}

public sealed class MarketGeneratorTests(GeneratedMarket market) : IClassFixture<GeneratedMarket>
{
    private static readonly ExportContract Contract = ExportContract.V1;

    private static DateOnly Date(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static long Yen(string s) => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    [Fact]
    public void Generate_SameOptionsTwice_WritesIdenticalBytes()
    {
        var root = Path.Combine(Path.GetTempPath(), "ms-synth-" + Guid.NewGuid().ToString("N"));
        try
        {
            var clock = new FakeTimeProvider(GeneratedMarket.Today);
            var first = new MarketGenerator(clock).Generate(new GeneratorOptions(Path.Combine(root, "a"), Platforms: 8, Transactions: 5_000));
            var second = new MarketGenerator(clock).Generate(new GeneratorOptions(Path.Combine(root, "b"), Platforms: 8, Transactions: 5_000));
            Assert.Equal(first.ExportFiles.Select(f => Path.GetRelativePath(Path.Combine(root, "a"), f)),
                         second.ExportFiles.Select(f => Path.GetRelativePath(Path.Combine(root, "b"), f)));
            foreach (var (a, b) in first.ExportFiles.Zip(second.ExportFiles))
                Assert.True(File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b)), $"{a} differs from {b}");
            Assert.Equal(File.ReadAllBytes(first.TruthPath), File.ReadAllBytes(second.TruthPath));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Generate_WritesTheRequestedNumberOfTransactionRows()
    {
        Assert.Equal(market.Transactions.Count, market.Result.TransactionRows);
        Assert.InRange(market.Transactions.Count, market.Options.Transactions * 0.95, market.Options.Transactions * 1.05);
        Assert.Equal(market.Registrations.Count, market.Result.RegistrationRows);
    }

    [Fact]
    public void GroundTruth_IsBesideTheInbox_AndCoversEveryRegistrationRow()
    {
        var inbox = Path.GetFullPath(market.Options.OutDir) + Path.DirectorySeparatorChar;
        Assert.False(market.Result.TruthPath.StartsWith(inbox, StringComparison.Ordinal));
        Assert.Equal(Path.GetFullPath(market.Options.OutDir) + "-ground-truth.csv", market.Result.TruthPath);

        var truth = File.ReadAllLines(market.Result.TruthPath);
        var header = truth[0].Split(',');
        Assert.Equal(["platform_id", "account_id", "kind", "true_person_id"], header[..4]);
        var keys = truth.Skip(1).Select(l => string.Join(',', l.Split(',')[..3])).ToHashSet();
        Assert.Equal(truth.Length - 1, keys.Count);
        var registered = market.Registrations.Select(r => $"{r["platform_id"]},{r["account_id"]},{r["kind"]}").ToHashSet();
        Assert.Equal(market.Registrations.Count, registered.Count); // (platform_id, account_id, kind) is unique
        Assert.True(registered.SetEquals(keys));
    }

    [Fact]
    public void GroundTruth_PlantsDuplicatesThatExactHashesFindOnlyInPart()
    {
        var truth = File.ReadAllLines(market.Result.TruthPath).Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => (f[0], f[1], f[2]), f => f[3]);
        var byPerson = market.Registrations.GroupBy(r => truth[(r["platform_id"], r["account_id"], r["kind"])]).ToList();
        var multi = byPerson.Where(g => g.Count() > 1).ToList();
        Assert.InRange(multi.Count / (double)byPerson.Count, 0.05, 0.35);
        Assert.All(multi, g => Assert.Equal(g.Count(), g.Select(r => r["platform_id"]).Distinct().Count()));
        var foundByEmail = multi.Count(g => g.Where(r => r["email_hmac"] != "").GroupBy(r => r["email_hmac"]).Any(e => e.Count() > 1));
        Assert.InRange(foundByEmail, 1, multi.Count - 1);
        // The same e-mail never belongs to two people.
        var emailOwners = market.Registrations.Where(r => r["email_hmac"] != "")
            .GroupBy(r => r["email_hmac"]).Select(g => g.Select(r => truth[(r["platform_id"], r["account_id"], r["kind"])]).Distinct().Count());
        Assert.All(emailOwners, owners => Assert.Equal(1, owners));
    }

    [Fact]
    public void EveryFile_HasTheContractsHeader_AndIsNamedForItsPeriod()
    {
        foreach (var file in market.Result.ExportFiles)
        {
            var name = Path.GetFileName(file);
            var kind = name.StartsWith("transactions_", StringComparison.Ordinal) ? RecordKind.Transactions : RecordKind.Registrations;
            var (header, rows) = ExportReader.Read(file);
            Assert.Equal(Contract.ColumnsOf(kind).Select(c => c.Name), header);
            var period = Regex.Match(name, @"_(FY\d{4})\.csv(\.gz)?$").Groups[1].Value;
            Assert.NotEmpty(period);
            var platform = Path.GetFileName(Path.GetDirectoryName(file))!;
            Assert.All(rows, r =>
            {
                Assert.Equal(period, r["export_period"]);
                Assert.Equal("1", r["contract_version"]);
                Assert.Equal(platform, r["platform_id"]);
            });
        }
    }

    [Fact]
    public void Files_UseTheEncodingsTheReaderMustHandle()
    {
        var files = market.Result.ExportFiles;
        var gzipped = files.Where(f => f.EndsWith(".csv.gz", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(gzipped);
        Assert.All(gzipped, f => Assert.Equal([0x1f, 0x8b], File.ReadAllBytes(f)[..2]));
        Assert.Contains(files, f => ExportReader.Bytes(f) is [0xEF, 0xBB, 0xBF, ..]);
        Assert.Contains(files, f => f.EndsWith(".csv", StringComparison.Ordinal) && File.ReadAllBytes(f) is not [0xEF, 0xBB, 0xBF, ..]);

        var profiles = PlatformProfile.Build(market.Options.Platforms, market.Options.Seed);
        var cp932 = profiles.Where(p => p.Encoding == ExportEncoding.Cp932).ToList();
        Assert.NotEmpty(cp932);
        foreach (var p in cp932)
        {
            var file = files.First(f => Path.GetFileName(Path.GetDirectoryName(f)) == p.PlatformId);
            var bytes = ExportReader.Bytes(file);
            Assert.False(bytes is [0xEF, 0xBB, 0xBF, ..]);
            Assert.Contains("\r\n", Encoding.ASCII.GetString(bytes)); // written as a Windows tool would
        }
    }

    [Fact]
    public void Transactions_FollowTheContractsFieldRules()
    {
        var idPattern = new Regex(Contract.Limits.IdPattern);
        var phoneLike = new Regex(@"^0\d{9,10}$");
        var earliest = Date(Contract.Limits.EarliestDate);
        var today = DateOnly.FromDateTime(GeneratedMarket.Today.UtcDateTime);
        foreach (var r in market.Transactions)
        {
            foreach (var f in new[] { "platform_id", "transaction_id", "job_id", "client_account_id" })
            {
                Assert.Matches(idPattern, r[f]);
                Assert.DoesNotContain("@", r[f]);
                Assert.DoesNotMatch(phoneLike, r[f]);
                Assert.Contains(r[f], c => char.IsAsciiDigit(c)); // not a bare word, so never name-like
            }
            Assert.Contains(r["form"], Contract.CodeLists["form"]);
            Assert.Contains(r["category"], Contract.CodeLists["category"]);
            Assert.Contains(r["status"], Contract.CodeLists["status"]);
            Assert.True(Prefecture.IsCode(r["client_prefecture"]));
            if (r["worker_prefecture"] != "") Assert.True(Prefecture.IsCode(r["worker_prefecture"]));

            var period = ExportPeriod.Parse(r["export_period"]);
            var posted = Date(r["posted_on"]);
            Assert.InRange(posted, period.Start, period.End);
            DateOnly? contracted = r["contracted_on"] == "" ? null : Date(r["contracted_on"]);
            DateOnly? paid = r["paid_on"] == "" ? null : Date(r["paid_on"]);
            foreach (var d in new[] { posted, contracted, paid }.OfType<DateOnly>()) Assert.InRange(d, earliest, today);
            if (contracted is { } c) Assert.True(c >= posted);
            if (paid is { } p) Assert.True(contracted is { } c2 && p >= c2);

            long? Amount(string f) => r[f] == "" ? null : Yen(r[f]);
            foreach (var f in new[] { "posted_jpy", "contracted_jpy", "paid_jpy", "fee_jpy" })
                if (Amount(f) is { } v) Assert.InRange(v, 0, Contract.Limits.MaxYenPerLine);
            if (Amount("paid_jpy") is { } paidJpy) Assert.True(paidJpy <= Amount("contracted_jpy"));
            if (Amount("fee_jpy") is { } fee) Assert.True(fee <= (Amount("paid_jpy") ?? Amount("contracted_jpy")));

            var stage = Contract.Stages[r["status"]];
            Assert.All(stage.Requires, f => Assert.NotEqual("", r[f]));
            Assert.All(stage.Forbids, f => Assert.Equal("", r[f]));
        }
        Assert.All(market.Transactions.GroupBy(r => (r["platform_id"], r["transaction_id"])), g => Assert.Single(g));
    }

    [Fact]
    public void Registrations_FollowTheContractsFieldRules()
    {
        var hmac = new Regex("^[0-9a-f]{64}$");
        foreach (var r in market.Registrations)
        {
            Assert.Matches(Contract.Limits.IdPattern, r["account_id"]);
            Assert.True(Prefecture.IsCode(r["prefecture"]));
            var registered = Date(r["registered_on"]);
            Assert.InRange(registered, ExportPeriod.Parse(r["export_period"]).Start, ExportPeriod.Parse(r["export_period"]).End);
            Assert.True(Date(r["last_active_on"]) >= registered);
            foreach (var f in new[] { "email_hmac", "phone_hmac", "corporate_number_hmac" })
                if (r[f] != "") Assert.Matches(hmac, r[f]);
            // Every synthetic account gives a name, so every one has a 512-bit encoding (64 bytes of base64).
            Assert.Equal(64, Convert.FromBase64String(r["identity_clk"]).Length);
            if (r["kind"] == "client")
            {
                Assert.Contains(r["client_type"], Contract.CodeLists["client_type"]);
                Assert.Equal("", r["age_band"] + r["gender"]);
            }
            else
            {
                Assert.Equal("worker", r["kind"]);
                Assert.Equal("", r["client_type"] + r["corporate_number_hmac"]);
                if (r["age_band"] != "") Assert.Contains(r["age_band"], Contract.CodeLists["age_band"]);
                if (r["gender"] != "") Assert.Contains(r["gender"], Contract.CodeLists["gender"]);
            }
        }
        var workers = market.Registrations.Where(r => r["kind"] == "worker" && r["age_band"] != "").ToList();
        Assert.Equal("40s", workers.GroupBy(r => r["age_band"]).MaxBy(g => g.Count())!.Key);
        Assert.True(workers.Count(r => r["gender"] == "female") > workers.Count / 2);
    }

    [Fact]
    public void Transactions_ReferToRegisteredAccountsThatSignedUpFirst()
    {
        var registered = market.Registrations.ToDictionary(r => (r["platform_id"], r["account_id"], r["kind"]), r => Date(r["registered_on"]));
        foreach (var r in market.Transactions)
        {
            Assert.True(registered[(r["platform_id"], r["client_account_id"], "client")] <= Date(r["posted_on"]));
            if (r["worker_account_id"] != "")
                Assert.True(registered[(r["platform_id"], r["worker_account_id"], "worker")] <= Date(r["contracted_on"]));
        }
        // Many accounts only register and never transact.
        var transacting = market.Transactions.Select(r => (r["platform_id"], r["worker_account_id"])).ToHashSet();
        var idle = market.Registrations.Count(r => r["kind"] == "worker" && !transacting.Contains((r["platform_id"], r["account_id"])));
        Assert.True(idle > market.Registrations.Count(r => r["kind"] == "worker") / 4);
    }

    [Theory]
    [InlineData("task", 10, 990)]
    [InlineData("competition", 3_000, 500_000)]
    [InlineData("project", 1_000, 20_000_000)] // a job's budget split between up to three workers
    public void PostedValues_StayInTheRangeOfTheirForm(string form, long min, long max)
    {
        var values = market.Transactions.Where(r => r["form"] == form).Select(r => Yen(r["posted_jpy"])).ToList();
        Assert.NotEmpty(values);
        Assert.All(values, v => Assert.InRange(v, min, max));
    }

    [Fact]
    public void Forms_HaveTheirShapes()
    {
        var jobs = market.Transactions.GroupBy(r => (r["platform_id"], r["job_id"])).ToList();
        Assert.All(jobs.Where(j => j.First()["form"] == "competition"), j => Assert.Single(j));
        Assert.All(jobs.Where(j => j.First()["form"] == "project"), j => Assert.InRange(j.Count(), 1, 3));
        var taskJobs = jobs.Where(j => j.First()["form"] == "task").ToList();
        Assert.True(taskJobs.Average(j => j.Count()) >= 10, "task jobs have tens to hundreds of lines");
        Assert.All(jobs, j => Assert.Single(j.Select(r => (r["form"], r["category"], r["client_account_id"], r["posted_on"])).Distinct()));
    }

    [Fact]
    public void PostedOnlyLines_HaveNoWorker_AndEveryStatusOccurs()
    {
        var posted = market.Transactions.Where(r => r["status"] == "posted").ToList();
        Assert.NotEmpty(posted);
        Assert.All(posted, r => Assert.Equal("", r["worker_account_id"] + r["worker_prefecture"] + r["contracted_on"]));
        Assert.All(Contract.CodeLists["status"], s => Assert.Contains(market.Transactions, r => r["status"] == s));
    }

    [Fact]
    public void PlatformSizes_AreHeavyTailed()
    {
        var lines = market.Transactions.GroupBy(r => r["platform_id"]).Select(g => g.Count()).OrderDescending().ToList();
        Assert.Equal(market.Options.Platforms, lines.Count);
        Assert.True(lines[0] + lines[1] > 0.4 * lines.Sum(), $"top two hold {lines[0] + lines[1]} of {lines.Sum()}");
        Assert.True(lines[^1] < lines[0] / 10);
    }

    [Fact]
    public void Clients_ClusterInTokyo_YetAboutHalfOfOrdersComeFromElsewhere()
    {
        var tokyo = market.Transactions.Count(r => r["client_prefecture"] == "13") / (double)market.Transactions.Count;
        Assert.InRange(tokyo, 0.3, 0.65);
        var workersInTokyo = market.Registrations.Where(r => r["kind"] == "worker").Average(r => r["prefecture"] == "13" ? 1.0 : 0.0);
        Assert.True(workersInTokyo < tokyo);
    }

    [Fact]
    public void Generate_WhileTheLastYearIsRunning_StopsAtToday_AndLeavesLateJobsInProgress()
    {
        var root = Path.Combine(Path.GetTempPath(), "ms-synth-" + Guid.NewGuid().ToString("N"));
        try
        {
            var today = new DateTimeOffset(2025, 10, 15, 12, 0, 0, TimeSpan.Zero);
            var result = new MarketGenerator(new FakeTimeProvider(today))
                .Generate(new GeneratorOptions(Path.Combine(root, "inbox"), Platforms: 6, Transactions: 6_000));
            var rows = result.ExportFiles.SelectMany(f => ExportReader.Read(f).Rows).ToList();
            var dates = rows.SelectMany(r => new[] { "posted_on", "contracted_on", "paid_on", "registered_on", "last_active_on" }
                .Where(r.ContainsKey).Select(f => r[f]).Where(v => v != "")).Select(Date);
            Assert.True(dates.Max() <= DateOnly.FromDateTime(today.UtcDateTime));
            var lastMonth = rows.Where(r => r.TryGetValue("posted_on", out var d) && Date(d) > new DateOnly(2025, 9, 15)).ToList();
            Assert.Contains(lastMonth, r => r["status"] is "contracted" or "escrowed" or "delivered");
            Assert.Equal(6_000, rows.Count(r => r.ContainsKey("transaction_id")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Generate_RefusesATruthPathInsideTheInbox()
    {
        var inbox = Path.Combine(Path.GetTempPath(), "ms-synth-" + Guid.NewGuid().ToString("N"));
        var options = new GeneratorOptions(inbox, TruthPath: Path.Combine(inbox, "truth.csv"));
        Assert.Throws<ArgumentException>(() => new MarketGenerator().Generate(options));
        Assert.False(Directory.Exists(inbox));
    }
}
