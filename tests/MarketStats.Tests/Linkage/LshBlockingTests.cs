using System.Numerics;
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
        // The linkage benchmark's market (contract v2): namesakes, shared e-mails and sparse organisation encodings, so
        // buckets of every size occur, some above the size cap; its workers meet in the name-field pass, its
        // organisations in the record pass.
        var files = LinkageBenchmarkMarket.Write(temp["market"], 30_000);
        using var w = PipelineSteps.OpenWarehouse(temp["m.duckdb"]);
        w.Execute($"copy raw_registrations from {SqlText.Literal(files.RegistrationsCsv)} (header)");
        var summary = new PipelineSteps(TimeProvider.System).Link(w, CancellationToken.None);
        var accounts = PersonLinker.LoadAccounts(w);

        // The production rules (the name-field pass off), then the name-field pass on with a small bucket cap, so that
        // skipping oversize buckets is exercised too, then the production rules on the scalar min-hash loop (the one
        // processors without AVX2 run).
        foreach (var settings in new[] { new LinkageSettings(), new LinkageSettings { NameBands = 48, MaxBucketSize = 3 }, new LinkageSettings { VectorMinHashes = false }, new LinkageSettings { OrganisationLevelsBelowFloor = 1 } })
        {
            var (recordPairs, recordComparisons) = LshBlocking.Candidates(accounts, settings, CancellationToken.None);
            var (namePairs, nameComparisons) = LshBlocking.NameCandidates(accounts, settings, CancellationToken.None);
            var (partialPairs, partialComparisons) = LshBlocking.PartialCandidates(accounts, settings, CancellationToken.None);
            var expectedRecord = PlainRecordCandidates(accounts, settings);
            var expectedName = PlainNameCandidates(accounts, settings);
            var expectedPartial = PlainPartialCandidates(accounts, settings);

            foreach (var (pass, expected) in settings.NameBands == 0 ? [("record", expectedRecord)] : new[] { ("record", expectedRecord), ("name", expectedName) })
            {
                Assert.True(expected.Pairs.Count > 500, $"{pass} pass: only {expected.Pairs.Count} pairs: the market is too small to test");
                if (settings.MaxBucketSize == 3) Assert.True(expected.OversizeBuckets > 0, $"{pass} pass: no bucket above the size cap: the cap is not exercised");
            }
            // Organisations' pairs between their kept level and their evidence floor (Dice 0.85–0.90) occur, so that keeping them is tested.
            var belowEvidenceFloor = expectedRecord.Pairs.Select(PairKeys.Accounts).Count(p => !accounts.IsWorker[p.A]
                && ClkEncoder.Dice(accounts.Clk(p.A), accounts.Clk(p.B)) < settings.FuzzyFloor(settings.OrganisationDiceLevels));
            if (settings.OrganisationLevelsBelowFloor > 0) Assert.True(belowEvidenceFloor > 10, $"only {belowEvidenceFloor} organisation pairs below the evidence floor");
            // Sole proprietors' pairs kept below the organisations' floor occur, so that their rule (the workers' floor) is tested.
            var clientPersonsBelowFloor = expectedRecord.Pairs.Select(PairKeys.Accounts).Count(p => !accounts.IsWorker[p.A]
                && ClkEncoder.Dice(accounts.Clk(p.A), accounts.Clk(p.B)) < settings.BlockingFloor(workers: false));
            Assert.True(clientPersonsBelowFloor > 10, $"only {clientPersonsBelowFloor} sole proprietors' pairs below the organisations' floor");
            // The partial-record pass finds pairs the record pass misses (a reading on one side only), so that it is tested.
            var partialOnly = expectedPartial.Pairs.Count(p => !expectedRecord.Pairs.Contains(p));
            if (settings.MaxBucketSize != 3) Assert.True(partialOnly > 10, $"only {partialOnly} pairs found by the partial-record pass alone");
            if (settings.MaxBucketSize != 3) Assert.Equal(expectedRecord.Comparisons + expectedName.Comparisons + expectedPartial.Comparisons, summary.FuzzyComparisons);
            Assert.Equal(expectedPartial.Comparisons, partialComparisons);
            Assert.Equal(expectedPartial.Pairs.Order(), partialPairs);
            Assert.Equal(expectedRecord.Comparisons, recordComparisons);
            Assert.Equal(expectedRecord.Pairs.Order(), recordPairs);
            Assert.Equal(expectedName.Comparisons, nameComparisons);
            Assert.Equal(expectedName.Pairs.Order(), namePairs);
        }
    }

    /// <summary>The record pass as docs/linkage.md states it: every account with a record encoding, banded over it, kept
    /// at the kind's Dice floor; with the name-field pass on, v2 workers only when v1 workers exist, and never a pair
    /// of two v2 workers.</summary>
    private static (HashSet<long> Pairs, long Comparisons, int OversizeBuckets) PlainRecordCandidates(LinkAccounts a, LinkageSettings settings)
    {
        // Organisations OrganisationLevelsBelowFloor Dice levels below their evidence floor (1: the highest level under it, 0.85 under 0.90), workers at theirs.
        var organisationFloor = settings.OrganisationDiceLevels.Select(l => l.MinDice).Where(d => d <= settings.FuzzyFloor(settings.OrganisationDiceLevels))
            .OrderDescending().ElementAt(settings.OrganisationLevelsBelowFloor);
        var floors = (Worker: settings.FuzzyFloor(settings.DiceLevels), Organisation: organisationFloor);
        var namePass = settings.NameBands > 0;
        var v1Workers = Enumerable.Range(0, a.Count).Any(i => a.IsWorker[i] && a.HasClk[i] && !a.HasFields(i));
        // Two clients that are persons with v2 fields (a birth date or a given name: sole proprietors) at the workers' floor.
        bool SoleProprietor(int i) => !a.IsWorker[i] && (a.BirthDate[i] != 0 || a.HasField(1, i) || a.HasField(3, i));
        return PlainBanding(a.Count, settings.Bands, settings.HashesPerBand, settings.MaxBucketSize,
            i => a.HasClk[i] && (!namePass || !a.IsWorker[i] || v1Workers || !a.HasFields(i)) ? a.Clk(i).ToArray() : null,
            i => (a.IsWorker[i], 0),
            (x, y) => ClkEncoder.Dice(a.Clk(x), a.Clk(y)) >= (a.IsWorker[x] || SoleProprietor(x) && SoleProprietor(y) ? floors.Worker : floors.Organisation)
                      && !(namePass && a.IsWorker[x] && a.HasFields(x) && a.HasFields(y)));
    }

    /// <summary>Organisations' containment as docs/linkage.md states it: when both accounts carry v2 fields, one gives a
    /// strict subset of the other's (name fields, birth date) and their Dice reaches the partial floor, the share of its
    /// set bits the other has; else none (NaN).</summary>
    private static double PlainContainment(LinkAccounts a, int x, int y, LinkageSettings settings)
    {
        if (ClkEncoder.Dice(a.Clk(x), a.Clk(y)) < settings.PartialRecordFloor) return double.NaN;
        HashSet<int> Given(int i) => [.. Enumerable.Range(0, LinkAccounts.NameFields).Where(f => a.FieldClk(i, f).IndexOfAnyExcept(0UL) >= 0),
            .. a.BirthDate[i] != 0 ? [LinkAccounts.NameFields] : Array.Empty<int>()];
        var (gx, gy) = (Given(x), Given(y));
        static int Bits(IEnumerable<ulong> words) => words.Sum(w => BitOperations.PopCount(w));
        var common = Bits(a.Clk(x).ToArray().Zip(a.Clk(y).ToArray(), (u, v) => u & v));
        if (gx.Count > 0 && gy.Count > 0 && gx.IsProperSubsetOf(gy)) return (double)common / Bits(a.Clk(x).ToArray());
        if (gx.Count > 0 && gy.Count > 0 && gy.IsProperSubsetOf(gx)) return (double)common / Bits(a.Clk(y).ToArray());
        return double.NaN;
    }

    /// <summary>The partial-record pass: organisations with a kanji name encoding, banded over it alone, one bucket space
    /// per prefecture, a pair compared only when one of its accounts leaves out a field; kept when the names reach the name floor and one side's record is contained in the other's at
    /// the contained level (a field on one side only).</summary>
    private static (HashSet<long> Pairs, long Comparisons, int OversizeBuckets) PlainPartialCandidates(LinkAccounts a, LinkageSettings settings)
    {
        ulong[] Row(int i) => [.. a.FieldClk(i, 0).ToArray(), .. new ulong[LinkAccounts.Words - LinkAccounts.FieldWords]];
        return PlainBanding(a.Count, settings.PartialBands, settings.PartialHashesPerBand, settings.MaxBucketSize,
            i => !a.IsWorker[i] && a.HasClk[i] && a.FieldClk(i, 0).IndexOfAnyExcept(0UL) >= 0 ? Row(i) : null,
            i => (false, a.Prefecture[i]),
            (x, y) => ClkEncoder.Dice(Row(x), Row(y)) >= settings.NameBlockingFloor && PlainContainment(a, x, y, settings) >= settings.ContainedRecordLevel.MinDice,
            (x, y) => LeavesOutAField(x) || LeavesOutAField(y));

        // An organisation's name without its reading; a person's given name without its reading or without a birth date.
        bool LeavesOutAField(int i)
        {
            bool Has(int f) => a.FieldClk(i, f).IndexOfAnyExcept(0UL) >= 0;
            return Has(0) && !Has(2) || Has(1) && (!Has(3) || a.BirthDate[i] == 0);
        }
    }

    /// <summary>The name-field pass: workers with a name-field encoding and a record encoding, banded over the four fields
    /// side by side, one bucket space per prefecture; kept when the record encoding reaches the workers' floor and the
    /// family and the given name (the better of kanji and kana), wherever both sides have one, reach the name floor.</summary>
    private static (HashSet<long> Pairs, long Comparisons, int OversizeBuckets) PlainNameCandidates(LinkAccounts a, LinkageSettings settings)
    {
        var recordFloor = settings.FuzzyFloor(settings.DiceLevels);
        ulong[] Row(int i) => [.. Enumerable.Range(0, LinkAccounts.NameFields).SelectMany(f => a.FieldClk(i, f).ToArray())];
        double? Best(int x, int y, int kanji, int kana)
        {
            var dice = new[] { kanji, kana }.Where(f => a.FieldClk(x, f).IndexOfAnyExcept(0UL) >= 0 && a.FieldClk(y, f).IndexOfAnyExcept(0UL) >= 0)
                .Select(f => ClkEncoder.Dice(a.FieldClk(x, f), a.FieldClk(y, f))).ToArray();
            return dice.Length == 0 ? null : dice.Max();
        }
        return PlainBanding(a.Count, settings.NameBands, settings.NameHashesPerBand, settings.MaxBucketSize,
            i => a.IsWorker[i] && a.HasClk[i] && Row(i).Any(word => word != 0) ? Row(i) : null,
            i => (true, a.Prefecture[i]),
            (x, y) =>
            {
                double?[] names = [Best(x, y, 0, 2), Best(x, y, 1, 3)];
                return ClkEncoder.Dice(a.Clk(x), a.Clk(y)) >= recordFloor
                       && names.Any(d => d is not null) && names.All(d => d is null || d >= settings.NameBlockingFloor);
            });
    }

    /// <summary>MinHash banding with dictionaries: each band's key hashes the first set position under each of its
    /// permutations (seeded as the rules fix them); buckets within a group of up to the cap are compared pair by pair.</summary>
    private static (HashSet<long> Pairs, long Comparisons, int OversizeBuckets) PlainBanding(int count, int bands, int hashesPerBand, int maxBucketSize,
        Func<int, ulong[]?> rowOf, Func<int, (bool Worker, int Prefecture)> groupOf, Func<int, int, bool> keep, Func<int, int, bool>? compared = null)
    {
        var rng = new Random(20_090_101);
        var permutations = Enumerable.Range(0, bands * hashesPerBand)
            .Select(_ => Enumerable.Range(0, ClkEncoder.FoldedBytes * 8).OrderBy(_ => rng.Next()).ToArray()).ToArray();
        var rows = Enumerable.Range(0, count).Select(rowOf).ToArray();
        var pairs = new HashSet<long>();
        var (comparisons, oversize) = (0L, 0);
        for (var band = 0; band < bands; band++)
        {
            var buckets = new Dictionary<((bool, int) Group, ulong Key), List<int>>();
            for (var i = 0; i < rows.Length; i++)
            {
                if (rows[i] is not { } row) continue;
                var key = 0xCBF29CE484222325UL;
                for (var h = 0; h < hashesPerBand; h++)
                {
                    var order = permutations[band * hashesPerBand + h];
                    var min = Array.FindIndex(order, bit => (row[bit / 64] >> (bit % 64) & 1) == 1);
                    key = unchecked((key ^ (ulong)(min < 0 ? order.Length : min)) * 0x100000001B3UL);
                }
                var bucket = (groupOf(i), key >> 31); // the band key's top 33 bits
                if (!buckets.TryGetValue(bucket, out var members)) buckets[bucket] = members = [];
                members.Add(i);
            }
            foreach (var members in buckets.Values)
            {
                if (members.Count > maxBucketSize) { oversize++; continue; }
                for (var x = 0; x < members.Count; x++)
                    for (var y = x + 1; y < members.Count; y++)
                    {
                        if (compared is not null && !compared(members[x], members[y])) continue;
                        comparisons++;
                        if (keep(members[x], members[y]))
                            pairs.Add((long)Math.Min(members[x], members[y]) << 32 | (uint)Math.Max(members[x], members[y]));
                    }
            }
        }
        return (pairs, comparisons, oversize);
    }

}
