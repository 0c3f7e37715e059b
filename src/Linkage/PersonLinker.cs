using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MarketStats.Core;
using MarketStats.Core.Privacy;
using MarketStats.Core.Storage;

namespace MarketStats.Linkage;

/// <summary>What one linkage run found and how much work it took.</summary>
public sealed record PersonLinkageSummary(
    long Accounts, long WorkerPersons, long ClientPersons, long ExactCandidates, long FuzzyComparisons, double AllPairs,
    long ScoredPairs, long Links, long MergesRefused, long NewPersonIds, TimeSpan Elapsed)
{
    public long Persons => WorkerPersons + ClientPersons;
}

/// <summary>Links accounts into persons (workers) and organisations (clients) across platforms: exact keyed hashes
/// plus fuzzy matching of CLK encodings, scored Fellegi–Sunter style, clustered with a guard against chaining, and
/// numbered stably across runs.</summary>
/// <remarks>
/// Pipeline (each stage a table or an in-memory step over compact arrays):
/// <list type="number">
/// <item><c>int_link_accounts</c> (SQL): one row per account with a dense index and integer ids for its keyed hashes.</item>
/// <item>Candidates: accounts sharing a keyed hash (star edges to the group's first account), and accounts sharing
/// a bucket in any LSH band over the CLK's set bits (MinHash, Broder 1997; banding as in Leskovec, Rajaraman and Ullman, ch. 3). Bands are sorted arrays, not a SQL self-join, so the candidate pairs never
/// materialise: each is compared (Dice by popcount) as it is found, and only pairs above a floor are kept.</item>
/// <item>Scoring: the sum of Fellegi–Sunter weights (<see cref="LinkageSettings"/>); pairs at or above the threshold are links.</item>
/// <item>Clustering per kind: links in order of weight, merged by union-find unless the merged cluster would exceed
/// the size cap or, for a link without keyed-hash evidence, hold two accounts of the same platform (the chaining guard).</item>
/// <item>Person ids: each cluster takes the oldest id its accounts held in <c>person_registry</c>; new clusters get new ids.</item>
/// </list>
/// Writes <c>int_account_persons</c>, <c>int_account_links</c> (rule = the evidence, score = the weight) and <c>person_registry</c>.
/// </remarks>
public sealed class PersonLinker(Warehouse warehouse, LinkageSettings? settings = null, IProgress<string>? progress = null)
{
    private readonly LinkageSettings settings = settings ?? new LinkageSettings();
    private const int Words = ClkEncoder.FoldedWords;
    private const int IndexBits = 24;
    private const ulong IndexMask = (1UL << IndexBits) - 1;

