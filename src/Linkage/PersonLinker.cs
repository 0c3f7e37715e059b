using System.Buffers.Binary;
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
    long ScoredPairs, long Links, long MergesRefused, long NewPersonIds, TimeSpan Elapsed, IReadOnlyList<LinkageStage> Stages,
    long RunId = 0, IReadOnlyList<KindParameters>? Parameters = null, long SamePlatformLinks = 0, LinkageDiagnostics? Diagnostics = null,
    long BirthDateComparisons = 0, double SamePlatformThreshold = double.NaN, long MutualBestLinks = 0)
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
/// <item>Scoring: Fellegi–Sunter match weights over the comparison table (<see cref="ComparisonTable"/>), u from random
/// pairs and m and λ by EM on each run (<see cref="FellegiSunterModel"/>); pairs at or above the threshold are links;
/// the parameters are saved per run in <c>link_parameters</c>.</item>
/// <item>Clustering per kind: links in order of weight, merged by union-find unless the merged cluster would exceed
/// the size cap or, for a link without keyed-hash evidence and below the same-platform threshold, hold two accounts of
/// the same platform (the chaining guard).</item>
/// <item>Person ids: each cluster takes the oldest id its accounts held in <c>person_registry</c>; new clusters get new ids.</item>
/// </list>
/// Writes <c>int_account_persons</c>, <c>int_account_links</c> (rule = the evidence, score = the weight) and <c>person_registry</c>.
/// </remarks>
/// <param name="keepDiagnostics">Keep the accounts, candidate pairs and models in the summary for <c>link --evaluate</c>
/// (blocking recall, the match-weight distribution); about 100 bytes per account stay in memory.</param>
public sealed class PersonLinker(Warehouse warehouse, LinkageSettings? settings = null, IProgress<string>? progress = null,
    TimeProvider? clock = null, bool keepDiagnostics = false)
{
    private readonly LinkageSettings settings = settings ?? new LinkageSettings();
    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    /// <summary>An experiment only (<c>bench --linkage --cleartext</c>): given the warehouse once <c>int_link_accounts</c>
    /// exists, the name fields' cleartext bigram Dice by account index (<see cref="LinkAccounts.CleartextFieldDice"/>).</summary>
    internal Func<Warehouse, Func<int, int, int, double>>? CleartextExperiment { get; init; }

    public PersonLinkageSummary Link(CancellationToken ct = default)
    {
        var timer = Stopwatch.StartNew();
        var stages = new LinkageStageTimer();
        LinkageTables.EnsureSchema(warehouse);
        // A view, not a table: the numbering costs a fraction of a second to compute, while storing two million rows
        // with their encodings cost several seconds (issue 12); it stays queryable for "why these two?" questions.
        if (warehouse.StoredObjectType("int_link_accounts") == "BASE TABLE")
            warehouse.Execute("drop table int_link_accounts"); // a database linked before the view
        warehouse.Execute("create or replace view int_link_account_fields as\n" + LinkageTables.Sql("int_link_account_fields.sql") + ";\n"
            + "create or replace view int_link_accounts as\n" + LinkageTables.Sql("int_link_accounts.sql"));
        stages.End("int_link_accounts (SQL view)");
        // The accounts' keys by index, stored once (narrow: the window sorts three columns): the person ids and the write
        // join on it instead of evaluating the wide view again, three times as they did (issue 12).
        warehouse.Execute("create or replace temp table link_account_keys as select account_index, platform_id, account_id, kind from int_link_accounts");
        stages.End("account keys");
        const int Stages = 4; // loaded, candidates, scored and clustered, written and tested
        progress.Advance("link", 0, Stages, "stages");
        var accounts = LoadAccounts(warehouse);
        if (CleartextExperiment is { } experiment) accounts.CleartextFieldDice = experiment(warehouse);
        var n = accounts.Count;
        stages.End("load accounts");
        progress.Advance("link", 1, Stages, "stages");
        progress?.Report($"{n:N0} accounts loaded ({timer.Elapsed.TotalSeconds:F1} s)");

        var (exactPairs, exact) = ExactCandidates(accounts);
        stages.End("exact candidates");
        var (fuzzyPairs, comparisons) = LshBlocking.Candidates(accounts, settings, ct);
        stages.End("fuzzy candidates (LSH + Dice)");
        var (namePairs, nameComparisons) = LshBlocking.NameCandidates(accounts, settings, ct);
        comparisons += nameComparisons;
        stages.End("name-field candidates (LSH + Dice, contract v2)");
        var (birthDatePairs, birthDateComparisons) = BirthDateCandidates(accounts, settings);
        stages.End("birth-date blocks (contract v2)");
        var (nameBlockPairs, nameBlockComparisons) = NameFieldBlocks.Candidates(accounts, settings, ct);
        birthDateComparisons += nameBlockComparisons;
        stages.End("name-field blocks (contract v2)");
        // After the blocks, not beside the record pass: the record pass's garbage is collected by then, and its buffers
        // and this pass's at once put the linker's peak over 8 GB at ten million accounts (session 25).
        var (partialPairs, partialComparisons) = LshBlocking.PartialCandidates(accounts, settings, ct);
        comparisons += partialComparisons;
        stages.End("partial-record candidates (LSH over the firm's name, contract v2)");
        var pairs = PairKeys.SortedUnion([exactPairs, fuzzyPairs, namePairs, partialPairs, birthDatePairs, nameBlockPairs]);
        progress?.Report($"{exact:N0} exact and {comparisons:N0} fuzzy comparisons; {pairs.Length:N0} pairs to score ({timer.Elapsed.TotalSeconds:F1} s)");
        progress.Advance("link", 2, Stages, "stages");

        long[]? patternOfPair = new long[pairs.Length];
        FellegiSunterModel[] models =
        [
            FellegiSunterModel.Estimate(workers: true, accounts, pairs, patternOfPair, settings, ct),
            FellegiSunterModel.Estimate(workers: false, accounts, pairs, patternOfPair, settings, ct),
        ];
        stages.End("estimate m, u and lambda (random pairs, EM)");
        foreach (var warning in models.SelectMany(m => m.Parameters.Warnings)) progress?.Report("warning: " + warning);
        var (links, pairWeights) = ScoreLinks(accounts, pairs, patternOfPair, models, ct);
        patternOfPair = null; // each link carries its pattern: let the collector have the pairs' before clustering
        var scoredLinks = links.Length;
        stages.End("score and sort links");
        var samePlatform = SamePlatformPrior.Estimate(accounts, exactPairs, settings);
        var samePlatformThreshold = samePlatform.Link;
        var (sets, accepted, refused, samePlatformLinks, mutualBestLinks) = Cluster(accounts, links, samePlatform, pairs, pairWeights, models, stages);
        stages.End("mutual best pairs below the threshold");
        var (personIds, previousIds, newIds) = AssignPersonIds(accounts, sets);
        stages.End("person ids");
        progress?.Report($"{scoredLinks:N0} links scored, clustered and numbered ({timer.Elapsed.TotalSeconds:F1} s)");
        progress.Advance("link", 3, Stages, "stages");
        Write(accounts, accepted, personIds, previousIds, models, stages);
        var runId = LinkParameters.Write(warehouse, clock.GetUtcNow(), [.. models.Select(m => m.Parameters)]);
        stages.End("write: link_parameters");
        new SqlModelRunner(warehouse).Run([], LinkageTables.Tests);
        LinkageFreshness.Record(warehouse, settings); // a refresh after a transactions file may now skip linking
        stages.End("data tests");
        progress?.Report($"written and tested ({timer.Elapsed.TotalSeconds:F1} s)");
        progress.Advance("link", Stages, Stages, "stages");

        var workerPersons = Enumerable.Range(0, n).Where(i => accounts.IsWorker[i]).Select(i => personIds[i]).Distinct().LongCount();
        var clientPersons = Enumerable.Range(0, n).Where(i => !accounts.IsWorker[i]).Select(i => personIds[i]).Distinct().LongCount();
        var workers = accounts.IsWorker.LongCount(w => w);
        var allPairs = workers * (workers - 1) / 2.0 + (n - workers) * (double)(n - workers - 1) / 2.0;
        stages.End("summary counts");
        return new PersonLinkageSummary(n, workerPersons, clientPersons, exact, comparisons, allPairs, pairs.Length, accepted.Count, refused, newIds,
            timer.Elapsed, stages.Stages, runId, [.. models.Select(m => m.Parameters)], samePlatformLinks,
            keepDiagnostics ? new LinkageDiagnostics(accounts, pairs, pairWeights, models, settings, accepted.Where(l => l.MutualBest).Select(l => PairKeys.Of(l.A, l.B)).ToHashSet()) : null, birthDateComparisons, samePlatformThreshold,
            mutualBestLinks);
    }

    /// <summary>The accounts of <c>int_link_accounts</c> (built by <see cref="Link"/>) as compact arrays, index for index.</summary>
    internal static LinkAccounts LoadAccounts(Warehouse warehouse)
    {
        var count = warehouse.Scalar<long>("select count(*) from int_link_account_fields");
        var a = new LinkAccounts((int)count);
        // The small attributes arrive packed in one integer: one reader call instead of six, and no strings to parse
        // (the reader's per-value cost dominates loading two million rows).
        // The record encoding and the four name-field encodings arrive as one blob of raw bytes (decoded from base64 by
        // DuckDB; a missing field as zeros, which is how a field without set bits reads anyway), whether each is there
        // in two bits of the packed integer: one reader call per account instead of a string and a stream (issue 12).
        // The rows come in the view's order (kind, platform_id, account_id) without its window: the position is the
        // index. Numbering the wide rows with row_number() cost most of the load (20 s CPU at two million accounts,
        // against a second for sorting them, issue 12).
        string Zeros(int bytes) => "'" + string.Concat(Enumerable.Repeat(@"\x00", bytes)) + "'::blob";
        var zeros = Zeros(FieldClkEncoder.FoldedBytes);
        using var reader = warehouse.Query(string.Format(CultureInfo.InvariantCulture, """
            with platforms as (select list(distinct platform_id order by platform_id) as ids from int_link_account_fields),
            decoded as (
                select *, try(from_base64(identity_clk)) as record_clk,
                       coalesce(family_name_clk, given_name_clk, family_name_kana_clk, given_name_kana_clk) is not null as has_fields
                from int_link_account_fields
            )
            select (case when kind = 'worker' then 1 else 0 end)
                   | (cast(prefecture as bigint) << 1)
                   | ((age_band_code + 1) << 7)
                   | ((gender_code + 1) << 11)
                   | (cast(list_position(platforms.ids, platform_id) as bigint) << 14)
                   | (case when octet_length(record_clk) = {2} then 1::bigint else 0 end << 40)
                   | (case when has_fields then 1::bigint else 0 end << 41) as packed,
                   email_id, phone_id, corporate_number_id, birth_date_id, birth_year_id,
                   birth_year_month_id, birth_month_day_id, birth_date_unordered_id,
                   case when octet_length(record_clk) = {2} then record_clk else {1} end
                     || {3} as encodings
            from decoded, platforms
            order by kind, platform_id, account_id
            """, zeros, Zeros(ClkEncoder.FoldedBytes), ClkEncoder.FoldedBytes,
            string.Join(" || ", LinkAccounts.NameFieldColumns.Select(c => $"coalesce(case when octet_length({c}) = {FieldClkEncoder.FoldedBytes} then {c} end, {zeros})"))));
        Span<ulong> words = stackalloc ulong[LinkAccounts.Words];
        const int fieldBytes = LinkAccounts.FieldWords * sizeof(ulong);
        Span<byte> encodings = stackalloc byte[ClkEncoder.FoldedBytes + LinkAccounts.NameFields * fieldBytes];
        var fields = encodings[ClkEncoder.FoldedBytes..];
        for (var i = 0; reader.Read(); i++)
        {
            var packed = reader.GetInt64(0);
            a.IsWorker[i] = (packed & 1) == 1;
            a.Prefecture[i] = (byte)(packed >> 1 & 0x3F);
            a.AgeBand[i] = (sbyte)((packed >> 7 & 0xF) - 1);
            a.Gender[i] = (sbyte)((packed >> 11 & 0x7) - 1);
            a.Platform[i] = checked((short)(packed >> 14 & 0x7FFF));
            a.Email[i] = reader.GetInt64(1);
            a.Phone[i] = reader.GetInt64(2);
            a.Corporate[i] = reader.GetInt64(3);
            a.BirthDate[i] = reader.GetInt64(4);
            a.BirthYear[i] = reader.GetInt64(5);
            a.BirthYearMonth[i] = reader.GetInt64(6);
            a.BirthMonthDay[i] = reader.GetInt64(7);
            a.BirthDateUnordered[i] = reader.GetInt64(8);
            var (hasClk, hasFields) = ((packed >> 40 & 1) == 1, (packed >> 41 & 1) == 1);
            if (!hasClk && !hasFields) continue;
            using var blob = reader.GetStream(9);
            if (blob.Length != encodings.Length) continue; // each part has its length by construction
            blob.ReadExactly(encodings);
            if (hasClk)
            {
                for (var w = 0; w < LinkAccounts.Words; w++) words[w] = BinaryPrimitives.ReadUInt64LittleEndian(encodings[(w * sizeof(ulong))..]);
                a.SetClk(i, words);
            }
            if (hasFields)
                for (var f = 0; f < LinkAccounts.NameFields; f++)
                    a.SetFieldClk(i, f, fields.Slice(f * fieldBytes, fieldBytes));
        }
        return a;
    }

    /// <summary>Accounts of one kind sharing a keyed hash: each is paired with the group's first account (enough to connect the
    /// group). Also counts each value's holders (<see cref="LinkAccounts.EmailCount"/> and the like) for term frequencies.</summary>
    /// <returns>The pairs (sorted, distinct) and how many there were before pairs found by two hashes were merged.</returns>
    private static (long[] Pairs, long Count) ExactCandidates(LinkAccounts a)
    {
        var pairs = new List<long>();
        foreach (var (ids, counts) in new[] { (a.Email, a.EmailCount), (a.Phone, a.PhoneCount), (a.Corporate, a.CorporateCount) })
        {
            var order = Enumerable.Range(0, a.Count).Where(i => ids[i] != 0).ToArray();
            var keys = order.Select(i => (ids[i], a.IsWorker[i])).ToArray();
            Array.Sort(keys, order);
            for (var start = 0; start < order.Length;)
            {
                var end = start + 1;
                while (end < order.Length && keys[end] == keys[start]) end++;
                for (var j = start + 1; j < end; j++) pairs.Add(PairKeys.Of(order[start], order[j]));
                for (var j = start; j < end; j++) counts[order[j]] = end - start; // the value's term frequency
                start = end;
            }
        }
        var all = pairs.ToArray();
        return (all[..PairKeys.SortUnique(all, all.Length)], all.Length);
    }

    /// <summary>Contract v2's blocks: accounts of one kind sharing a birth date, paired when some name field's encodings
    /// reach <see cref="LinkageSettings.NameBlockingFloor"/> (LSH over the record encoding misses pairs whose names
    /// differ by a typo or two, issue 13). Also counts each date's holders, the birth date's term frequency.</summary>
    private static (long[] Pairs, long Comparisons) BirthDateCandidates(LinkAccounts a, LinkageSettings settings)
    {
        var order = Enumerable.Range(0, a.Count).Where(i => a.BirthDate[i] != 0).ToArray();
        var keys = order.Select(i => (a.BirthDate[i], a.IsWorker[i])).ToArray();
        Array.Sort(keys, order);
        var blocks = new List<(int Start, int End)>();
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && keys[end] == keys[start]) end++;
            for (var j = start; j < end; j++) a.BirthDateCount[order[j]] = end - start;
            if (end - start > 1 && end - start <= settings.MaxBirthDateBlock) blocks.Add((start, end));
            start = end;
        }
        var found = new long[blocks.Count][];
        long comparisons = 0;
        Parallel.For(0, blocks.Count, b =>
        {
            var kept = new List<long>();
            var (start, end) = blocks[b];
            for (var i = start; i < end; i++)
                for (var j = i + 1; j < end; j++)
                {
                    var (x, y) = (order[i], order[j]);
                    for (var f = 0; f < LinkAccounts.NameFields; f++)
                        if (a.FieldDice(f, x, y) >= settings.NameBlockingFloor) { kept.Add(PairKeys.Of(x, y)); break; }
                }
            found[b] = [.. kept];
            Interlocked.Add(ref comparisons, (end - start) * (end - start - 1L) / 2);
        });
        return (PairKeys.SortedUnion(found), comparisons);
    }

    /// <summary>Scores every candidate pair on all cores with its kind's model; returns the links (match weight at or
    /// above the threshold), strongest first, and every pair's weight (for the evaluation's distribution).</summary>
    /// <remarks>Two passes: the first weighs every pair and counts each chunk's links, the second writes them into one
    /// array of the exact size (the weight recomputed where its float is near the threshold or above). Lists per chunk
    /// and their concatenation held the links two to three times over at the linker's peak (issue 12).</remarks>
    private (ScoredLink[] Links, float[] PairWeights) ScoreLinks(LinkAccounts a, long[] pairs, long[] patternOfPair, FellegiSunterModel[] models, CancellationToken ct)
    {
        const int ChunkSize = 1 << 16;
        var chunks = (pairs.Length + ChunkSize - 1) / ChunkSize;
        var linksInChunk = new int[chunks];
        var pairWeights = new float[pairs.Length];
        var options = new ParallelOptions { CancellationToken = ct };
        double Weight(int k)
        {
            var (x, _) = PairKeys.Accounts(pairs[k]);
            return ModelOf(models, a, x).MatchWeight(x, patternOfPair[k]);
        }
        Parallel.For(0, chunks, options, c =>
        {
            for (var k = c * ChunkSize; k < Math.Min(pairs.Length, (c + 1) * ChunkSize); k++)
            {
                var weight = Weight(k);
                pairWeights[k] = (float)weight;
                if (weight >= settings.Threshold) linksInChunk[c]++;
            }
        });
        var firstOfChunk = new int[chunks + 1];
        for (var c = 0; c < chunks; c++) firstOfChunk[c + 1] = firstOfChunk[c] + linksInChunk[c];
        var links = new ScoredLink[firstOfChunk[chunks]];
        var nearThreshold = settings.Threshold - 0.01; // far wider than a float's rounding of a weight
        Parallel.For(0, chunks, options, c =>
        {
            var next = firstOfChunk[c];
            for (var k = c * ChunkSize; k < Math.Min(pairs.Length, (c + 1) * ChunkSize); k++)
            {
                if (pairWeights[k] < nearThreshold) continue;
                var weight = Weight(k);
                if (weight < settings.Threshold) continue;
                var (x, y) = PairKeys.Accounts(pairs[k]);
                links[next++] = new ScoredLink(x, y, weight, ModelOf(models, a, x).HashAgrees(patternOfPair[k]), patternOfPair[k]);
            }
        });
        Array.Sort(links, (x, y) => y.Weight != x.Weight ? y.Weight.CompareTo(x.Weight) : x.A != y.A ? x.A.CompareTo(y.A) : x.B.CompareTo(y.B));
        return (links, pairWeights);
    }

    /// <remarks>The pair's pattern is compared again (the pairs' patterns are let go before clustering; these links are few).</remarks>
    private static ScoredLink MutualBestLink(LinkAccounts a, long pair, float weight, FellegiSunterModel[] models)
    {
        var (x, y) = PairKeys.Accounts(pair);
        var model = ModelOf(models, a, x);
        var pattern = model.PatternOf(x, y);
        return new ScoredLink(x, y, weight, model.HashAgrees(pattern), pattern, MutualBest: true);
    }

    /// <remarks>After every link above the threshold, the pairs below it that the one-to-one rule lifts
    /// (<see cref="MutualBestPairs"/>), strongest first, only between clusters that share no platform.</remarks>
    /// <param name="samePlatform">The weight a link needs to join two accounts of one platform, and the weight each such
    /// pair needs on its own when the link is weaker (<see cref="SamePlatformPrior.Estimate"/>).</param>
    /// <param name="pairs">The candidate pairs (sorted) and their weights: the same-platform pairs' own evidence.</param>
    /// <returns>The accepted links above the threshold are the first of <paramref name="links"/>, in their order: written
    /// over the array as they are accepted (a list of them beside it grew to twice their size at the linker's peak, issue
    /// 12); the one-to-one rule's links, if any, follow them in a new array. Also how many accepted links joined two
    /// clusters holding accounts of one platform (within-platform duplicates), and how many mutual best pairs below the
    /// threshold were linked.</returns>
    private (DisjointSets Sets, ArraySegment<ScoredLink> Accepted, long Refused, long SamePlatform, long MutualBest) Cluster(LinkAccounts a, ScoredLink[] links,
        (double Link, double Pair) samePlatform, long[] pairs, float[] pairWeights, FellegiSunterModel[] models, LinkageStageTimer stages)
    {
        var sets = new DisjointSets(a.Count);
        var platformsOf = new Dictionary<int, HashSet<short>>();
        HashSet<short> Platforms(int root) =>
            platformsOf.TryGetValue(root, out var p) ? p : platformsOf[root] = [a.Platform[root]];
        var membersOf = new Dictionary<int, List<int>>();
        List<int> Members(int root) => membersOf.TryGetValue(root, out var m) ? m : membersOf[root] = [root];
        // The guard is against chaining, not against evidence (issue 13): a weak link may still join two clusters when
        // every pair of same-platform accounts it brings together is itself a candidate with the same-platform evidence
        // (a person's two records on one platform, each also linked to a third). At survey scale that evidence is +10
        // bits, so nothing changes there; on the held-out-like market the guard cut 127 of 1,795 true pairs.
        bool SamePlatformPairsAgree(List<int> left, List<int> right)
        {
            foreach (var x in left)
                foreach (var y in right)
                {
                    if (a.Platform[x] != a.Platform[y]) continue;
                    var k = Array.BinarySearch(pairs, PairKeys.Of(x, y));
                    if (k < 0 || pairWeights[k] < samePlatform.Pair) return false;
                }
            return true;
        }
        var accepted = 0;
        long refused = 0, samePlatformLinks = 0;
        foreach (var link in links)
        {
            var (ra, rb) = (sets.Find(link.A), sets.Find(link.B));
            if (ra == rb) { links[accepted++] = link; continue; }
            var (pa, pb) = (Platforms(ra), Platforms(rb));
            // Chaining guard: a link may put two accounts of one platform together only on a shared keyed hash or on
            // the same-platform threshold's evidence (SamePlatformPrior: a person's second account there), and no link
            // grows a cluster past the cap.
            var overlap = pa.Overlaps(pb);
            if (sets.Size(ra) + sets.Size(rb) > settings.MaxClusterSize
                || overlap && !link.HashAgrees && link.Weight < samePlatform.Link && !SamePlatformPairsAgree(Members(ra), Members(rb)))
            {
                refused++;
                continue;
            }
            if (overlap) samePlatformLinks++;
            Merge(ra, rb, pa, pb);
            links[accepted++] = link;
        }
        stages.End("cluster");
        // Below the threshold, the one-to-one rule: each account of the pair has no link on the other's platform.
        var mutualBestLinks = new List<ScoredLink>();
        var mutualBest = MutualBestPairs.Find(a, pairs, pairWeights, settings.Threshold, settings.MutualBestMaximumBits, sets.Find,
            membersOf, root => platformsOf.GetValueOrDefault(root));
        foreach (var link in mutualBest.Select(k => MutualBestLink(a, pairs[k], pairWeights[k], models)))
        {
            var (ra, rb) = (sets.Find(link.A), sets.Find(link.B));
            if (ra == rb) continue;
            var (pa, pb) = (Platforms(ra), Platforms(rb));
            if (sets.Size(ra) + sets.Size(rb) > settings.MaxClusterSize || pa.Overlaps(pb)) continue;
            Merge(ra, rb, pa, pb);
            mutualBestLinks.Add(link);
        }
        if (mutualBestLinks.Count == 0) return (sets, new ArraySegment<ScoredLink>(links, 0, accepted), refused, samePlatformLinks, 0);
        var all = new ScoredLink[accepted + mutualBestLinks.Count];
        Array.Copy(links, all, accepted);
        mutualBestLinks.CopyTo(all, accepted);
        return (sets, all, refused, samePlatformLinks, mutualBestLinks.Count);

        void Merge(int ra, int rb, HashSet<short> pa, HashSet<short> pb)
        {
            var (ma, mb) = (Members(ra), Members(rb));
            sets.Union(ra, rb);
            var root = sets.Find(ra);
            var members = ma.Count >= mb.Count ? ma : mb;
            members.AddRange(ma.Count >= mb.Count ? mb : ma);
            membersOf.Remove(ra);
            membersOf.Remove(rb);
            membersOf[root] = members;
            var merged = pa.Count >= pb.Count ? pa : pb;
            merged.UnionWith(pa.Count >= pb.Count ? pb : pa);
            platformsOf.Remove(ra);
            platformsOf.Remove(rb);
            platformsOf[root] = merged;
        }
    }

    /// <summary>Each cluster keeps the oldest person id any of its accounts held; clusters are visited in account order, so the result is deterministic.</summary>
    /// <returns>Also each account's id in <c>person_registry</c> before this run (0: not there), from which the write
    /// knows which registry rows change without joining the registry again.</returns>
    private (long[] PersonIds, long[] PreviousIds, long NewIds) AssignPersonIds(LinkAccounts a, DisjointSets sets)
    {
        var previous = new long[a.Count];
        using (var reader = warehouse.Query(
                   "select l.account_index, r.person_id from link_account_keys as l join person_registry as r using (platform_id, account_id, kind)"))
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
        return (personIds, previous, newIds);
    }

    /// <summary>Writes the three output tables in one transaction, each statement its own stage (issue 12's profile).</summary>
    private void Write(LinkAccounts a, ArraySegment<ScoredLink> links, long[] personIds, long[] previousIds, FellegiSunterModel[] models, LinkageStageTimer stages)
    {
        using var transaction = warehouse.Connection.BeginTransaction();
        warehouse.Execute("""
            create or replace temp table link_person_ids (account_index bigint, person_id bigint);
            create or replace temp table link_registry_changes (account_index bigint, person_id bigint);
            create or replace temp table link_edges (account_index_a bigint, account_index_b bigint, rule varchar, score double);
            """);
        using (var appender = warehouse.Connection.CreateAppender("link_person_ids"))
            for (var i = 0; i < a.Count; i++)
                appender.CreateRow().AppendValue((long)i).AppendValue(personIds[i]).EndRow();
        // Accounts seen before keep their registry row, current ones get today's id: only accounts whose id changed
        // and new ones are written (rewriting the whole registry each run cost seconds at two million accounts). The
        // person ids' step read each account's previous id, so the changes are known here: no join against the registry.
        // A first run (no account seen before) writes the registry as a copy of int_account_persons: appending two
        // million changes and joining them to the keys again cost 1.5 s more than that copy (issue 12, session 23).
        var firstRun = Array.TrueForAll(previousIds, id => id == 0);
        var replaced = 0L; // accounts whose registry row is replaced (the rest of the changes are new accounts)
        if (!firstRun)
            using (var appender = warehouse.Connection.CreateAppender("link_registry_changes"))
                for (var i = 0; i < a.Count; i++)
                    if (previousIds[i] != personIds[i])
                    {
                        appender.CreateRow().AppendValue((long)i).AppendValue(personIds[i]).EndRow();
                        if (previousIds[i] != 0) replaced++;
                    }
        // The audit trail's rules spelt out on every core, a chunk at a time (holding every link's rule at once cost
        // about 200 MB at two million accounts): on one core they were seconds of the write (issue 12).
        const int RuleChunk = 1 << 16;
        var rules = new string[Math.Min(RuleChunk, links.Count)];
        using (var appender = warehouse.Connection.CreateAppender("link_edges"))
            for (var start = 0; start < links.Count; start += RuleChunk)
            {
                var count = Math.Min(RuleChunk, links.Count - start);
                Parallel.For(0, count, k => rules[k] = Rule(a, links[start + k], models));
                for (var k = 0; k < count; k++)
                {
                    var link = links[start + k];
                    appender.CreateRow().AppendValue((long)link.A).AppendValue((long)link.B).AppendValue(rules[k]).AppendValue(Math.Round(link.Weight, 3)).EndRow();
                }
            }
        stages.End("write: append");
        warehouse.Execute("""
            delete from int_account_persons;
            insert into int_account_persons
                select l.platform_id, l.account_id, l.kind, p.person_id
                from link_account_keys as l join link_person_ids as p using (account_index);
            """);
        stages.End("write: int_account_persons");
        const string ChangedRows = """
            select l.platform_id, l.account_id, l.kind, c.person_id
            from link_registry_changes as c join link_account_keys as l using (account_index)
            """;
        if (replaced > 0) // none on a first run: every change is a new account
            warehouse.Execute($"""
                delete from person_registry as r using ({ChangedRows}) as c
                    where r.platform_id = c.platform_id and r.account_id = c.account_id and r.kind = c.kind;
                """);
        warehouse.Execute(firstRun
            ? "insert into person_registry (platform_id, account_id, kind, person_id) select platform_id, account_id, kind, person_id from int_account_persons"
            : "insert into person_registry " + ChangedRows);
        stages.End("write: person_registry");
        warehouse.Execute("""
            delete from int_account_links;
            insert into int_account_links
                select a.kind, a.platform_id, a.account_id, b.platform_id, b.account_id, e.rule, e.score
                from link_edges as e
                join link_account_keys as a on a.account_index = e.account_index_a
                join link_account_keys as b on b.account_index = e.account_index_b;
            drop table link_person_ids;
            drop table link_registry_changes;
            drop table link_edges;
            drop table link_account_keys;
            """);
        stages.End("write: int_account_links");
        transaction.Commit();
        stages.End("write: commit");
    }

    /// <summary>The audit trail's rule of a link: the evidence, level by level. Spelt out only for the accepted links, as
    /// they are written, rather than held as a string per scored link through scoring and clustering (issue 12).</summary>
    private static string Rule(LinkAccounts a, ScoredLink link, FellegiSunterModel[] models) =>
        (link.MutualBest ? "mutual-best;" : link.HashAgrees ? "exact;" : "fuzzy;") + string.Join(";", ModelOf(models, a, link.A).Evidence(link.A, link.B, link.Pattern));

    /// <summary>Workers and clients are scored by their own model (index 0 and 1), a pair always being of one kind.</summary>
    private static FellegiSunterModel ModelOf(FellegiSunterModel[] models, LinkAccounts a, int account) => models[a.IsWorker[account] ? 0 : 1];

    /// <param name="MutualBest">Linked below the threshold by the one-to-one rule (<see cref="MutualBestPairs"/>).</param>
    private readonly record struct ScoredLink(int A, int B, double Weight, bool HashAgrees, long Pattern, bool MutualBest = false);
}
