using System.Numerics;
using System.Runtime.Intrinsics.X86;
using MarketStats.Core.Privacy;

namespace MarketStats.Linkage;

/// <summary>Fuzzy candidates: MinHash LSH over the encodings' set bits (Broder 1997; banding as in Leskovec, Rajaraman
/// and Ullman, ch. 3). Per band, accounts sorted by (kind, band key); each bucket's pairs are compared (Dice by popcount)
/// and only those at or above the floor are kept.</summary>
/// <remarks>
/// A band key combines <see cref="LinkageSettings.HashesPerBand"/> min-hashes; two encodings share a min-hash with
/// probability equal to their Jaccard similarity J = D / (2 − D). Unlike sampling raw bits, sparse encodings (few
/// fields given, organisations) do not collide with each other more often, so buckets stay small.
/// <para>Speed (issue 12): the bands run on every core, each worker with its own buffers; a band is sorted by radix
/// (its 40 key bits, five byte passes) rather than by comparison; the members of multi-account buckets are listed first
/// and their encodings prefetched a few buckets ahead, because a comparison costs little and the two cache misses it
/// needs cost most of the time; each band's kept pairs are packed keys, radix-sorted and merged into the worker's sorted set, instead of
/// a shared dictionary, and the min-hashes test the first eight permuted positions without a branch.</para>
/// </remarks>
internal static class LshBlocking
{
    private const int IndexBits = 24;
    private const ulong IndexMask = (1UL << IndexBits) - 1;
    private const int BucketBits = 64 - IndexBits; // kind (1 bit) and the band key's top 39 bits
    private const int Positions = ClkEncoder.FoldedBytes * 8;
    private static readonly int[] BucketBytes = [24, 32, 40, 48, 56]; // a band key's bucket bits, for the radix sort
    private static readonly int[] PairBytes = [0, 8, 16, 32, 40, 48]; // a pair key's two 24-bit account indices
    private const int PrefetchAhead = 16; // encodings requested before they are compared (about two buckets' worth)

    /// <summary>Distinct pairs (<see cref="PairKeys.Of"/>, sorted) whose Dice reaches their kind's floor in some band's bucket,
    /// and how many comparisons that took (a pair in several bands' buckets counts once per band).</summary>
    public static (long[] Pairs, long Comparisons) Candidates(LinkAccounts accounts, LinkageSettings settings, CancellationToken ct)
    {
        if (accounts.Count > (int)IndexMask) throw new NotSupportedException($"{accounts.Count:N0} accounts: fuzzy blocking packs account indices into {IndexBits} bits.");
        var encoded = Enumerable.Range(0, accounts.Count).Where(i => accounts.HasClk[i]).ToArray();
        var floors = (Worker: settings.FuzzyFloor(settings.DiceLevels), Organisation: settings.FuzzyFloor(settings.OrganisationDiceLevels));
        var permutations = Permutations(settings.Bands * settings.HashesPerBand);
        var found = new List<long[]>();
        long comparisons = 0;
        Parallel.For(0, settings.Bands,
            new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, // one set of buffers per core
            () => new BandWorker(accounts, encoded, permutations, settings, floors),
            (band, _, worker) => { worker.Run(band); return worker; },
            worker =>
            {
                var pairs = worker.Kept;
                lock (found) { found.Add(pairs); comparisons += worker.Comparisons; }
            });
        return (PairKeys.SortedUnion(found), comparisons);
    }

    /// <summary>The min-hash permutations of the 512 bit positions, one after the other: fixed (seeded), so runs and machines agree.</summary>
    private static short[] Permutations(int count)
    {
        var rng = new Random(20_090_101); // fixed: the band definitions are part of the linkage rules, not random per run
        return [.. Enumerable.Range(0, count).SelectMany(_ =>
            Enumerable.Range(0, Positions).Select(b => (short)b).OrderBy(_ => rng.Next()).ToArray())];
    }

