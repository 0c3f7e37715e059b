using System.Globalization;
using DuckDB.NET.Data;
using MarketStats.Cli;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Synthetic;

/// <summary>
/// One market written three times by the generator, in contract v1, v2 and v3, half of the platforms taken from v1,
/// two from v2 and one from v3: the files ingest together, the v2 and v3 columns land (empty for the older accounts)
/// and reach the linker, and the same persons link across versions in one run, with no association key given to <c>link</c>.
/// </summary>
public sealed class ContractVersionsMarketTests : IClassFixture<ContractVersionsMarketTests.MixedMarket>
{
    private static readonly string[] V1Platforms = ["P01", "P02", "P03"];
    private static readonly string[] V3Platforms = ["P06"];
    private readonly MixedMarket market;

    public ContractVersionsMarketTests(MixedMarket market) => this.market = market;

    /// <summary>Generates, ingests and links once for all the tests of this class (the expensive part).</summary>
    public sealed class MixedMarket : IAsyncLifetime
    {
        private readonly TempFolder temp = new();
        public string Db => temp["w.duckdb"];
        public string V1 => temp["v1"];
        public string V2 => temp["v2"];
        public string V3 => temp["v3"];
        public string Truth => temp["v2-ground-truth.csv"];
        public string Clusters => temp["clusters.csv"];
        public string IngestOutput { get; private set; } = "";
        public (int Code, string Output, string Error) LinkRun { get; private set; }

        public async Task InitializeAsync()
        {
            foreach (var (folder, version) in new[] { (V1, "1"), (V2, "2"), (V3, "3") })
            {
                var (code, _, error) = await CliRunner.Run("generate", "--out", folder, "--seed", "11", "--fiscal-years", "2024",
                    "--platforms", "6", "--transactions", "3000", "--contract-version", version);
                Assert.True(code == ExitCodes.Success, error);
            }
            foreach (var platform in Directory.GetDirectories(V1).Select(Path.GetFileName))
                CopyFolder(Path.Combine(V1PlatformsContain(platform!) ? V1 : V3Platforms.Contains(platform) ? V3 : V2, platform!), temp[$"inbox/{platform}"]);
            var ingest = await CliRunner.Run("ingest", "--inbox", temp["inbox"], "--db", Db, "--quarantine", temp["quarantine"]);
            Assert.True(ingest.Code == ExitCodes.Success, ingest.Error + ingest.Output);
            IngestOutput = ingest.Output;
            LinkRun = await CliRunner.Run("link", "--db", Db, "--evaluate", Truth, "--export-clusters", Clusters);
        }

        private static bool V1PlatformsContain(string platform) => V1Platforms.Contains(platform);

        private static void CopyFolder(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        public Task DisposeAsync()
        {
            temp.Dispose();
            return Task.CompletedTask;
        }
    }

