using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
    private const int GroupBits = 7; // kind (1 bit) and prefecture (6 bits; 0 in the record pass): buckets never mix groups
    private const int KeyBits = 64 - IndexBits - GroupBits; // the band key's top bits
    private const int Positions = ClkEncoder.FoldedBytes * 8;
    private static readonly int[] BucketBytes = [24, 32, 40, 48, 56]; // a band key's bucket bits, for the radix sort
    private static readonly int[] PairBytes = [0, 8, 16, 32, 40, 48]; // a pair key's two 24-bit account indices
    private const int PrefetchAhead = 16; // encodings requested before they are compared (about two buckets' worth)

    /// <summary>The record-encoding pass: distinct pairs (<see cref="PairKeys.Of"/>, sorted) whose record Dice reaches
    /// their kind's floor in some band's bucket, and how many comparisons that took (a pair in several bands' buckets
    /// counts once per band). When the name-field pass is on (<see cref="LinkageSettings.NameBands"/> above 0), two
    /// contract v2 workers, scored on their fields rather than the record encoding, are left to <see cref="NameCandidates"/>,
    /// and v2 workers take part only when v1 workers are there to meet.</summary>
    public static (long[] Pairs, long Comparisons) Candidates(LinkAccounts accounts, LinkageSettings settings, CancellationToken ct) =>
        Run(new RecordPass(accounts, settings), accounts, settings.Bands, settings.HashesPerBand, settings, ct);

    /// <summary>The name-field pass (contract v2 workers, issue 13): MinHash LSH over a worker's four name-field encodings
    /// side by side (512 bits), buckets split by prefecture. A pair is kept when its record encoding reaches the workers'
    /// floor (the record pass's rule) and its family and its given name (each the better of kanji and kana, as scoring
    /// compares them), where both sides have them, reach <see cref="LinkageSettings.NameBlockingFloor"/>. It replaces the
    /// record pass between v2 workers: BLIP-noisy name encodings of one person meet in its bands more reliably than
    /// the record encodings do in 64 × 9 bands, and the buckets per prefecture keep the comparisons few. Organisations
    /// stay with the record pass: they are scored on the record encoding, which holds the postcode that tells apart
    /// firms of one name.</summary>
    public static (long[] Pairs, long Comparisons) NameCandidates(LinkAccounts accounts, LinkageSettings settings, CancellationToken ct) =>
        settings.NameBands == 0 ? ([], 0) : Run(new NamePass(accounts, settings), accounts, settings.NameBands, settings.NameHashesPerBand, settings, ct);

    /// <summary>The partial-record pass (contract v2 organisations, issue 13): MinHash LSH over the kanji name's field
    /// encoding alone, buckets split by prefecture; a pair is kept when one side gives a strict subset of the other's
    /// fields and its record containment reaches the contained level (<see cref="LinkAccounts.PartialContainment"/>).
    /// The record pass meets such pairs too seldom: a reading on one side only puts one firm's records at Dice 0.70–0.75
    /// (J 0.54–0.60), which share one of 64 bands of 9 min-hashes with probability 0.22–0.48, while their name fields,
    /// which both sides give, stay at J 0.55–0.8.</summary>
    public static (long[] Pairs, long Comparisons) PartialCandidates(LinkAccounts accounts, LinkageSettings settings, CancellationToken ct)
    {
        if (settings.PartialBands == 0 || !Enumerable.Range(0, accounts.Count).Any(i => !accounts.IsWorker[i] && accounts.HasClk[i] && accounts.HasField(LinkAccounts.FamilyNameField, i)))
            return ([], 0);
        return Run(new PartialPass(accounts, settings), accounts, settings.PartialBands, settings.PartialHashesPerBand, settings, ct);
    }

    private static (long[] Pairs, long Comparisons) Run(Pass pass, LinkAccounts accounts, int bands, int hashesPerBand, LinkageSettings settings, CancellationToken ct)
    {
        if (accounts.Count > (int)IndexMask) throw new NotSupportedException($"{accounts.Count:N0} accounts: fuzzy blocking packs account indices into {IndexBits} bits.");
        var encoded = Enumerable.Range(0, accounts.Count).Where(pass.TakesPart).ToArray();
        if (encoded.Length < 2) return ([], 0);
        var permutations = Permutations(bands * hashesPerBand);
        var lanes = settings.VectorMinHashes && Avx2.IsSupported ? new MinHashLanes(permutations) : null;
        var found = new List<long[]>();
        long comparisons = 0;
        Parallel.For(0, bands,
            new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, // one set of buffers per core
            () => new BandWorker(pass, encoded, permutations, lanes, hashesPerBand, settings.MaxBucketSize),
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

    /// <summary>The permutations as AVX2 operands, eight positions per vector (issue 12): where in a 512-bit row (two
    /// 256-bit halves of eight 32-bit lanes) each position's bit is, so that one min-hash's first eight positions are
    /// tested by two lane permutes, a blend, a shift and a sign mask instead of eight scalar loads and shifts. The
    /// result is the same first set position (the scalar loop stays for machines without AVX2).</summary>
    private sealed class MinHashLanes
    {
        /// <summary>Per position: its 32-bit lane (p / 32) in the low three bits (the permute's index) and, at the sign
        /// bit, whether the lane is in the upper half (the blend's selector).</summary>
        public readonly int[] Lane;
        /// <summary>Per position: the left shift that brings its bit to the lane's sign bit (31 − p % 32).</summary>
        public readonly int[] Shift;

        public MinHashLanes(short[] permutations)
        {
            Lane = GC.AllocateArray<int>(permutations.Length, pinned: true);
            Shift = GC.AllocateArray<int>(permutations.Length, pinned: true);
            for (var k = 0; k < permutations.Length; k++)
            {
                var lane = permutations[k] >> 5;
                Lane[k] = (lane & 7) | (lane >> 3) << 31;
                Shift[k] = 31 - (permutations[k] & 31);
            }
        }
    }

    /// <summary>What one LSH pass runs over (512-bit rows, one per account, 64-byte aligned), which accounts take part,
    /// how buckets are split, and which compared pairs are kept.</summary>
    private abstract unsafe class Pass(LinkAccounts accounts)
    {
        protected LinkAccounts Accounts { get; } = accounts;
        public abstract ulong* Rows { get; }
        public abstract bool TakesPart(int account);
        /// <summary>The account's bucket group, below 2^<see cref="GroupBits"/>: accounts of different groups never share a bucket.</summary>
        public virtual uint Group(int account) => Accounts.IsWorker[account] ? 1u << (GroupBits - 1) : 0;
        /// <summary>Whether a pair in a bucket is kept, given the common and total set bits of the two rows.</summary>
        public abstract bool Keep(int x, int y, int commonBits, int totalBits, bool workers);
        /// <summary>The Dice of the two rows below which <see cref="Keep"/> keeps no pair: tested inline before it, so
        /// the nine in ten compared pairs below the floor cost no virtual call (issue 12).</summary>
        public virtual (double Worker, double Organisation) RowFloors => (0, 0);
        /// <summary>When set, a bucket's pair is compared only if one of its accounts is marked here.</summary>
        public virtual bool[]? Probes => null;
    }

    private sealed unsafe class RecordPass : Pass
    {
        private readonly (double Worker, double Organisation) floors;
        private readonly double clientFloor;
        private readonly bool[] comparedOnFields; // clients only: a sole proprietor with v2 fields
        private readonly bool namePass; // two v2 workers are left to the name-field pass
        private readonly bool mixedContracts; // v1 workers beside v2 ones: their pairs are compared on the record encoding

        public RecordPass(LinkAccounts accounts, LinkageSettings settings) : base(accounts)
        {
            floors = (settings.BlockingFloor(workers: true), settings.BlockingFloor(workers: false));
            // Two clients that are persons (sole proprietors) are scored on their fields as workers are, so their record
            // encodings (names, birth date, postcode, like a worker's) are kept at the workers' floor (issue 13): the
            // inline test on client buckets is the lower of the two floors, and Keep tells the pairs apart.
            clientFloor = Math.Min(floors.Worker, floors.Organisation);
            // Per account, once: client buckets now test every pair at the lower floor (firms sharing a name word).
            comparedOnFields = [.. Enumerable.Range(0, accounts.Count).Select(i => !accounts.IsWorker[i] && accounts.ComparedOnFields(i))];
            namePass = settings.NameBands > 0;
            mixedContracts = Enumerable.Range(0, accounts.Count).Any(i => accounts.IsWorker[i] && accounts.HasClk[i] && !accounts.HasFields(i));
        }

        public override ulong* Rows => Accounts.ClkBase;
        public override (double Worker, double Organisation) RowFloors => (floors.Worker, clientFloor);
        public override bool TakesPart(int i) => Accounts.HasClk[i] && (!namePass || !Accounts.IsWorker[i] || mixedContracts || !Accounts.HasFields(i));
        public override bool Keep(int x, int y, int commonBits, int totalBits, bool workers) =>
            LinkAccounts.DiceOfBits(commonBits, totalBits) >= (workers || comparedOnFields[x] && comparedOnFields[y] ? floors.Worker : floors.Organisation)
            && !(namePass && workers && Accounts.HasFields(x) && Accounts.HasFields(y));
    }

    private sealed unsafe class NamePass(LinkAccounts accounts, LinkageSettings settings) : Pass(accounts)
    {
        private readonly double recordFloor = settings.FuzzyFloor(settings.DiceLevels);

        public override ulong* Rows => Accounts.FieldClkBase;
        public override bool TakesPart(int i) => Accounts.IsWorker[i] && Accounts.HasNameFields(i) && Accounts.HasClk[i];
        public override uint Group(int i) => base.Group(i) | Accounts.Prefecture[i];

        public override bool Keep(int x, int y, int commonBits, int totalBits, bool workers)
        {
            // The record pass's rule (record Dice at the workers' floor): namesakes meet here too, and at two million
            // accounts a pass that kept every pair with similar names brought so many that precision fell from 0.94 to 0.83.
            if (!(Accounts.Dice(x, y) >= recordFloor)) return false;
            // Family (fields 0 and 2) and given name (1 and 3): each, where both sides have it, at the floor or above.
            var compared = false;
            for (var name = 0; name < 2; name++)
            {
                var (kanji, kana) = (Accounts.FieldDice(name, x, y), Accounts.FieldDice(name + 2, x, y));
                if (double.IsNaN(kanji) && double.IsNaN(kana)) continue;
                if (!(kanji >= settings.NameBlockingFloor || kana >= settings.NameBlockingFloor)) return false;
                compared = true;
            }
            return compared;
        }
    }

    private sealed unsafe class PartialPass : Pass
    {
        private readonly ulong[] names; // pinned: each organisation's kanji name encoding in the first bits of its 512-bit row
        private readonly int start;
        private readonly double partialFloor, containedFloor, nameFloor;

        public PartialPass(LinkAccounts accounts, LinkageSettings settings) : base(accounts)
        {
            (partialFloor, containedFloor, nameFloor) = (settings.PartialRecordFloor, settings.ContainedRecordLevel.MinDice, settings.NameBlockingFloor);
            names = GC.AllocateArray<ulong>(checked(accounts.Count * LinkAccounts.Words + LinkAccounts.Words), pinned: true);
            start = (int)((64 - (long)Unsafe.AsPointer(ref names[0]) % 64) % 64 / sizeof(ulong));
            Probes = new bool[accounts.Count];
            for (var i = 0; i < accounts.Count; i++)
            {
                if (!TakesPart(i)) continue;
                accounts.FieldClk(i, LinkAccounts.FamilyNameField).CopyTo(names.AsSpan(start + i * LinkAccounts.Words, LinkAccounts.FieldWords));
                Probes[i] = LeavesOutAField(accounts, i);
            }
        }

        /// <summary>Whether the account gives a name without its reading, or a given name (a person) without a birth date.</summary>
        private static bool LeavesOutAField(LinkAccounts a, int i) =>
            a.HasField(LinkAccounts.FamilyNameField, i) && !a.HasField(LinkAccounts.FamilyNameKanaField, i)
            || a.HasField(LinkAccounts.GivenNameField, i) && (!a.HasField(LinkAccounts.GivenNameKanaField, i) || a.BirthDate[i] == 0);

        public override ulong* Rows => (ulong*)Unsafe.AsPointer(ref names[start]);
        public override bool TakesPart(int i) => !Accounts.IsWorker[i] && Accounts.HasClk[i] && Accounts.HasField(LinkAccounts.FamilyNameField, i);
        public override uint Group(int i) => base.Group(i) | Accounts.Prefecture[i];
        // The rows are the kanji names: one firm's two names under BLIP's noise stay above the name floor.
        public override (double Worker, double Organisation) RowFloors => (1.1, nameFloor);
        public override bool Keep(int x, int y, int commonBits, int totalBits, bool workers) =>
            Accounts.PartialContainment(x, y, partialFloor) >= containedFloor;
        // A pair with a field on one side only has an account that leaves out a field its kind is asked for: a name's
        // reading, or a person's birth date. Two accounts giving all of theirs are the record pass's: skipping them
        // spares the comparisons of firms of one common name in an area (94 million at two million accounts).
        public override bool[] Probes { get; }
    }

    /// <summary>One core's buffers, reused band after band.</summary>
    private sealed class BandWorker(Pass pass, int[] encoded, short[] permutations, MinHashLanes? lanes, int hashes, int maxBucketSize)
    {
        private ulong[] keys = new ulong[encoded.Length];
        private ulong[] scratch = new ulong[encoded.Length];
        private readonly int[] members = new int[encoded.Length];
        private readonly int[] bucketEnds = new int[encoded.Length / 2 + 1];
        private readonly bool[] bucketOfWorkers = new bool[encoded.Length / 2 + 1];
        private ulong[] bandPairs = new ulong[1 << 16], pairScratch = new ulong[1 << 16];
        private int bandPairCount;
        // The pairs kept so far (sorted, distinct: the first keptCount) and the buffer the next merge writes into,
        // swapped band after band: a new array per band was a large-object allocation of every kept pair, 64 times (issue 12).
        private ulong[] kept = [], merging = [];
        private int keptCount;

        public long Comparisons { get; private set; }

        /// <summary>The pairs kept, sorted and distinct, once the worker's bands are done.</summary>
        /// <remarks>Lets go of the worker's buffers first (the merge's spare is as large as the pairs kept): at ten
        /// million accounts the copy made beside them was the linker's peak (issue 12).</remarks>
        public long[] Kept
        {
            get
            {
                (merging, keys, scratch, bandPairs, pairScratch) = ([], [], [], [], []);
                var pairs = GC.AllocateUninitializedArray<long>(keptCount);
                for (var k = 0; k < keptCount; k++) pairs[k] = (long)kept[k];
                return pairs;
            }
        }

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
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void KeepBandPairs()
        {
            RadixSort.Sort(ref bandPairs, ref pairScratch, bandPairCount, PairBytes);
            if (merging.Length < keptCount + bandPairCount) merging = new ulong[Math.Max(keptCount + bandPairCount, merging.Length * 3 / 2)];
            var merged = merging;
            var (k, p, m) = (0, 0, 0);
            while (k < keptCount || p < bandPairCount)
            {
                var next = p == bandPairCount || k < keptCount && kept[k] <= bandPairs[p] ? kept[k++] : bandPairs[p++];
                if (m == 0 || merged[m - 1] != next) merged[m++] = next;
            }
            (kept, merging, keptCount) = (merged, kept, m);
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

        /// <summary>One word per account: its group (<see cref="GroupBits"/>), the band key's top bits, the account index (24 bits).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void BandKeys(int band)
        {
            if (lanes is not null) { BandKeysAvx2(band, lanes); return; }
            var clkBase = pass.Rows;
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
                    keys[e] = (ulong)pass.Group(i) << (64 - GroupBits) | (key >> (64 - KeyBits) << IndexBits) | (uint)i;
                }
            }
        }

        /// <summary><see cref="BandKeys"/> with the min-hashes eight positions at a time (<see cref="MinHashLanes"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops run a few dozen times: straight to optimised code, no tiering (issue 12)
        private unsafe void BandKeysAvx2(int band, MinHashLanes lanes)
        {
            var rows = pass.Rows;
            fixed (int* laneBase = &lanes.Lane[band * hashes * Positions], shiftBase = &lanes.Shift[band * hashes * Positions])
            {
                for (var e = 0; e < encoded.Length; e++)
                {
                    var i = encoded[e];
                    var row = (uint*)(rows + (long)i * LinkAccounts.Words);
                    var (low, high) = (Avx.LoadVector256(row), Avx.LoadVector256(row + 8));
                    var key = 0xCBF29CE484222325UL;
                    for (var h = 0; h < hashes; h++)
                    {
                        var lane = laneBase + h * Positions;
                        var shift = shiftBase + h * Positions;
                        var min = Positions;
                        for (var start = 0; start < Positions; start += 8)
                        {
                            var selector = Avx.LoadVector256(lane + start);
                            var word = Avx.BlendVariable(Avx2.PermuteVar8x32(low, selector.AsUInt32()).AsSingle(),
                                Avx2.PermuteVar8x32(high, selector.AsUInt32()).AsSingle(), selector.AsSingle());
                            var set = (uint)Avx.MoveMask(Avx2.ShiftLeftLogicalVariable(word.AsUInt32(), Avx.LoadVector256((uint*)shift + start)).AsSingle());
                            if (set == 0) continue;
                            min = start + BitOperations.TrailingZeroCount(set);
                            break;
                        }
                        key = unchecked((key ^ (ulong)min) * 0x100000001B3UL); // FNV-1a over the band's min-hashes
                    }
                    keys[e] = (ulong)pass.Group(i) << (64 - GroupBits) | (key >> (64 - KeyBits) << IndexBits) | (uint)i;
                }
            }
        }

        /// <summary>Lists the accounts of buckets that hold two to <see cref="LinkageSettings.MaxBucketSize"/> accounts,
        /// bucket after bucket (larger buckets are degenerate encodings and skipped).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private (int Members, int Buckets) MultiAccountBuckets()
        {
            var (memberCount, bucketCount) = (0, 0);
            for (var start = 0; start < keys.Length;)
            {
                var bucket = keys[start] >> IndexBits;
                var end = start + 1;
                while (end < keys.Length && keys[end] >> IndexBits == bucket) end++;
                if (end - start >= 2 && end - start <= maxBucketSize)
                {
                    for (var k = start; k < end; k++) members[memberCount++] = (int)(keys[k] & IndexMask);
                    bucketOfWorkers[bucketCount] = bucket >> (64 - IndexBits - 1) == 1;
                    bucketEnds[bucketCount++] = memberCount;
                }
                start = end;
            }
            return (memberCount, bucketCount);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void CompareWithinBuckets(int memberCount, int bucketCount)
        {
            const int Words = LinkAccounts.Words;
            var clk = pass.Rows;
            Span<int> bits = stackalloc int[maxBucketSize];
            var (prefetched, begin) = (0, 0);
            long comparisons = 0;
            var rowFloors = pass.RowFloors;
            var probes = pass.Probes;
            var skipped = 0L;
            for (var b = 0; b < bucketCount; b++)
            {
                var end = bucketEnds[b];
                for (; prefetched < Math.Min(memberCount, end + PrefetchAhead); prefetched++)
                    if (Sse.IsSupported) Sse.Prefetch0(clk + (long)members[prefetched] * Words);
                var workers = bucketOfWorkers[b];
                var rowFloor = workers ? rowFloors.Worker : rowFloors.Organisation;
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
                        if (probes is not null && !probes[ix] && !probes[iy]) { skipped++; continue; }
                        var (common, total) = (LinkAccounts.CommonBits(rowX, clk + (long)iy * Words), bitsX + bits[y - begin]);
                        if (LinkAccounts.DiceOfBits(common, total) >= rowFloor && pass.Keep(ix, iy, common, total, workers)) AddBandPair(ix, iy);
                    }
                }
                comparisons += (long)(end - begin) * (end - begin - 1) / 2 - skipped;
                skipped = 0;
                begin = end;
            }
            Comparisons += comparisons;
        }
    }
}