    /// <summary>One core's buffers, reused band after band.</summary>
    private sealed class BandWorker(LinkAccounts accounts, int[] encoded, short[] permutations, LinkageSettings settings,
        (double Worker, double Organisation) floors)
    {
        private ulong[] keys = new ulong[encoded.Length];
        private ulong[] scratch = new ulong[encoded.Length];
        private readonly int[] members = new int[encoded.Length];
        private readonly int[] bucketEnds = new int[encoded.Length / 2 + 1];
        private readonly bool[] bucketOfWorkers = new bool[encoded.Length / 2 + 1];
        private ulong[] bandPairs = new ulong[1 << 16], pairScratch = new ulong[1 << 16];
        private int bandPairCount;
        private ulong[] kept = [];

        public long Comparisons { get; private set; }

        /// <summary>The pairs kept so far, sorted and distinct.</summary>
        public long[] Kept => [.. kept.Select(k => (long)k)];

        public void Run(int band)
        {
            BandKeys(band);
            RadixSort.Sort(ref keys, ref scratch, keys.Length, BucketBytes);
            var (memberCount, bucketCount) = MultiAccountBuckets();
            bandPairCount = 0;
            CompareWithinBuckets(memberCount, bucketCount);
            KeepBandPairs();
        }

        /// <summary>Merges the band's pairs into those kept (a pair close enough to keep is found in many bands).</summary>
        private void KeepBandPairs()
        {
            RadixSort.Sort(ref bandPairs, ref pairScratch, bandPairCount, PairBytes);
            var merged = new ulong[kept.Length + bandPairCount];
            var (k, p, m) = (0, 0, 0);
            while (k < kept.Length || p < bandPairCount)
            {
                var next = p == bandPairCount || k < kept.Length && kept[k] <= bandPairs[p] ? kept[k++] : bandPairs[p++];
                if (m == 0 || merged[m - 1] != next) merged[m++] = next;
            }
            kept = merged[..m];
        }

        private void AddBandPair(int x, int y)
        {
            if (bandPairCount == bandPairs.Length)
            {
                Array.Resize(ref bandPairs, bandPairs.Length * 2);
                pairScratch = new ulong[bandPairs.Length];
            }
            bandPairs[bandPairCount++] = (ulong)PairKeys.Of(x, y);
        }

        /// <summary>One word per account: kind (1 bit), the band key's top 39 bits, the account index (24 bits).</summary>
        private unsafe void BandKeys(int band)
        {
            var hashes = settings.HashesPerBand;
            var clkBase = accounts.ClkBase;
            fixed (short* bandOrders = &permutations[band * hashes * Positions])
            {
                for (var e = 0; e < encoded.Length; e++)
                {
                    var i = encoded[e];
                    var clk = clkBase + (long)i * LinkAccounts.Words;
                    var key = 0xCBF29CE484222325UL;
                    for (var h = 0; h < hashes; h++)
                    {
                        var order = bandOrders + h * Positions;
                        // The first of the permuted positions that is set. With a third of the bits set, one of the
                        // first eight is set 96% of the time: test those eight without a branch, scan only if none is.
                        var firstEight = 0u;
                        for (var j = 0; j < 8; j++) firstEight |= (uint)(clk[order[j] >> 6] >> (order[j] & 63) & 1UL) << j;
                        int min;
                        if (firstEight != 0) min = BitOperations.TrailingZeroCount(firstEight);
                        else for (min = 8; min < Positions && (clk[order[min] >> 6] >> (order[min] & 63) & 1UL) == 0; min++) { }
                        key = unchecked((key ^ (ulong)min) * 0x100000001B3UL); // FNV-1a over the band's min-hashes
                    }
                    keys[e] = (accounts.IsWorker[i] ? 1UL << 63 : 0UL) | (key >> 25 << IndexBits) | (uint)i;
                }
            }
        }

        /// <summary>Lists the accounts of buckets that hold two to <see cref="LinkageSettings.MaxBucketSize"/> accounts,
        /// bucket after bucket (larger buckets are degenerate encodings and skipped).</summary>
        private (int Members, int Buckets) MultiAccountBuckets()
        {
            var (memberCount, bucketCount) = (0, 0);
            for (var start = 0; start < keys.Length;)
            {
                var bucket = keys[start] >> IndexBits;
                var end = start + 1;
                while (end < keys.Length && keys[end] >> IndexBits == bucket) end++;
                if (end - start >= 2 && end - start <= settings.MaxBucketSize)
                {
                    for (var k = start; k < end; k++) members[memberCount++] = (int)(keys[k] & IndexMask);
                    bucketOfWorkers[bucketCount] = bucket >> (BucketBits - 1) == 1;
                    bucketEnds[bucketCount++] = memberCount;
                }
                start = end;
            }
            return (memberCount, bucketCount);
        }

        private unsafe void CompareWithinBuckets(int memberCount, int bucketCount)
        {
            const int Words = LinkAccounts.Words;
            var clk = accounts.ClkBase;
            Span<int> bits = stackalloc int[settings.MaxBucketSize];
            var (prefetched, begin) = (0, 0);
            long comparisons = 0;
            for (var b = 0; b < bucketCount; b++)
            {
                var end = bucketEnds[b];
                for (; prefetched < Math.Min(memberCount, end + PrefetchAhead); prefetched++)
                    if (Sse.IsSupported) Sse.Prefetch0(clk + (long)members[prefetched] * Words);
                var floor = bucketOfWorkers[b] ? floors.Worker : floors.Organisation;
                for (var k = begin; k < end; k++)
                {
                    var row = clk + (long)members[k] * Words;
                    var count = 0;
                    for (var w = 0; w < Words; w++) count += BitOperations.PopCount(row[w]);
                    bits[k - begin] = count;
                }
                for (var x = begin; x < end; x++)
                {
                    var (ix, bitsX) = (members[x], bits[x - begin]);
                    var rowX = clk + (long)ix * Words;
                    for (var y = x + 1; y < end; y++)
                    {
                        var iy = members[y];
                        var dice = LinkAccounts.DiceOfBits(LinkAccounts.CommonBits(rowX, clk + (long)iy * Words), bitsX + bits[y - begin]);
                        if (dice >= floor) AddBandPair(ix, iy);
                    }
                }
                comparisons += (long)(end - begin) * (end - begin - 1) / 2;
                begin = end;
            }
            Comparisons += comparisons;
        }
    }
}
