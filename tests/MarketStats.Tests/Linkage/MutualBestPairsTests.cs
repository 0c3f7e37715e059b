using MarketStats.Core.Storage;
using MarketStats.Linkage;
using MarketStats.Models;
using MarketStats.Pipeline;
using MarketStats.Synthetic;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Linkage;

/// <summary>The one-to-one rule below the threshold (issue 13, session 24): a pair of two platforms a little under the
/// threshold links when each account is the other's single best candidate on the other's platform and neither has a
/// link there.</summary>
public sealed class MutualBestPairsTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_pair_links_when_the_pools_lift_reaches_the_threshold_and_each_account_is_the_others_single_best()
    {
        // Platform 1: accounts 0–3; platform 2: 4–7; platform 3: 8. Clusters {0, 4} and {1, 5} already link platforms 1
        // and 2, so an unlinked account's duplicate there is among 2 accounts of 4: a lift of log2(4 / 2) = 1 bit.
        // Platforms 2 and 3 share no link: no lift. Threshold −2, at most 6 bits.
        var a = new LinkAccounts(9);
        short[] platforms = [1, 1, 1, 1, 2, 2, 2, 2, 3];
        platforms.CopyTo(a.Platform, 0);
        var sets = new DisjointSets(9);
        sets.Union(0, 4);
        sets.Union(1, 5);
        var held = new Dictionary<int, HashSet<short>> { [sets.Find(0)] = [1, 2], [sets.Find(1)] = [1, 2] };
        var members = new Dictionary<int, List<int>> { [sets.Find(0)] = [0, 4], [sets.Find(1)] = [1, 5] };
        (int X, int Y, float Weight)[] scored =
        [
            (2, 6, -2.5f), // −1.5 with the lift, and each the other's single best: links
            (3, 7, -3.5f), // −2.5 with the lift: still below
            (2, 7, -6f),
            (3, 6, -6f),
            (0, 6, -2.8f), // 0 has its link on platform 2; it competes for 6, but 6 prefers 2
            (2, 3, -2.5f), // one platform: never
            (7, 8, -2.1f), // platforms 2 and 3: no link between them, so no lift
        ];
        int[] Found(params (int X, int Y, float Weight)[] pairs)
        {
            var order = pairs.OrderBy(p => PairKeys.Of(p.X, p.Y)).ToArray();
            var keys = order.Select(p => PairKeys.Of(p.X, p.Y)).ToArray();
            return [.. MutualBestPairs.Find(a, keys, [.. order.Select(p => p.Weight)], threshold: -2, maximumBits: 6, sets.Find, members, held.GetValueOrDefault)
                .Select(k => keys[k]).Select(k => PairKeys.Accounts(k).A * 10 + PairKeys.Accounts(k).B)];
        }

        Assert.Equal([26], Found(scored));
        // An equal candidate on the other platform (a namesake's identical pattern) is no single best.
        Assert.Empty(Found([.. scored.Where(p => (p.X, p.Y) != (2, 7)), (2, 7, -2.5f)]));
        // A better candidate that is linked elsewhere still takes the account's choice.
        Assert.Empty(Found([.. scored.Where(p => (p.X, p.Y) != (0, 6)), (0, 6, -2.2f)]));
        // A lift capped below what the pair needs, or the rule off.
        Assert.Empty(MutualBestPairs.Find(a, [PairKeys.Of(2, 6)], [-2.5f], threshold: -2, maximumBits: 0.4, sets.Find, members, held.GetValueOrDefault));
        Assert.Empty(MutualBestPairs.Find(a, [PairKeys.Of(2, 6)], [-2.5f], threshold: -2, maximumBits: 0, sets.Find, members, held.GetValueOrDefault));
    }

    [Fact]
    public void On_two_files_of_one_record_per_person_mutual_best_pairs_add_true_links_and_never_two_accounts_of_one_platform()
    {
        var files = HeldOutLikeMarket.WritePairs(temp["market"], 10_000);
        using var w = PipelineSteps.OpenWarehouse(temp["m.duckdb"]);
        w.Execute($"copy raw_registrations from {SqlText.Literal(files.RegistrationsCsv)} (header)");
        Staging.Build(w);
        var truth = File.ReadLines(files.TruthCsv).Skip(1).Select(l => l.Split(',')).ToDictionary(f => (f[0], f[1]), f => f[3]);

        (long TruePairs, long FalsePairs, long MutualBestLinks) Run(LinkageSettings settings)
        {
            var summary = new PersonLinker(w, settings, keepDiagnostics: true).Link();
            var persons = LinkedPersons.PersonOfAccount(w);
            var found = persons.GroupBy(p => p.Value).Select(g => g.Select(p => p.Key).ToArray()).ToArray();
            // No found person holds two accounts of one platform (each file is one platform and holds a person once).
            Assert.All(found, accounts => Assert.Equal(accounts.Length, accounts.Select(k => k.Item1).Distinct().Count()));
            long truePairs = 0, falsePairs = 0;
            foreach (var accounts in found)
                for (var i = 0; i < accounts.Length; i++)
                    for (var j = i + 1; j < accounts.Length; j++)
                        if (truth[(accounts[i].Item1, accounts[i].Item2)] == truth[(accounts[j].Item1, accounts[j].Item2)]) truePairs++;
                        else falsePairs++;
            // Links below the threshold are the rule's own, inside its window.
            Assert.Equal(summary.MutualBestLinks, w.Scalar<long>("select count(*) from int_account_links where rule like 'mutual-best;%'"));
            Assert.Equal(0, w.Scalar<long>(FormattableString.Invariant($"""
                select count(*) from int_account_links
                where score < {settings.Threshold} and not (rule like 'mutual-best;%' and score >= {settings.Threshold - settings.MutualBestMaximumBits} - 0.001)
                """)));
            // The attribution counts the rule's false links as direct links, not as chains.
            var falseRuleLinks = 0L;
            using (var reader = w.Query("select platform_id_a, account_id_a, platform_id_b, account_id_b from int_account_links where rule like 'mutual-best;%'"))
                while (reader.Read())
                    if (truth[(reader.GetString(0), reader.GetString(1))] != truth[(reader.GetString(2), reader.GetString(3))]) falseRuleLinks++;
            var errors = LinkageAttribution.Of(summary.Diagnostics!, w, files.TruthCsv);
            Assert.Equal(falsePairs, errors.FalsePairs);
            var index = new Dictionary<(string, string), int>();
            using (var reader = w.Query("select platform_id, account_id, account_index from int_link_accounts"))
                while (reader.Read()) index[(reader.GetString(0), reader.GetString(1))] = (int)reader.GetInt64(2);
            var diagnostics = summary.Diagnostics!;
            var falseAboveThreshold = 0L; // false pairs of one found person that the blocking paired and the model put above the threshold
            foreach (var accounts in found)
                for (var i = 0; i < accounts.Length; i++)
                    for (var j = i + 1; j < accounts.Length; j++)
                    {
                        if (truth[(accounts[i].Item1, accounts[i].Item2)] == truth[(accounts[j].Item1, accounts[j].Item2)]) continue;
                        var (x, y) = (index[(accounts[i].Item1, accounts[i].Item2)], index[(accounts[j].Item1, accounts[j].Item2)]);
                        if (Array.BinarySearch(diagnostics.CandidatePairs, PairKeys.Of(x, y)) >= 0 && diagnostics.MatchWeight(x, y) >= diagnostics.Threshold) falseAboveThreshold++;
                    }
            Assert.Equal(falseAboveThreshold + falseRuleLinks, errors.FalseDirectLinks);
            Assert.True(settings.MutualBestMaximumBits == 0 || falseRuleLinks > 0, "this market's rule links include false ones (so the line above is tested)");
            return (truePairs, falsePairs, summary.MutualBestLinks);
        }

        var without = Run(new LinkageSettings { MutualBestMaximumBits = 0 });
        var with = Run(new LinkageSettings());

        Assert.Equal(0, without.MutualBestLinks);
        Assert.True(with.MutualBestLinks >= 10, $"{with.MutualBestLinks} mutual-best links");
        // Nine in ten of the rule's links are true pairs (counted from the answer key, not from the linker).
        var gained = with.TruePairs - without.TruePairs;
        Assert.True(gained >= 0.9 * with.MutualBestLinks, $"{gained} true pairs gained by {with.MutualBestLinks} links");
        Assert.True(with.FalsePairs - without.FalsePairs <= 0.1 * with.MutualBestLinks, $"{with.FalsePairs - without.FalsePairs} false pairs added");
    }
}