    public PersonLinkageSummary Link(CancellationToken ct = default)
    {
        var timer = Stopwatch.StartNew();
        LinkageTables.EnsureSchema(warehouse);
        warehouse.Execute("create or replace table int_link_accounts as\n" + LinkageTables.Sql("int_link_accounts.sql"));
        const int Stages = 4; // loaded, candidates, scored and clustered, written and tested
        progress.Advance("link", 0, Stages, "stages");
        var accounts = LoadAccounts();
        var n = accounts.Count;
        progress.Advance("link", 1, Stages, "stages");
        progress?.Report($"{n:N0} accounts loaded ({timer.Elapsed.TotalSeconds:F1} s)");

        var pairs = new ConcurrentDictionary<long, double>(); // (a << 32 | b) → Dice (NaN: no encoding on one side)
        var exact = ExactCandidates(accounts, pairs);
        var comparisons = FuzzyCandidates(accounts, pairs, ct);
        progress?.Report($"{exact:N0} exact and {comparisons:N0} fuzzy comparisons; {pairs.Count:N0} pairs to score ({timer.Elapsed.TotalSeconds:F1} s)");
        progress.Advance("link", 2, Stages, "stages");

        var links = new List<ScoredLink>();
        foreach (var (key, dice) in pairs)
        {
            var (a, b) = ((int)(key >> 32), (int)(key & 0xFFFFFFFF));
            var (weight, hashAgrees) = Score(accounts, a, b, dice, evidence: null);
            if (weight < settings.Threshold) continue;
            var evidence = new List<string>(6);
            Score(accounts, a, b, dice, evidence);
            links.Add(new ScoredLink(a, b, weight, hashAgrees, (hashAgrees ? "exact;" : "fuzzy;") + string.Join(";", evidence)));
        }
        var scored = pairs.Count;
        pairs.Clear();
        links.Sort((x, y) => y.Weight != x.Weight ? y.Weight.CompareTo(x.Weight) : x.A != y.A ? x.A.CompareTo(y.A) : x.B.CompareTo(y.B));

        var (sets, accepted, refused) = Cluster(accounts, links);
        var (personIds, newIds) = AssignPersonIds(accounts, sets);
        progress?.Report($"{links.Count:N0} links scored, clustered and numbered ({timer.Elapsed.TotalSeconds:F1} s)");
        progress.Advance("link", 3, Stages, "stages");
        Write(accounts, accepted, personIds);
        new SqlModelRunner(warehouse).Run([], LinkageTables.Tests);
        progress?.Report($"written and tested ({timer.Elapsed.TotalSeconds:F1} s)");
        progress.Advance("link", Stages, Stages, "stages");

        var workerPersons = Enumerable.Range(0, n).Where(i => accounts.IsWorker[i]).Select(i => personIds[i]).Distinct().LongCount();
        var clientPersons = Enumerable.Range(0, n).Where(i => !accounts.IsWorker[i]).Select(i => personIds[i]).Distinct().LongCount();
        var workers = accounts.IsWorker.LongCount(w => w);
        var allPairs = workers * (workers - 1) / 2.0 + (n - workers) * (double)(n - workers - 1) / 2.0;
        return new PersonLinkageSummary(n, workerPersons, clientPersons, exact, comparisons, allPairs, scored, accepted.Count, refused, newIds, timer.Elapsed);
    }

    private AccountArrays LoadAccounts()
    {
        var count = warehouse.Scalar<long>("select count(*) from int_link_accounts");
        var a = new AccountArrays((int)count);
        // The small attributes arrive packed in one integer: one reader call instead of six, and no strings to parse
        // (the reader's per-value cost dominates loading two million rows).
        using var reader = warehouse.Query("""
            with platforms as (select list(distinct platform_id order by platform_id) as ids from int_link_accounts)
            select account_index,
                   (case when kind = 'worker' then 1 else 0 end)
                   | (cast(prefecture as bigint) << 1)
                   | ((age_band_code + 1) << 7)
                   | ((gender_code + 1) << 11)
                   | (cast(list_position(platforms.ids, platform_id) as bigint) << 14) as packed,
                   email_id, phone_id, corporate_number_id, identity_clk
            from int_link_accounts, platforms
            order by account_index
            """);
        Span<ulong> words = stackalloc ulong[Words];
        while (reader.Read())
        {
            var i = (int)reader.GetInt64(0);
            var packed = reader.GetInt64(1);
            a.IsWorker[i] = (packed & 1) == 1;
            a.Prefecture[i] = (byte)(packed >> 1 & 0x3F);
            a.AgeBand[i] = (sbyte)((packed >> 7 & 0xF) - 1);
            a.Gender[i] = (sbyte)((packed >> 11 & 0x7) - 1);
            a.Platform[i] = checked((short)(packed >> 14));
            a.Email[i] = reader.GetInt64(2);
            a.Phone[i] = reader.GetInt64(3);
            a.Corporate[i] = reader.GetInt64(4);
            if (!reader.IsDBNull(5) && ClkEncoder.TryDecode(reader.GetString(5), words))
            {
                a.HasClk[i] = true;
                words.CopyTo(a.Clk.AsSpan(i * Words, Words));
            }
        }
        return a;
    }

    /// <summary>Accounts of one kind sharing a keyed hash: each is paired with the group's first account (enough to connect the group).</summary>
    private static long ExactCandidates(AccountArrays a, ConcurrentDictionary<long, double> pairs)
    {
        long count = 0;
        foreach (var ids in new[] { a.Email, a.Phone, a.Corporate })
        {
            var order = Enumerable.Range(0, a.Count).Where(i => ids[i] != 0).ToArray();
            var keys = order.Select(i => (ids[i], a.IsWorker[i])).ToArray();
            Array.Sort(keys, order);
            for (var start = 0; start < order.Length;)
            {
                var end = start + 1;
                while (end < order.Length && keys[end] == keys[start]) end++;
                var anchor = order[start];
                for (var j = start + 1; j < end; j++)
                {
                    var other = order[j];
                    pairs.TryAdd(PairKey(anchor, other), a.Dice(anchor, other));
                    count++;
                }
                start = end;
            }
        }
        return count;
    }