    private List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection($"Data Source={market.Db};ACCESS_MODE=READ_ONLY");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public void Both_versions_land_each_file_with_the_version_it_declares()
    {
        Assert.Empty(Directory.Exists(Path.Combine(Path.GetDirectoryName(market.Db)!, "quarantine"))
            ? Directory.GetFiles(Path.Combine(Path.GetDirectoryName(market.Db)!, "quarantine"), "*", SearchOption.AllDirectories) : []);
        var versions = Query("select platform_id, min(contract_version), max(contract_version) from ingest_files where record_kind = 'registrations' group by all order by 1");
        Assert.Equal(6, versions.Count);
        foreach (var row in versions)
        {
            var expected = V1Platforms.Contains((string)row[0]!) ? 1 : V3Platforms.Contains((string)row[0]!) ? 3 : 2;
            Assert.Equal((expected, expected), (Convert.ToInt32(row[1], CultureInfo.InvariantCulture), Convert.ToInt32(row[2], CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public void V2_columns_are_filled_for_v2_accounts_and_empty_for_v1_ones_through_staging_and_the_linker_view()
    {
        // Expected shares from the raw v2 files, independently of ingest.
        var raw = RawExports.Registrations(market.V2).ToList();
        var rawFilled = raw.Where(r => !V1Platforms.Contains(r("platform_id"))).Select(r => r("family_name_clk").Length > 0).ToList();
        Assert.True(rawFilled.Count(f => f) > 0.9 * rawFilled.Count, "the generator should encode most family names");

        var staged = Query("""
            select platform_id in ('P01', 'P02', 'P03') as v1,
                   count(*), count(family_name_clk), count(given_name_clk), count(family_name_kana_clk), count(given_name_kana_clk),
                   count(birth_date_hmac), count(birth_year_hmac)
            from stg_registrations group by all order by 1
            """);
        var v1 = staged.Single(r => (bool)r[0]!);
        var v2 = staged.Single(r => !(bool)r[0]!);
        Assert.All(v1[2..], c => Assert.Equal(0L, Convert.ToInt64(c, CultureInfo.InvariantCulture)));
        Assert.Equal(rawFilled.Count(f => f), Convert.ToInt64(v2[2], CultureInfo.InvariantCulture));
        Assert.All(v2[3..], c => Assert.True(Convert.ToInt64(c, CultureInfo.InvariantCulture) > 0));

        // The linker's view: 16 raw bytes per encoding, birth date and year as 64-bit ids (0 when missing), as the other hashes.
        var view = Query("""
            select platform_id in ('P01', 'P02', 'P03') as v1,
                   count(*) filter (where octet_length(family_name_clk) = 16), count(*) filter (where family_name_clk is null),
                   count(*) filter (where birth_date_id <> 0), count(*) filter (where birth_year_id <> 0),
                   typeof(any_value(family_name_clk)), typeof(any_value(birth_date_id))
            from int_link_accounts group by all order by 1
            """);
        var v1View = view.Single(r => (bool)r[0]!);
        var v2View = view.Single(r => !(bool)r[0]!);
        Assert.Equal(0L, Convert.ToInt64(v1View[1], CultureInfo.InvariantCulture));
        Assert.Equal(0L, Convert.ToInt64(v1View[3], CultureInfo.InvariantCulture));
        Assert.Equal(rawFilled.Count(f => f), Convert.ToInt64(v2View[1], CultureInfo.InvariantCulture));
        Assert.Equal(Convert.ToInt64(v2[6], CultureInfo.InvariantCulture), Convert.ToInt64(v2View[3], CultureInfo.InvariantCulture));
        Assert.Equal(Convert.ToInt64(v2[7], CultureInfo.InvariantCulture), Convert.ToInt64(v2View[4], CultureInfo.InvariantCulture));
        Assert.Equal(("BLOB", "BIGINT"), ((string)v2View[5]!, (string)v2View[6]!));
    }

    [Fact]
    public void V3_columns_are_filled_for_v3_accounts_only_through_staging_and_the_linker_view()
    {
        // Expected from the raw v3 files: each part's hash where the account has a birth date hash, and for v3 platforms only.
        var raw = RawExports.Registrations(market.V3).Where(r => V3Platforms.Contains(r("platform_id"))).ToList();
        var dated = raw.Count(r => r("birth_date_hmac").Length > 0);
        Assert.True(dated > 0.5 * raw.Count, $"{dated} of {raw.Count} v3 accounts dated");
        Assert.All(raw, r => Assert.Equal(r("birth_date_hmac").Length > 0, r("birth_month_day_hmac").Length > 0));
        var view = Query("""
            select platform_id = 'P06' as v3, count(*) filter (where birth_year_month_id <> 0), count(*) filter (where birth_month_day_id <> 0),
                   count(*) filter (where birth_date_unordered_id <> 0)
            from int_link_accounts group by all order by 1
            """);
        Assert.Equal([0L, 0L, 0L], view.Single(r => !(bool)r[0]!)[1..].Select(c => Convert.ToInt64(c, CultureInfo.InvariantCulture)));
        Assert.Equal([dated, dated, dated], view.Single(r => (bool)r[0]!)[1..].Select(c => Convert.ToInt64(c, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void The_same_accounts_and_record_level_encodings_are_written_in_both_versions()
    {
        // v2 only adds columns: every column v1 has holds the same value, so v1 and v2 records compare through identity_clk.
        var v1 = RawExports.Registrations(market.V1).Select(r => (r("platform_id"), r("account_id"), r("email_hmac"), r("identity_clk"))).Order().ToList();
        var v2 = RawExports.Registrations(market.V2).Select(r => (r("platform_id"), r("account_id"), r("email_hmac"), r("identity_clk"))).Order().ToList();
        Assert.True(v1.Count > 100);
        Assert.Equal(v1, v2);
        // v3 adds the date's parts only: the same v2 columns (BLIP's flips from the same streams).
        string[] v2Columns = ["identity_clk", "family_name_clk", "given_name_clk", "birth_date_hmac", "birth_year_hmac"];
        Assert.Equal(RawExports.Registrations(market.V2).Select(r => string.Join(",", v2Columns.Select(c => r(c)))).Order(),
            RawExports.Registrations(market.V3).Select(r => string.Join(",", v2Columns.Select(c => r(c)))).Order());
    }

    [Fact]
    public async Task Link_runs_without_the_key_and_joins_persons_across_v1_and_v2_platforms()
    {
        Assert.True(market.LinkRun.Code == ExitCodes.Success, market.LinkRun.Error);
        // The linkage side compares hashes and encodings as they are: it has no way to be given the secret.
        var (_, help, _) = await CliRunner.Run("link", "--help");
        Assert.Contains("--evaluate", help, StringComparison.Ordinal);
        Assert.DoesNotContain("--key", help, StringComparison.Ordinal);
        // Pairs of one true person with one account on a v1 platform and one on a v2 platform, from the answer key.
        var truth = File.ReadLines(market.Truth).Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => (f[0], f[1], f[2]), f => f[3]);
        var found = File.ReadLines(market.Clusters).Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => (f[0], f[1], f[2]), f => f[3]);
        var crossVersionPairs = 0;
        var linked = 0;
        foreach (var group in truth.GroupBy(t => t.Value))
        {
            var accounts = group.Select(g => g.Key).Where(found.ContainsKey).ToList();
            foreach (var a in accounts.Where(a => V1Platforms.Contains(a.Item1)))
                foreach (var b in accounts.Where(b => !V1Platforms.Contains(b.Item1)))
                {
                    crossVersionPairs++;
                    if (found[a] == found[b]) linked++;
                }
        }
        Assert.True(crossVersionPairs > 20, $"only {crossVersionPairs} cross-version pairs planted");
        Assert.True(linked > 0.8 * crossVersionPairs, $"{linked} of {crossVersionPairs} cross-version pairs linked");
        // And the v3 platform's accounts with those of v1 and of v2 platforms.
        foreach (var older in new[] { V1Platforms, ["P04", "P05"] })
        {
            var (pairs, together) = (0, 0);
            foreach (var group in truth.GroupBy(t => t.Value))
            {
                var accounts = group.Select(g => g.Key).Where(found.ContainsKey).ToList();
                foreach (var a in accounts.Where(a => older.Contains(a.Item1)))
                    foreach (var b in accounts.Where(b => V3Platforms.Contains(b.Item1)))
                        (pairs, together) = (pairs + 1, together + (found[a] == found[b] ? 1 : 0));
            }
            Assert.True(pairs > 10, $"only {pairs} pairs between {string.Join(",", older)} and the v3 platform");
            Assert.True(together > 0.8 * pairs, $"{together} of {pairs} pairs between {string.Join(",", older)} and the v3 platform linked");
        }
    }
}
