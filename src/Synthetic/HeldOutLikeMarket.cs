using System.Globalization;
using System.Text;
using MarketStats.Core.Privacy;

namespace MarketStats.Synthetic;

/// <summary>A linkage test market built like the independent held-out sets (issue 13): few fields (given name, family
/// name, birth date; e-mail on some records), Western names with typos, about four records per person over three
/// platforms, several of a person's records on the same platform.</summary>
/// <remarks>
/// Unlike <see cref="LinkageBenchmarkMarket"/> (Japanese identities at survey scale, one account per person and
/// platform), this market tests what the held-out evaluation found hard: typos in short Latin names, swapped given
/// and family names, missing values, and duplicates within a platform. Written in contract v2 (or v1) with the same
/// hashing and encodings, as a CSV of <c>raw_registrations</c>' columns with its answer key, like the other market.
/// </remarks>
public static class HeldOutLikeMarket
{
    public const int Platforms = 3;

    // Frequent names first: the draw below is Zipf-like, so namesakes are common, as in real name lists.
    private static readonly string[] GivenNames =
    [
        "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David", "Barbara",
        "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Christopher", "Nancy", "Daniel", "Lisa",
        "Matthew", "Margaret", "Anthony", "Betty", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Dorothy", "Paul", "Kimberly",
        "Andrew", "Emily", "Joshua", "Donna", "Kenneth", "Michelle", "Kevin", "Carol", "Brian", "Amanda", "George", "Melissa",
        "Edward", "Deborah", "Ronald", "Stephanie", "Timothy", "Rebecca", "Jason", "Laura", "Jeffrey", "Sharon", "Ryan", "Cynthia",
        "Jacob", "Kathleen", "Gary", "Amy", "Nicholas", "Shirley", "Eric", "Angela", "Jonathan", "Helen", "Stephen", "Anna",
        "Larry", "Brenda", "Justin", "Pamela", "Scott", "Nicole", "Brandon", "Samantha", "Benjamin", "Katherine", "Samuel", "Emma",
    ];

