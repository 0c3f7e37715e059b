using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Linkage;
using MarketStats.Models;
using MarketStats.Pipeline;
using MarketStats.Synthetic;
using MarketStats.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MarketStats.Tests.Linkage;

/// <summary>Known-answer tests: the generator plants duplicates with realistic noise and writes the answer key.</summary>
public sealed class PersonLinkerTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 4, 10, 9, 0, 0, TimeSpan.Zero));

    private (Warehouse Warehouse, string Truth) GeneratedMarket(long transactions = 20_000, int seed = 11)
    {
        var generated = new MarketGenerator(Clock).Generate(new GeneratorOptions(temp["inbox"], Seed: seed, Transactions: transactions));
        var warehouse = PipelineSteps.OpenWarehouse(temp["m.duckdb"]);
        new PipelineSteps(Clock).Ingest(warehouse, temp["inbox"], temp["q"], CancellationToken.None);
        return (warehouse, generated.TruthPath);
    }

    [Fact]
    public void Generated_market_meets_the_F1_and_unique_count_targets()
    {
        var (w, truthPath) = GeneratedMarket();
        using var _ = w;
        var summary = new PersonLinker(w).Link();

        // Pairwise counts from the ground truth, computed here in C# (not by LinkageEvaluation's SQL).
        var truth = File.ReadLines(truthPath).Skip(1).Select(l => l.Split(',')).ToDictionary(f => (f[0], f[1], f[2]), f => f[3]);
        var found = LinkedPersons.PersonOfAccount(w);
        static long Pairs(IEnumerable<int> sizes) => sizes.Sum(n => (long)n * (n - 1) / 2);
        var truePairs = Pairs(truth.GroupBy(t => (t.Key.Item3, t.Value)).Select(g => g.Count()));
        var foundPairs = Pairs(found.GroupBy(f => (f.Key.Item3, f.Value)).Select(g => g.Count()));
        var correct = Pairs(truth.GroupBy(t => (t.Key.Item3, t.Value, found[t.Key])).Select(g => g.Count()));
        var precision = (double)correct / foundPairs;
        var recall = (double)correct / truePairs;
        var f1 = 2 * precision * recall / (precision + recall);
        var truePersons = truth.Values.Distinct().Count();

        Assert.True(truePairs > 800, $"only {truePairs} true pairs: the market is too small to test");
        Assert.True(f1 >= 0.98, $"F1 {f1:F4} (precision {precision:F4}, recall {recall:F4})");
        Assert.InRange(summary.Persons, truePersons * 0.99, truePersons * 1.01);
        Assert.True(summary.ExactCandidates + summary.FuzzyComparisons < summary.AllPairs / 20, "blocking compared too many pairs");

        var quality = LinkageEvaluation.Evaluate(w, truthPath);
        Assert.Equal((truePairs, foundPairs, correct, (long)truePersons), (quality.TruePairs, quality.FoundPairs, quality.CorrectPairs, quality.TruePersons));
    }

    [Fact]
    public void Person_ids_survive_a_rerun_and_a_run_with_new_accounts()
    {
        var (w, _) = GeneratedMarket(transactions: 3_000);
        using var _ = w;
        new PersonLinker(w).Link();
        var first = LinkedPersons.PersonOfAccount(w);
        var rerun = new PersonLinker(w).Link();
        Assert.Equal(first, LinkedPersons.PersonOfAccount(w));
        Assert.Equal(0, rerun.NewPersonIds);

        // Next month: a new account of a known person (same e-mail hash as an existing one) and a stranger.
        var (platform, account, kind) = first.Keys.First(k => k.Item3 == "worker");
        w.Execute($"""
            insert into raw_registrations (file_id, source_line, platform_id, account_id, kind, prefecture, registered_on, email_hmac)
            select 999, 1, 'PNEW', 'late-1', kind, prefecture, date '2025-05-01', email_hmac from raw_registrations
            where platform_id = '{platform}' and account_id = '{account}' and kind = '{kind}';
            insert into raw_registrations (file_id, source_line, platform_id, account_id, kind, prefecture, registered_on, email_hmac)
            values (999, 2, 'PNEW', 'late-2', 'worker', '47', date '2025-05-01', '{new string('f', 64)}');
            """);
        var hasEmail = w.Scalar<long>($"select count(*) from raw_registrations where platform_id = '{platform}' and account_id = '{account}' and email_hmac is not null") == 1;
        var next = new PersonLinker(w).Link();
        var after = LinkedPersons.PersonOfAccount(w);

        Assert.All(first, kv => Assert.Equal(kv.Value, after[kv.Key]));
        Assert.Equal(first.Values.Max() + 1, after[("PNEW", "late-2", "worker")]);
        if (hasEmail) Assert.Equal(first[(platform, account, kind)], after[("PNEW", "late-1", kind)]);
        Assert.Equal(hasEmail ? 1 : 2, next.NewPersonIds);
    }

    [Fact]
    public void Registry_holds_each_accounts_current_person_id_after_two_persons_merge()
    {
        var (w, _) = GeneratedMarket(transactions: 3_000);
        using var _ = w;
        new PersonLinker(w).Link();
        var first = LinkedPersons.PersonOfAccount(w);
        // Two workers of different persons on different platforms, each with an e-mail: the second is given the first's
        // e-mail, so their persons merge and one side's accounts change id (the registry's replaced rows).
        var withEmail = new List<(string Platform, string Account, string Email)>();
        using (var reader = w.Query("select platform_id, account_id, email_hmac from raw_registrations where kind = 'worker' and email_hmac is not null order by platform_id, account_id"))
            while (reader.Read()) withEmail.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        var a = withEmail[0];
        var b = withEmail.First(x => x.Platform != a.Platform && first[(x.Platform, x.Account, "worker")] != first[(a.Platform, a.Account, "worker")]);
        w.Execute($"update raw_registrations set email_hmac = '{a.Email}' where platform_id = '{b.Platform}' and account_id = '{b.Account}' and kind = 'worker'");
        new PersonLinker(w).Link();
        var after = LinkedPersons.PersonOfAccount(w);

        Assert.Equal(after[(a.Platform, a.Account, "worker")], after[(b.Platform, b.Account, "worker")]);
        Assert.Contains(first, kv => after[kv.Key] != kv.Value);
        // The registry: one row per account, holding the id the account has now.
        Assert.Equal(0, w.Scalar<long>("""
            select count(*) from int_account_persons as p left join person_registry as r using (platform_id, account_id, kind)
            where r.person_id is distinct from p.person_id
            """));
        Assert.Equal(0, w.Scalar<long>("select count(*) - count(distinct (platform_id, account_id, kind)) from person_registry"));
    }

    [Fact]
    public void Every_link_has_its_rule_and_score_in_the_audit_trail()
    {
        var (w, _) = GeneratedMarket(transactions: 3_000);
        using var _ = w;
        var summary = new PersonLinker(w).Link();
        Assert.Equal(summary.Links, w.Scalar<long>("select count(*) from int_account_links"));
        // Below the threshold only the one-to-one rule's links, within its margin (MutualBestPairs).
        var settings = new LinkageSettings();
        Assert.Equal(0, w.Scalar<long>(FormattableString.Invariant($"""
            select count(*) from int_account_links
            where not (score >= {settings.Threshold} and (rule like 'exact;%' or rule like 'fuzzy;%clk_dice=%')
                       or score >= {settings.Threshold - settings.MutualBestMaximumBits} - 0.001 and rule like 'mutual-best;%clk_dice=%')
            """)));
        Assert.True(w.Scalar<long>("select count(*) from int_account_links where rule like 'fuzzy;%'") > 0);
        // Links never cross kinds: both ends are looked up under the link's kind.
        Assert.Equal(0, w.Scalar<long>("""
            select count(*) from int_account_links as l
            anti join stg_registrations as r on r.platform_id = l.platform_id_b and r.account_id = l.account_id_b and r.kind = l.kind
            """));
    }

    [Fact]
    public void Chaining_guard_keeps_fuzzy_links_from_joining_two_accounts_of_one_platform()
    {
        var (w, _) = GeneratedMarket(transactions: 3_000);
        using var _ = w;
        // Clone one worker's encoding onto a second account on the same platform, in another prefecture (evidence too
        // weak for a within-platform duplicate), and onto a third platform: the third may join one of them, never both.
        var (platform, account) = (w.Scalar<string>("select platform_id from stg_registrations where kind = 'worker' and identity_clk is not null order by platform_id, account_id limit 1")!,
                                   w.Scalar<string>("select account_id from stg_registrations where kind = 'worker' and identity_clk is not null order by platform_id, account_id limit 1")!);
        w.Execute($"""
            insert into raw_registrations (file_id, source_line, platform_id, account_id, kind, prefecture, registered_on, identity_clk)
            select 999, 1, platform_id, 'twin-1', 'worker', case when prefecture = '13' then '47' else '13' end, registered_on, identity_clk from raw_registrations where platform_id = '{platform}' and account_id = '{account}' and kind = 'worker'
            union all
            select 999, 2, 'PZZ', 'twin-2', 'worker', prefecture, registered_on, identity_clk from raw_registrations where platform_id = '{platform}' and account_id = '{account}' and kind = 'worker';
            """);
        // The guard fixed at 10 bits (on a market this small the per-run estimate cannot rule out within-platform duplicates).
        var summary = new PersonLinker(w, new LinkageSettings { SamePlatformThreshold = 10 }).Link();
        var persons = LinkedPersons.PersonOfAccount(w);
        Assert.NotEqual(persons[(platform, account, "worker")], persons[(platform, "twin-1", "worker")]);
        Assert.True(summary.MergesRefused >= 1);
    }

    [Fact]
    public void Registered_persons_mart_counts_accounts_persons_and_active_persons()
    {
        var (w, truthPath) = GeneratedMarket(transactions: 3_000);
        using var _ = w;
        new PersonLinker(w).Link();
        Marts.Build(w, Marts.Linkage);
        // Independent figures for the latest fiscal year, all platforms, workers.
        var year = w.Scalar<int>("select max(fiscal_year) from mart_registered_persons");
        var expectedAccounts = w.Scalar<long>($"select count(*) from raw_registrations where kind = 'worker' and registered_on < date '{year + 1}-04-01'");
        var expectedPersons = w.Scalar<long>($"""
            select count(distinct p.person_id) from raw_registrations as r join int_account_persons as p using (platform_id, account_id, kind)
            where r.kind = 'worker' and r.registered_on < date '{year + 1}-04-01'
            """);
        var expectedActive = w.Scalar<long>($"""
            select count(distinct p.person_id) from raw_transactions as t
            join int_account_persons as p on p.kind = 'worker' and p.platform_id = t.platform_id and p.account_id = t.worker_account_id
            where t.paid_on between date '{year}-04-01' and date '{year + 1}-03-31'
            """);
        Assert.Equal(expectedAccounts, w.Scalar<long>($"select registered_accounts from mart_registered_persons where fiscal_year = {year} and kind = 'worker' and slice = 'all'"));
        Assert.Equal(expectedPersons, w.Scalar<long>($"select unique_registered_persons from mart_registered_persons where fiscal_year = {year} and kind = 'worker' and slice = 'all'"));
        Assert.Equal(expectedActive, w.Scalar<long>($"select unique_active_persons from mart_registered_persons where fiscal_year = {year} and kind = 'worker' and slice = 'all'"));
        Assert.True(expectedPersons < expectedAccounts && expectedActive < expectedPersons);
        // Per platform, accounts add up to the total; persons do not (people register on several platforms).
        Assert.Equal(expectedAccounts, w.Scalar<long>($"select sum(registered_accounts) from mart_registered_persons where fiscal_year = {year} and kind = 'worker' and slice = 'platform'"));
        Assert.True(w.Scalar<long>($"select sum(unique_registered_persons) from mart_registered_persons where fiscal_year = {year} and kind = 'worker' and slice = 'platform'") > expectedPersons);
        Assert.True(File.Exists(truthPath));
    }
}
