using MarketStats.Core.Privacy;
using MarketStats.Core.Storage;
using MarketStats.Linkage;
using MarketStats.Models;
using MarketStats.Pipeline;
using MarketStats.Synthetic;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Linkage;

/// <summary>The fast blocking (radix-sorted bands, prefetched encodings, packed pair keys, both cores; issue 12) finds
/// exactly the pairs the rules define, checked against a plain implementation of the same rules written here.</summary>
public sealed class LshBlockingTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public void Candidates_are_the_pairs_a_plain_implementation_of_the_banding_rules_finds()
    {
        // The linkage benchmark's market: namesakes, shared e-mails and sparse organisation encodings, so buckets
        // of every size occur, some above the size cap.
        var files = LinkageBenchmarkMarket.Write(temp["market"], 30_000);
        using var w = PipelineSteps.OpenWarehouse(temp["m.duckdb"]);
        w.Execute($"copy raw_registrations from {SqlText.Literal(files.RegistrationsCsv)} (header)");
        var summary = new PipelineSteps(TimeProvider.System).Link(w, CancellationToken.None);
        var accounts = PersonLinker.LoadAccounts(w);

        // The production rules, then a small bucket cap so that skipping oversize buckets is exercised too.
        foreach (var settings in new[] { new LinkageSettings(), new LinkageSettings { MaxBucketSize = 3 } })
        {
            var (pairs, comparisons) = LshBlocking.Candidates(accounts, settings, CancellationToken.None);
            var (expected, expectedComparisons, oversizeBuckets) = PlainCandidates(accounts, settings);

            Assert.True(expected.Count > 1_000, $"only {expected.Count} pairs: the market is too small to test");
            if (settings.MaxBucketSize == 3) Assert.True(oversizeBuckets > 0, "no bucket above the size cap: the cap is not exercised");
            else Assert.Equal(expectedComparisons, summary.FuzzyComparisons);
            Assert.Equal(expectedComparisons, comparisons);
            Assert.Equal(expected.Order(), pairs);
        }
    }

    /// <summary>The rules as docs/linkage.md states them, with dictionaries and the encoder's own Dice.</summary>
    private static (HashSet<long> Pairs, long Comparisons, int OversizeBuckets) PlainCandidates(LinkAccounts a, LinkageSettings settings)
    {
        var rng = new Random(20_090_101);
        var permutations = Enumerable.Range(0, settings.Bands * settings.HashesPerBand)
            .Select(_ => Enumerable.Range(0, ClkEncoder.FoldedBytes * 8).OrderBy(_ => rng.Next()).ToArray()).ToArray();
        var floors = (Worker: settings.FuzzyFloor(settings.DiceLevels), Organisation: settings.FuzzyFloor(settings.OrganisationDiceLevels));
        var pairs = new HashSet<long>();
        var (comparisons, oversize) = (0L, 0);
        for (var band = 0; band < settings.Bands; band++)
        {
            var buckets = new Dictionary<(bool Worker, ulong Key), List<int>>();
            for (var i = 0; i < a.Count; i++)
            {
                if (!a.HasClk[i]) continue;
                var clk = a.Clk(i).ToArray();
                var key = 0xCBF29CE484222325UL;
                for (var h = 0; h < settings.HashesPerBand; h++)
                {
                    var order = permutations[band * settings.HashesPerBand + h];
                    var min = Array.FindIndex(order, bit => (clk[bit / 64] >> (bit % 64) & 1) == 1);
                    key = unchecked((key ^ (ulong)(min < 0 ? order.Length : min)) * 0x100000001B3UL);
                }
                var bucket = (a.IsWorker[i], key >> 25);
                if (!buckets.TryGetValue(bucket, out var members)) buckets[bucket] = members = [];
                members.Add(i);
            }
            foreach (var ((worker, _), members) in buckets)
            {
                if (members.Count > settings.MaxBucketSize) { oversize++; continue; }
                for (var x = 0; x < members.Count; x++)
                    for (var y = x + 1; y < members.Count; y++)
                    {
                        comparisons++;
                        var dice = ClkEncoder.Dice(a.Clk(members[x]), a.Clk(members[y]));
                        if (dice >= (worker ? floors.Worker : floors.Organisation))
                            pairs.Add((long)Math.Min(members[x], members[y]) << 32 | (uint)Math.Max(members[x], members[y]));
                    }
            }
        }
        return (pairs, comparisons, oversize);
    }
}