    private static readonly string[] FamilyNames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez",
        "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
        "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
        "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
        "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
        "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey",
        "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez", "Wood",
        "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers",
        "Long", "Ross", "Foster", "Jimenez", "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler",
        "Henderson", "Barnes", "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham",
    ];

    internal sealed record Person(string Given, string Family, DateOnly Birth, string Email);

    // The first held-out set draws its names from long directory lists (the most common surname about 1% of persons);
    // the lists above hold the most common names only, so the pairs market adds family names composed of two parts.
    private static readonly string[] FamilyNameStarts =
    [
        "Ash", "Black", "Brad", "Brook", "Car", "Chad", "Dal", "Fair", "Gold", "Hart", "Hol", "Kings", "Lang", "Mar", "Mor",
        "North", "Pem", "Ring", "Ros", "Stan", "Stock", "Thorn", "Wal", "West", "Whit", "Win", "Wood", "Yar", "Bur", "Cres",
    ];

    private static readonly string[] FamilyNameEnds =
    [
        "ford", "ton", "ley", "wood", "field", "man", "well", "worth", "by", "son", "ham", "stone", "dale", "more", "land",
        "brook", "shaw", "wick", "ridge", "croft",
    ];

    /// <summary>Persons with Zipf-distributed given and family names, as real name lists are.</summary>
    /// <param name="longLists">Draw like a long directory list (<see cref="WritePairs"/>): family names from the list and
    /// 600 composed ones, with Zipf–Mandelbrot weights 1/(rank + 30) (the most common about 1%) and given names
    /// 1/(rank + 10) (about 4%); otherwise 1/rank over the short lists, where one family name in six is the first.</param>
    internal static Person[] People(int persons, Random rng, bool longLists = false)
    {
        string[] families = longLists ? [.. FamilyNames, .. FamilyNameStarts.SelectMany(s => FamilyNameEnds.Select(e => s + e))] : FamilyNames;
        var givenWeights = Zipf(GivenNames.Length, longLists ? 10 : 0);
        var familyWeights = Zipf(families.Length, longLists ? 30 : 0);
        var people = new Person[persons];
        for (var p = 0; p < persons; p++)
        {
            var (given, family) = (GivenNames[rng.PickCumulative(givenWeights)], families[rng.PickCumulative(familyWeights)]);
            people[p] = new Person(given, family, new DateOnly(1940, 1, 1).AddDays(rng.Next(365 * 65)), $"{given}.{family}{p}@example.com".ToLowerInvariant());
        }
        return people;
    }

    /// <param name="records">About how many records to write (persons = records / 4).</param>
    /// <param name="contractVersion">3 (the default) adds the per-field encodings and the birth date's hashes (v3: its parts too); 2 the encodings and the date and year; 1 leaves them empty.</param>
    public static LinkageBenchmarkFiles Write(string folder, long records, int seed = 17, AssociationKey? key = null,
        IProgress<string>? progress = null, int contractVersion = 3)
    {
        var rng = SeededRandom.Stream(seed, part: 30_000);
        var persons = (int)Math.Max(2, records / 4);
        var people = People(persons, rng);
        progress?.Report($"{persons:N0} persons, about {records:N0} records over {Platforms} platforms");
        // 1 to 7 records, 4 on average; each on a random platform, so a person often has several on one platform.
        IEnumerable<Record> Records(Func<long, Random> noiseOf)
        {
            long written = 0;
            for (var p = 0; p < persons; p++)
            {
                var count = 1 + Binomial(rng, 6, 0.5);
                for (var r = 0; r < count; r++)
                {
                    var platform = rng.Next(Platforms);
                    var noise = noiseOf(written++);
                    var typed = AsTyped(people[p], noise);
                    yield return new Record(p, platform, typed, noise.NextDouble() < 0.35 ? people[p].Email : null, noise);
                }
            }
        }
        return WriteRecords(folder, seed, key, contractVersion, persons, Records);
    }

    /// <summary>A market built like the first held-out set: two files (platforms P01 and P02) of one record per person
    /// each, given name, family name and birth date only, no e-mail, names drawn as from long directory lists; the first file holds the names as the person gave
    /// them, the second a copy with typos, swaps, missing values and mistyped birth dates (<see cref="AsTyped"/>).</summary>
    /// <param name="records">Records to write (persons = records / 2).</param>
    public static LinkageBenchmarkFiles WritePairs(string folder, long records, int seed = 19, AssociationKey? key = null,
        IProgress<string>? progress = null, int contractVersion = 3)
    {
        var rng = SeededRandom.Stream(seed, part: 32_000);
        var persons = (int)Math.Max(2, records / 2);
        var people = People(persons, rng, longLists: true);
        progress?.Report($"{persons:N0} persons, one record in each of two files");
        IEnumerable<Record> Records(Func<long, Random> noiseOf)
        {
            for (var p = 0; p < persons; p++)
            {
                var person = people[p];
                var original = new IdentityFields(person.Family, person.Given, null, null, person.Birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null);
                yield return new Record(p, 0, original, null, noiseOf(2L * p));
                var noise = noiseOf(2L * p + 1);
                yield return new Record(p, 1, AsTyped(person, noise), null, noise);
            }
        }
        return WriteRecords(folder, seed, key, contractVersion, persons, Records);
    }

    /// <summary>One record as a platform holds it; <paramref name="Noise"/> is its own stream (BLIP's flips are drawn from it).</summary>
    private sealed record Record(int Person, int Platform, IdentityFields Typed, string? Email, Random Noise);

    /// <summary>Writes the records as <c>raw_registrations</c> rows with their answer key; <paramref name="records"/> gets
    /// each record's noise stream by its running number.</summary>
    private static LinkageBenchmarkFiles WriteRecords(string folder, int seed, AssociationKey? key, int contractVersion, int persons,
        Func<Func<long, Random>, IEnumerable<Record>> records)
    {
        Directory.CreateDirectory(folder);
        key ??= AssociationKey.FromSeed(seed);
        var hasher = new KeyedHasher(key);
        var encoder = new ClkEncoder(key);
        var fieldEncoder = new FieldClkEncoder(key);
        var csv = Path.Combine(folder, "registrations.csv");
        var truth = Path.Combine(folder, "ground-truth.csv");
        var nextId = new int[Platforms];
        long written = 0;
        using (var output = new StreamWriter(csv, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" })
        using (var answers = new StreamWriter(truth, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" })
        using (var cleartext = CleartextNames.Create(folder))
        {
            output.Write(LinkageBenchmarkMarket.RawHeader);
            answers.WriteLine("platform_id,account_id,kind,true_person_id");
            foreach (var record in records(n => SeededRandom.Stream(seed, part: 31_000, subpart: (int)n)))
            {
                var platformId = $"P{record.Platform + 1:D2}";
                var accountId = $"h{nextId[record.Platform]++:D7}";
                var email = record.Email is null ? null : hasher.Email(record.Email);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"0,{written + 2},{platformId},{accountId},worker,,13,2024-04-01,,,,{email},,,{encoder.Encode(record.Typed).Base64},{LinkageBenchmarkMarket.V2Columns(record.Typed, contractVersion, hasher, fieldEncoder, record.Noise)}"));
                answers.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{platformId},{accountId},worker,{PopulationModel.PersonId(true, record.Person)}"));
                CleartextNames.Write(cleartext, platformId, accountId, record.Typed);
                written++;
            }
        }
        return new LinkageBenchmarkFiles(csv, truth, written, persons);
    }

    /// <summary>The record as one platform holds it: typos (adjacent letters swapped, a letter dropped or replaced),
    /// given and family name swapped, values missing, a birth date mistyped.</summary>
    internal static IdentityFields AsTyped(Person person, Random rng)
    {
        string? given = Typo(person.Given, rng), family = Typo(person.Family, rng);
        if (rng.NextDouble() < 0.05) (given, family) = (family, given);
        if (rng.NextDouble() < 0.10) given = null;
        if (rng.NextDouble() < 0.08) family = null;
        DateOnly? birth = person.Birth;
        var r = rng.NextDouble();
        if (r < 0.10) birth = null;
        else if (r < 0.16) birth = person.Birth.AddDays(rng.Next(2) == 0 ? 1 : -1);
        else if (r < 0.20 && person.Birth.Day <= 12 && person.Birth.Day != person.Birth.Month)
            birth = new DateOnly(person.Birth.Year, person.Birth.Day, person.Birth.Month); // day and month swapped
        else if (r < 0.23) birth = person.Birth.AddYears(rng.Next(2) == 0 ? 1 : -1);
        return new IdentityFields(family, given, null, null, birth?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null);
    }

    private static string Typo(string name, Random rng)
    {
        var chars = name.ToList();
        var r = rng.NextDouble();
        var at = rng.Next(1, chars.Count - 1);
        if (r < 0.10) (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
        else if (r < 0.20) chars.RemoveAt(at);
        else if (r < 0.30) chars[at] = (char)('a' + rng.Next(26));
        return new string([.. chars]);
    }

    private static double[] Zipf(int n, int offset) => SeededRandom.Cumulative(Enumerable.Range(1, n).Select(i => 1.0 / (i + offset)));

    private static int Binomial(Random rng, int trials, double p) => Enumerable.Range(0, trials).Count(_ => rng.NextDouble() < p);
}
