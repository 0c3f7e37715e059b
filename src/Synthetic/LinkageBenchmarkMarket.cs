using System.Globalization;
using System.Text;
using MarketStats.Core.Domain;
using MarketStats.Core.Privacy;

namespace MarketStats.Synthetic;

/// <summary>What <see cref="LinkageBenchmarkMarket.Write"/> produced.</summary>
public sealed record LinkageBenchmarkFiles(string RegistrationsCsv, string TruthCsv, long Registrations, long Persons);

/// <summary>Registrations only, at survey scale, for the linkage benchmark: persons and organisations spread over
/// platforms, a share of them on several, each account with its keyed hashes and its noisy identity encoding.</summary>
/// <remarks>
/// Uses the same identities, noise, hashing and encoding as <see cref="MarketGenerator"/>, without transactions
/// (which the benchmark does not need and which would take minutes to write at two million accounts). The CSV has
/// the columns of <c>raw_registrations</c>, to be loaded with COPY: the benchmark measures linkage, not ingest.
/// </remarks>
public static class LinkageBenchmarkMarket
{
    /// <param name="contractVersion">3 (the default) adds the per-field encodings and the birth date's hashes (v3: its parts too); 2 the encodings and the date and year; 1 leaves them empty.</param>
    public static LinkageBenchmarkFiles Write(string folder, long registrations, int platforms = 30, double crossRegisteredShare = 0.20,
        int seed = 7, AssociationKey? key = null, IProgress<string>? progress = null, int contractVersion = 3)
    {
        Directory.CreateDirectory(folder);
        key ??= AssociationKey.FromSeed(seed);
        var rng = SeededRandom.Stream(seed, part: 9_000);
        // Platform sizes fall off like the market's (a few large ones); workers 85% of accounts.
        var shares = Enumerable.Range(1, platforms).Select(i => 1.0 / Math.Pow(i, 0.8)).ToArray();
        var total = shares.Sum();
        var workerCapacity = shares.Select(s => Math.Max(3, (int)(registrations * 0.85 * s / total))).ToArray();
        var clientCapacity = shares.Select(s => Math.Max(3, (int)(registrations * 0.15 * s / total))).ToArray();
        var (workerSlots, workers) = PopulationModel.AssignPersons(workerCapacity, crossRegisteredShare, rng);
        var (clientSlots, clients) = PopulationModel.AssignPersons(clientCapacity, crossRegisteredShare, rng);
        progress?.Report($"{workers:N0} persons and {clients:N0} organisations over {platforms} platforms");

        var prefectureWeights = SeededRandom.Cumulative(Prefecture.All.Select(p => (double)p.Population2020));
        var codes = Prefecture.All.Select(p => p.Code).ToArray();
        var workerPrefecture = new byte[workers];
        for (var i = 0; i < workers; i++) workerPrefecture[i] = (byte)rng.PickCumulative(prefectureWeights);
        var clientPrefecture = new byte[clients];
        for (var i = 0; i < clients; i++) clientPrefecture[i] = (byte)rng.PickCumulative(prefectureWeights);

        var hasher = new KeyedHasher(key);
        var encoder = new ClkEncoder(key);
        var fieldEncoder = new FieldClkEncoder(key);
        var csv = Path.Combine(folder, "registrations.csv");
        var truth = Path.Combine(folder, "ground-truth.csv");
        var parts = new string[platforms * 2];
        var written = 0L;
        Parallel.For(0, platforms * 2, part =>
        {
            var isWorker = part < platforms;
            var p = part % platforms;
            var slots = (isWorker ? workerSlots : clientSlots)[p];
            var path = Path.Combine(folder, $"part-{part:D3}.csv");
            parts[part] = path;
            using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
            var platformId = $"P{p + 1:D2}";
            for (var i = 0; i < slots.Count; i++)
            {
                var person = slots[i];
                var noise = SeededRandom.Stream(seed, part: 10_000 + part, subpart: i);
                var identity = isWorker
                    ? SyntheticIdentity.ForWorker(seed, person, workerPrefecture[person], (sbyte)(person % 6))
                    : SyntheticIdentity.ForClient(seed, person, clientPrefecture[person], person % 3 != 0);
                var typed = SyntheticIdentity.AsTyped(identity, noise);
                // Like the generator: about half the extra accounts use another e-mail; phones given half the time.
                var email = noise.NextDouble() < 0.5 ? $"{(isWorker ? 'w' : 'c')}{person}@example.jp" : $"{(isWorker ? 'w' : 'c')}{person}.{p}@mail.example.org";
                var phone = noise.NextDouble() < 0.5 ? Identifiers.Phone(isWorker, person, p) : null;
                var prefecture = codes[isWorker ? workerPrefecture[person] : clientPrefecture[person]];
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"0,{i + 2},{platformId},{(isWorker ? "w" : "c")}{i:D7},{(isWorker ? "worker" : "client")},{(isWorker ? "" : "corporation")},{prefecture},2024-04-01,,,,{hasher.Email(email)},{(phone is null ? "" : hasher.Phone(phone))},,{encoder.Encode(typed).Base64},{V2Columns(typed, contractVersion, hasher, fieldEncoder, noise)}"));
                Interlocked.Increment(ref written);
            }
        });

        // One file for COPY, and the answer key, in platform order.
        using (var output = new FileStream(csv, FileMode.Create))
        {
            output.Write(Encoding.UTF8.GetBytes(RawHeader));
            foreach (var part in parts)
            {
                using (var input = File.OpenRead(part)) input.CopyTo(output);
                File.Delete(part);
            }
        }
        using (var writer = new StreamWriter(truth, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" })
        {
            writer.WriteLine("platform_id,account_id,kind,true_person_id");
            for (var part = 0; part < platforms * 2; part++)
            {
                var isWorker = part < platforms;
                var slots = (isWorker ? workerSlots : clientSlots)[part % platforms];
                for (var i = 0; i < slots.Count; i++)
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"P{part % platforms + 1:D2},{(isWorker ? "w" : "c")}{i:D7},{(isWorker ? "worker" : "client")},{PopulationModel.PersonId(isWorker, slots[i])}"));
            }
        }
        return new LinkageBenchmarkFiles(csv, truth, written, workers + clients);
    }

    /// <summary>The header of the CSV: <c>raw_registrations</c>' columns in its order (COPY matches by position).</summary>
    internal const string RawHeader =
        "file_id,source_line,platform_id,account_id,kind,client_type,prefecture,registered_on,last_active_on,age_band,gender," +
        "email_hmac,phone_hmac,corporate_number_hmac,identity_clk," +
        "family_name_clk,given_name_clk,family_name_kana_clk,given_name_kana_clk,birth_date_hmac,birth_year_hmac," +
        "birth_year_month_hmac,birth_month_day_hmac,birth_date_unordered_hmac\n";

    /// <summary>The six columns contract v2 adds and the three v3 adds, comma-separated (empty where the version lacks them);
    /// BLIP's flips drawn from the account's noise stream, after its other draws.</summary>
    internal static string V2Columns(IdentityFields typed, int contractVersion, KeyedHasher hasher, FieldClkEncoder fieldEncoder, Random noise)
    {
        if (contractVersion < 2) return ",,,,,,,,";
        var fields = fieldEncoder.Encode(typed, noise);
        var birth = typed.BirthDate;
        string?[] v3 = contractVersion >= 3 ? [hasher.BirthYearMonth(birth), hasher.BirthMonthDay(birth), hasher.BirthDateUnordered(birth)] : [null, null, null];
        return string.Join(",", [.. fields.Select(f => f ?? ""), hasher.BirthDate(birth) ?? "", hasher.BirthYear(birth) ?? "", .. v3.Select(h => h ?? "")]);
    }
}