    /// <summary>MinHash LSH over the set bits: per band, accounts sorted by (kind, their band key); each bucket's pairs are compared.</summary>
    /// <remarks>
    /// A band key combines <see cref="LinkageSettings.HashesPerBand"/> min-hashes; two encodings share a min-hash with
    /// probability equal to their Jaccard similarity J = D / (2 − D). Unlike sampling raw bits, sparse encodings (few
    /// fields given, organisations) do not collide with each other more often, so buckets stay small.
    /// </remarks>
    private long FuzzyCandidates(AccountArrays a, ConcurrentDictionary<long, double> pairs, CancellationToken ct)
    {
        if (a.Count > (int)IndexMask) throw new NotSupportedException($"{a.Count:N0} accounts: fuzzy blocking packs account indices into {IndexBits} bits.");
        var encoded = Enumerable.Range(0, a.Count).Where(i => a.HasClk[i]).ToArray();
        var (workerFloor, organisationFloor) = (settings.FuzzyFloor(settings.DiceLevels), settings.FuzzyFloor(settings.OrganisationDiceLevels));
        var orders = Permutations(settings.Bands * settings.HashesPerBand);
        long comparisons = 0;
        Parallel.For(0, settings.Bands, new ParallelOptions { CancellationToken = ct }, () => 0L, (band, _, local) =>
        {
            // One array to sort: kind (1 bit), the band key's top 39 bits, the account index (24 bits). A sort of
            // primitives is about twice as fast as sorting keys with items; two band keys sharing 39 bits only add
            // a few comparisons.
            var packed = new ulong[encoded.Length];
            for (var e = 0; e < encoded.Length; e++)
            {
                var i = encoded[e];
                var clk = a.Clk.AsSpan(i * Words, Words);
                var key = 0xCBF29CE484222325UL;
                for (var h = 0; h < settings.HashesPerBand; h++)
                {
                    var order = orders[band * settings.HashesPerBand + h];
                    var min = 0;
                    while (min < order.Length && (clk[order[min] >> 6] >> (order[min] & 63) & 1UL) == 0) min++;
                    key = unchecked((key ^ (ulong)min) * 0x100000001B3UL); // FNV-1a over the band's min-hashes
                }
                packed[e] = (a.IsWorker[i] ? 1UL << 63 : 0UL) | (key >> 25 << IndexBits) | (uint)i;
            }
            Array.Sort(packed);
            for (var start = 0; start < packed.Length;)
            {
                var bucket = packed[start] >> IndexBits;
                var end = start + 1;
                while (end < packed.Length && packed[end] >> IndexBits == bucket) end++;
                if (end - start <= settings.MaxBucketSize)
                {
                    for (var x = start; x < end; x++)
                        for (var y = x + 1; y < end; y++)
                        {
                            var (ix, iy) = ((int)(packed[x] & IndexMask), (int)(packed[y] & IndexMask));
                            var dice = a.Dice(ix, iy);
                            local++;
                            if (dice >= (a.IsWorker[ix] ? workerFloor : organisationFloor)) pairs.TryAdd(PairKey(ix, iy), dice);
                        }
                }
                start = end;
            }
            return local;
        }, local => Interlocked.Add(ref comparisons, local));
        return comparisons;
    }

    /// <summary>The min-hash permutations of the 512 bit positions: fixed (seeded), so runs and machines agree.</summary>
    private static short[][] Permutations(int count)
    {
        var rng = new Random(20_090_101); // fixed: the band definitions are part of the linkage rules, not random per run
        return [.. Enumerable.Range(0, count).Select(_ =>
            Enumerable.Range(0, ClkEncoder.FoldedBytes * 8).Select(b => (short)b).OrderBy(_ => rng.Next()).ToArray())];
    }

