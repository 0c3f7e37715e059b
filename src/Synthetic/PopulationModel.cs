using MarketStats.Core.Domain;

namespace MarketStats.Synthetic;

internal enum EmailVariant : byte { Primary, Alternate, None }

/// <summary>One platform account of a person or organisation.</summary>
/// <remarks>Kept small: a 10M-row market has about a million accounts in memory.</remarks>
internal struct Account
{
    public int Person;
    public int PlannedRegisteredDay;
    public int FirstActiveDay;
    public int LastActiveDay;
    public EmailVariant Email;
    /// <summary>Which of the person's accounts this is (0 = first), so alternate e-mails differ per account.</summary>
    public byte Ordinal;
    public bool GivesPhone;
    /// <summary>Workers: age band and gender filled in; clients: corporate number given (where one exists).</summary>
    public bool GivesProfile;
    /// <summary>Register-only: never appears in a transaction.</summary>
    public bool Dormant;
    /// <summary>Typed in capitals on sign-up: normalisation must still give the same hash.</summary>
    public bool ShoutedEmail;

    public readonly bool HasActivity => FirstActiveDay != int.MaxValue;

    public void Touch(int day)
    {
        if (day < FirstActiveDay) FirstActiveDay = day;
        if (day > LastActiveDay) LastActiveDay = day;
    }
}

internal readonly record struct WorkerTraits(byte Prefecture, sbyte AgeBand, byte Gender);

internal readonly record struct ClientTraits(byte Prefecture, ClientType Type)
{
    public bool HasCorporateNumber => Type is ClientType.Corporation or ClientType.PublicBody;
}

/// <summary>The accounts of one kind on one platform, with the subset that actually transacts.</summary>
internal sealed class AccountBook
{
    public required bool IsWorker { get; init; }
    public required Account[] Accounts { get; init; }
    public required string[] Ids { get; init; }
    /// <summary>Indices of accounts that transact, by planned registration date; picks are skewed towards the front
    /// (long-standing members do most of the work).</summary>
    public required int[] Active { get; init; }
}

/// <summary>People and organisations, and their accounts on each platform, with planted cross-platform duplicates.</summary>
/// <remarks>
/// About 20% of workers and 10% of clients hold accounts on two to four platforms. Their extra accounts reuse the
/// same e-mail (exact-hash linkage finds them), or use another e-mail and sometimes the same phone, or share nothing
/// exact (only fuzzy linkage or nothing can find them).
/// </remarks>
internal sealed class PopulationModel
{
    private const double MultiPlatformWorkerShare = 0.20;
    private const double MultiPlatformClientShare = 0.10;

    public required WorkerTraits[] Workers { get; init; }
    public required ClientTraits[] Clients { get; init; }
    public required AccountBook[] WorkerBooks { get; init; }
    public required AccountBook[] ClientBooks { get; init; }

    public static PopulationModel Build(IReadOnlyList<PlatformProfile> platforms, long[] linesPerPlatform, int seed, int firstDay, int cutoffDay)
    {
        var rng = SeededRandom.Stream(seed, part: 2);
        var workerCapacity = platforms.Select((p, i) => (int)Math.Max(5, Math.Ceiling(linesPerPlatform[i] / p.LinesPerWorker))).ToArray();
        var clientCapacity = platforms.Select((p, i) => (int)Math.Max(3, Math.Ceiling(linesPerPlatform[i] / p.LinesPerClient))).ToArray();

        var (workerSlots, workerPersons) = AssignPersons(workerCapacity, MultiPlatformWorkerShare, rng);
        var (clientSlots, clientPersons) = AssignPersons(clientCapacity, MultiPlatformClientShare, rng);

        var workerPrefectures = SeededRandom.Cumulative(Prefecture.All.Select(p => (double)p.Population2020));
        // Clients cluster in Tokyo (about half of orders) and, less, in the other big business centres.
        var clientPrefectures = SeededRandom.Cumulative(Prefecture.All.Select(p => p.Population2020 * p.Code switch
        {
            "13" => 7.0,
            "27" or "14" or "23" => 1.4,
            _ => 1.0,
        }));
        double[] ageBandWeights = [0.02, 0.14, 0.26, 0.31, 0.18, 0.07, 0.02];
        double[] genderWeights = [0.62, 0.35, 0.01, 0.02];
        double[] clientTypeWeights = [0.62, 0.24, 0.04, 0.10];

        var workers = new WorkerTraits[workerPersons];
        for (var i = 0; i < workers.Length; i++)
            workers[i] = new WorkerTraits((byte)rng.PickCumulative(workerPrefectures), (sbyte)rng.Pick(ageBandWeights), (byte)rng.Pick(genderWeights));
        var clients = new ClientTraits[clientPersons];
        for (var i = 0; i < clients.Length; i++)
            clients[i] = new ClientTraits((byte)rng.PickCumulative(clientPrefectures), (ClientType)rng.Pick(clientTypeWeights));

        var ordinals = new byte[Math.Max(workerPersons, clientPersons)];
        var workerBooks = MakeBooks(platforms, workerSlots, isWorker: true, ordinals, rng, firstDay, cutoffDay);
        Array.Clear(ordinals);
        var clientBooks = MakeBooks(platforms, clientSlots, isWorker: false, ordinals, rng, firstDay, cutoffDay);
        return new PopulationModel { Workers = workers, Clients = clients, WorkerBooks = workerBooks, ClientBooks = clientBooks };
    }