    /// <summary>The pair's summed weight; with <paramref name="evidence"/>, also what each comparison found (only for links: strings cost).</summary>
    private (double Weight, bool HashAgrees) Score(AccountArrays a, int x, int y, double dice, List<string>? evidence)
    {
        var weight = 0.0;
        var hashAgrees = false;
        void Compare(string name, long[] ids, (double Agree, double Disagree) w)
        {
            if (ids[x] == 0 || ids[y] == 0) return;
            var agree = ids[x] == ids[y];
            hashAgrees |= agree;
            weight += agree ? w.Agree : w.Disagree;
            evidence?.Add(name + (agree ? "=agree" : "=differ"));
        }
        Compare("email_hmac", a.Email, settings.Email);
        Compare("phone_hmac", a.Phone, settings.Phone);
        Compare("corporate_number_hmac", a.Corporate, settings.CorporateNumber);
        if (!double.IsNaN(dice))
        {
            foreach (var (minDice, w) in a.IsWorker[x] ? settings.DiceLevels : settings.OrganisationDiceLevels)
                if (dice >= minDice) { weight += w; break; }
            evidence?.Add(string.Create(CultureInfo.InvariantCulture, $"clk_dice={dice:F3}"));
        }
        void CompareCode(string name, sbyte[] codes, (double Agree, double Disagree) w)
        {
            if (codes[x] < 0 || codes[y] < 0) return;
            weight += codes[x] == codes[y] ? w.Agree : w.Disagree;
            evidence?.Add(name + (codes[x] == codes[y] ? "=agree" : "=differ"));
        }
        CompareCode("age_band", a.AgeBand, settings.AgeBand);
        CompareCode("gender", a.Gender, settings.Gender);
        var samePrefecture = a.Prefecture[x] == a.Prefecture[y];
        weight += samePrefecture ? settings.Prefecture.Agree : settings.Prefecture.Disagree;
        evidence?.Add(samePrefecture ? "prefecture=agree" : "prefecture=differ");
        return (weight, hashAgrees);
    }

    private (DisjointSets Sets, List<ScoredLink> Accepted, long Refused) Cluster(AccountArrays a, List<ScoredLink> links)
    {
        var sets = new DisjointSets(a.Count);
        var platformsOf = new Dictionary<int, HashSet<short>>();
        HashSet<short> Platforms(int root) =>
            platformsOf.TryGetValue(root, out var p) ? p : platformsOf[root] = [a.Platform[root]];
        var accepted = new List<ScoredLink>();
        long refused = 0;
        foreach (var link in links)
        {
            var (ra, rb) = (sets.Find(link.A), sets.Find(link.B));
            if (ra == rb) { accepted.Add(link); continue; }
            var (pa, pb) = (Platforms(ra), Platforms(rb));
            // Chaining guard: a fuzzy link may not put two accounts of one platform together, and no link grows a cluster past the cap.
            if (sets.Size(ra) + sets.Size(rb) > settings.MaxClusterSize || !link.HashAgrees && pa.Overlaps(pb))
            {
                refused++;
                continue;
            }
            sets.Union(ra, rb);
            var root = sets.Find(ra);
            var merged = pa.Count >= pb.Count ? pa : pb;
            merged.UnionWith(pa.Count >= pb.Count ? pb : pa);
            platformsOf.Remove(ra);
            platformsOf.Remove(rb);
            platformsOf[root] = merged;
            accepted.Add(link);
        }
        return (sets, accepted, refused);
    }

    /// <summary>Each cluster keeps the oldest person id any of its accounts held; clusters are visited in account order, so the result is deterministic.</summary>
    private (long[] PersonIds, long NewIds) AssignPersonIds(AccountArrays a, DisjointSets sets)
    {
        var previous = new long[a.Count];
        using (var reader = warehouse.Query(
                   "select l.account_index, r.person_id from int_link_accounts as l join person_registry as r using (platform_id, account_id, kind)"))
            while (reader.Read()) previous[reader.GetInt64(0)] = reader.GetInt64(1);
        var next = warehouse.Scalar<long>("select coalesce(max(person_id), 0) from person_registry") + 1;

        var oldIdsOfRoot = new Dictionary<int, SortedSet<long>>();
        for (var i = 0; i < a.Count; i++)
        {
            if (previous[i] == 0) continue;
            var root = sets.Find(i);
            if (!oldIdsOfRoot.TryGetValue(root, out var ids)) oldIdsOfRoot[root] = ids = [];
            ids.Add(previous[i]);
        }
        var claimed = new HashSet<long>();
        var idOfRoot = new Dictionary<int, long>();
        var personIds = new long[a.Count];
        long newIds = 0;
        for (var i = 0; i < a.Count; i++)
        {
            var root = sets.Find(i);
            if (!idOfRoot.TryGetValue(root, out var id))
            {
                id = oldIdsOfRoot.TryGetValue(root, out var old) ? old.FirstOrDefault(o => !claimed.Contains(o)) : 0;
                if (id == 0) { id = next++; newIds++; }
                claimed.Add(id);
                idOfRoot[root] = id;
            }
            personIds[i] = id;
        }
        return (personIds, newIds);
    }

    private void Write(AccountArrays a, List<ScoredLink> links, long[] personIds)
    {
        using var transaction = warehouse.Connection.BeginTransaction();
        warehouse.Execute("""
            create or replace temp table link_person_ids (account_index bigint, person_id bigint);
            create or replace temp table link_edges (account_index_a bigint, account_index_b bigint, rule varchar, score double);
            """);
        using (var appender = warehouse.Connection.CreateAppender("link_person_ids"))
            for (var i = 0; i < a.Count; i++)
                appender.CreateRow().AppendValue((long)i).AppendValue(personIds[i]).EndRow();
        using (var appender = warehouse.Connection.CreateAppender("link_edges"))
            foreach (var link in links)
                appender.CreateRow().AppendValue((long)link.A).AppendValue((long)link.B).AppendValue(link.Rule).AppendValue(Math.Round(link.Weight, 3)).EndRow();
        warehouse.Execute("""
            delete from int_account_persons;
            delete from int_account_links;
            insert into int_account_persons
                select l.platform_id, l.account_id, l.kind, p.person_id
                from int_link_accounts as l join link_person_ids as p using (account_index);
            -- Rewritten rather than upserted: accounts seen before keep their row, current ones get today's id.
            create or replace temp table person_registry_next as
                select r.* from person_registry as r anti join int_account_persons using (platform_id, account_id, kind)
                union all
                select platform_id, account_id, kind, person_id from int_account_persons;
            delete from person_registry;
            insert into person_registry select * from person_registry_next;
            drop table person_registry_next;
            insert into int_account_links
                select a.kind, a.platform_id, a.account_id, b.platform_id, b.account_id, e.rule, e.score
                from link_edges as e
                join int_link_accounts as a on a.account_index = e.account_index_a
                join int_link_accounts as b on b.account_index = e.account_index_b;
            drop table link_person_ids;
            drop table link_edges;
            """);
        transaction.Commit();
    }

    private static long PairKey(int a, int b) => a < b ? (long)a << 32 | (uint)b : (long)b << 32 | (uint)a;

    private readonly record struct ScoredLink(int A, int B, double Weight, bool HashAgrees, string Rule);

    /// <summary>The accounts as compact arrays: about 90 bytes each, so two million fit in under 200 MB.</summary>
    private sealed class AccountArrays(int count)
    {
        public int Count { get; } = count;
        public bool[] IsWorker { get; } = new bool[count];
        public short[] Platform { get; } = new short[count];
        public byte[] Prefecture { get; } = new byte[count];
        public long[] Email { get; } = new long[count];
        public long[] Phone { get; } = new long[count];
        public long[] Corporate { get; } = new long[count];
        public bool[] HasClk { get; } = new bool[count];
        public sbyte[] AgeBand { get; } = new sbyte[count];
        public sbyte[] Gender { get; } = new sbyte[count];
        public ulong[] Clk { get; } = new ulong[(long)count * Words];

        public double Dice(int x, int y) =>
            HasClk[x] && HasClk[y] ? ClkEncoder.Dice(Clk.AsSpan(x * Words, Words), Clk.AsSpan(y * Words, Words)) : double.NaN;
    }
}