    /// <summary>Fills each platform's account slots with persons; a share of persons take slots on several platforms.</summary>
    internal static (List<int>[] Slots, int Persons) AssignPersons(int[] capacity, double multiShare, Random rng)
    {
        var remaining = capacity.Select(c => (double)c).ToArray();
        var total = capacity.Sum(c => (long)c);
        var slots = capacity.Select(c => new List<int>(c)).ToArray();
        var chosen = new List<int>(4);
        var person = 0;
        while (total > 0)
        {
            var wanted = rng.NextDouble() < multiShare ? 2 + rng.Next(3) : 1;
            chosen.Clear();
            for (var k = 0; k < wanted; k++)
            {
                var p = PickOpenPlatform(remaining, chosen, rng);
                if (p < 0) break;
                chosen.Add(p);
                slots[p].Add(person);
                remaining[p] -= 1;
                total--;
            }
            person++;
        }
        return (slots, person);
    }

    /// <summary>Weighted by remaining capacity, so the big platforms get most shared people and every slot fills;
    /// a person holds at most one account of a kind per platform.</summary>
    private static int PickOpenPlatform(double[] remaining, List<int> exclude, Random rng)
    {
        var sum = 0.0;
        for (var p = 0; p < remaining.Length; p++)
            if (!exclude.Contains(p)) sum += remaining[p];
        if (sum <= 0) return -1;
        var r = rng.NextDouble() * sum;
        var last = -1;
        for (var p = 0; p < remaining.Length; p++)
        {
            if (exclude.Contains(p) || remaining[p] <= 0) continue;
            last = p;
            r -= remaining[p];
            if (r < 0) return p;
        }
        return last;
    }

    private static AccountBook[] MakeBooks(IReadOnlyList<PlatformProfile> platforms, List<int>[] slots, bool isWorker, byte[] ordinals,
        Random rng, int firstDay, int cutoffDay)
    {
        var span = cutoffDay - firstDay + 1;
        var books = new AccountBook[platforms.Count];
        for (var p = 0; p < platforms.Count; p++)
        {
            var persons = slots[p];
            var accounts = new Account[persons.Count];
            var ids = new string[persons.Count];
            var active = new List<int>(persons.Count);
            for (var i = 0; i < accounts.Length; i++)
            {
                var person = persons[i];
                var ordinal = ordinals[person]++;
                var email = EmailVariant.Primary;
                var givesPhone = rng.NextDouble() < (isWorker ? 0.5 : 0.6);
                if (ordinal > 0 && rng.NextDouble() >= 0.55)
                {
                    email = EmailVariant.Alternate;
                    givesPhone = rng.NextDouble() < 0.4;
                }
                if (rng.NextDouble() < 0.02) email = EmailVariant.None; // signed up through a social login
                // Existing members carry over from before the data starts; later sign-ups grow over time.
                var planned = rng.NextDouble() < 0.35
                    ? firstDay + rng.Next(Math.Min(45, span))
                    : firstDay + (int)(span * Math.Pow(rng.NextDouble(), 0.8));
                accounts[i] = new Account
                {
                    Person = person,
                    PlannedRegisteredDay = Math.Min(planned, cutoffDay),
                    FirstActiveDay = int.MaxValue,
                    LastActiveDay = int.MinValue,
                    Email = email,
                    Ordinal = ordinal,
                    GivesPhone = givesPhone,
                    GivesProfile = rng.NextDouble() < (isWorker ? 0.85 : 0.75),
                    Dormant = rng.NextDouble() < (isWorker ? 0.5 : 0.35),
                    ShoutedEmail = rng.NextDouble() < 0.1,
                };
                ids[i] = AccountId(platforms[p], isWorker, i);
                if (!accounts[i].Dormant) active.Add(i);
            }
            if (active.Count == 0 && accounts.Length > 0)
            {
                accounts[0].Dormant = false;
                active.Add(0);
            }
            // Ordered by sign-up, so "accounts registered by day d" is a prefix of the list.
            int[] byRegistration = [.. active.OrderBy(i => accounts[i].PlannedRegisteredDay).ThenBy(i => i)];
            books[p] = new AccountBook { IsWorker = isWorker, Accounts = accounts, Ids = ids, Active = byRegistration };
        }
        return books;
    }

    /// <summary>Each platform has its own id style; none looks like an e-mail, a phone number or a name.</summary>
    private static string AccountId(PlatformProfile platform, bool isWorker, int index)
    {
        // A bijection on [0, 10^8): ids look unordered but stay unique.
        var n = (index * 7919L + 1000 + platform.Index * 31L) % 100_000_000;
        return (platform.Index % 4) switch
        {
            0 => $"{(isWorker ? 'w' : 'c')}{n:D7}",
            1 => $"{(isWorker ? "W-" : "C-")}{n}",
            2 => $"acct:{(isWorker ? 'w' : 'c')}{n:D8}",
            _ => $"{(isWorker ? "u." : "o.")}{n:D6}",
        };
    }

    public static string PersonId(bool isWorker, int person) => isWorker ? $"person-{person:D7}" : $"org-{person:D7}";
}
