using System.Globalization;
using MarketStats.Core.Privacy;

namespace MarketStats.Linkage;

/// <summary>What a comparison is, for estimation: the blocking finds pairs by keyed-hash agreement or by encoding
/// similarity, so EM cannot learn a comparison's m from the pairs that were selected on it (Splink's training rules).</summary>
internal enum ComparisonRole
{
    /// <summary>A keyed hash: agree / differ; pairs sharing one are exact candidates; term-frequency adjusted.</summary>
    KeyedHash,
    /// <summary>A Bloom-filter encoding compared by Dice levels; LSH finds its candidates.</summary>
    Encoding,
    /// <summary>A keyed hash many persons share (a birth date): blocked on, term-frequency adjusted, its u measured on
    /// random pairs at every level, but no identifier: it does not let a link join two accounts of one platform.</summary>
    SharedKey,
    /// <summary>A contract v2 name field's encoding, compared by Dice levels: blocked on only together with a birth date;
    /// its m is also learnt from the pairs sharing a birth date.</summary>
    NameField,
    /// <summary>Anything else (prefecture, age band, gender): never blocked on, learnt from every pair.</summary>
    Attribute,
    /// <summary>The record encoding between two contract v2 accounts, graded within strata of what their fields already
    /// say (<see cref="Comparison.StratumLevels"/>): it adds what the encoding holds beyond the fields (the postcode).
    /// Its m and u are distributions within each stratum, learnt among the candidate pairs (m from the pairs sharing a
    /// keyed hash, u from the rest once the expected matches are taken out: <c>FellegiSunterModel.TrainWithinStrata</c>),
    /// never measured on random pairs: there a record Dice above 0.5 is rare, but namesakes reach it through their names.</summary>
    RecordBeyondFields,
}

/// <summary>One row of the comparison table: a field, its levels (highest first) with their priors, and how a pair
/// falls into one. Level −1 is "missing on either side" and adds nothing to the match weight.</summary>
/// <param name="LevelOf">The pair's level, or −1.</param>
/// <param name="SelectedLevels">The blocking selects a pair for this comparison when it reaches one of the first this many levels
/// (a keyed hash's agreement, an encoding's levels above the fuzzy floor); 0: never blocked on.</param>
/// <param name="ValueCount">For a keyed hash: how many accounts of the kind hold the account's value (term frequency); for an encoding: how many are at its top level (itself included).</param>
/// <param name="Describe">The audit trail's words for the pair's level (a Dice level shows the Dice).</param>
/// <param name="StratumLevels">For <see cref="ComparisonRole.RecordBeyondFields"/>: the levels come in strata of this many
/// (stratum × this + grade), and m and u are distributions within each stratum; 0 elsewhere.</param>
internal sealed record Comparison(
    string Name, ComparisonRole Role, IReadOnlyList<string> LevelNames, IReadOnlyList<double> PriorM, IReadOnlyList<double> PriorU,
    Func<int, int, int> LevelOf, int SelectedLevels = 0, int[]? ValueCount = null, Func<int, int, int, string>? Describe = null,
    int StratumLevels = 0)
{
    public int Levels => LevelNames.Count;

    public string Evidence(int x, int y, int level) => Describe?.Invoke(x, y, level) ?? Name + "=" + LevelNames[level];
}

/// <summary>The comparison table per kind: adding a field (a v2 per-field encoding, a keyed birth date) is adding a row
/// here, with its loader in <see cref="PersonLinker.LoadAccounts"/>; estimation, scoring, the parameters table and the
/// evaluation read the rows.</summary>
internal static class ComparisonTable
{
    public const string Agree = "agree";
    public const string Differ = "differ";

    public static IReadOnlyList<Comparison> For(bool workers, LinkAccounts a, LinkageSettings s)
    {
        List<Comparison> rows =
        [
            KeyedHash("email_hmac", a.Email, a.EmailCount, s.Email),
            KeyedHash("phone_hmac", a.Phone, a.PhoneCount, s.Phone),
            KeyedHash("corporate_number_hmac", a.Corporate, a.CorporateCount, s.CorporateNumber),
            Dice("clk_dice", a, workers ? s.DiceLevels : s.OrganisationDiceLevels, s, workers),
            Code("prefecture", (x, y) => a.Prefecture[x] == a.Prefecture[y] ? 0 : 1, s.Prefecture),
        ];
        // Contract v2, persons: the name fields, and the birth date. Two v2 accounts of persons are compared on these
        // instead of the record-level encoding, which holds the same names and date (counting them twice would double the
        // evidence); a name's kanji and kana encodings spell one name, so the better of the two is one comparison, not two.
        // Clients too when both are persons (sole proprietors, issue 13: LinkAccounts.IsPerson): the same rows, so the
        // same levels, EM and term frequencies. A pair with a firm on either side keeps the record encoding (it holds the
        // postcode too, which tells apart firms of one name), and a firm's name, which travels in the family-name field,
        // is never compared with a person's family name.
        // Two v2 workers get the record encoding back as record_beyond_fields: within strata of what their fields say, so
        // that it adds only what the fields lack (the postcode; docs/linkage.md, "The record encoding beyond the fields").
        var personRows = PersonFields(a, s).ToArray();
        foreach (var row in personRows)
            rows.Add(workers ? row : row with { LevelOf = (x, y) => a.IsPerson(x) && a.IsPerson(y) ? row.LevelOf(x, y) : -1 });
        if (workers)
        {
            if (s.RecordBeyondFieldsLevels.Count > 0)
                rows.Add(RecordBeyondFields(a, s.RecordBeyondFieldsLevels, s.NameFieldLevels, family: personRows[0], given: personRows[1], birthDate: personRows[2]));
            // The age band follows from the birth year: where both sides have one, the birth date's comparison already
            // holds it, and counting it again added +1.9 bits to every namesake born on the same day (issue 13).
            // Workers only: a client's export carries neither.
            rows.Add(Code("age_band", (x, y) => a.AgeBand[x] < 0 || a.AgeBand[y] < 0 || a.BirthYear[x] != 0 && a.BirthYear[y] != 0 ? -1
                : a.AgeBand[x] == a.AgeBand[y] ? 0 : 1, s.AgeBand));
            rows.Add(Code("gender", (x, y) => a.Gender[x] < 0 || a.Gender[y] < 0 ? -1 : a.Gender[x] == a.Gender[y] ? 0 : 1, s.Gender));
        }
        return rows;
    }

    /// <summary>A person's contract v2/v3 fields: family and given name, birth date (workers', and sole proprietors'
    /// among clients).</summary>
    private static IEnumerable<Comparison> PersonFields(LinkAccounts a, LinkageSettings s)
    {
        yield return FieldDice("family_name", [LinkAccounts.FamilyNameField, LinkAccounts.FamilyNameKanaField], a, s.NameFieldLevels);
        yield return FieldDice("given_name", [LinkAccounts.GivenNameField, LinkAccounts.GivenNameKanaField], a, s.NameFieldLevels);
        // Contract v3's parts of the date grade a differing date (issue 13): a mistyped day, year, or day and month swapped
        // is strong evidence when the names agree, where "year only" and "differ" lumped them with strangers' dates.
        // One comparison, levels exclusive (the first that holds), so that no part is counted twice; a pair with a
        // v2 side cannot reach the parts' levels and falls to "year only" or "differ" as before.
        var date = s.BirthDate;
        yield return new Comparison("birth_date_hmac", ComparisonRole.SharedKey, ["exact", "day and month swapped", "year and month", "month and day", "year only", Differ],
            [date.ExactM, date.SwappedM, date.YearMonthM, date.MonthDayM, date.YearOnlyM, date.DifferM],
            [date.ExactU, date.SwappedU, date.YearMonthU, date.MonthDayU, date.YearOnlyU, date.DifferU],
            (x, y) =>
            {
                var dated = a.BirthDate[x] != 0 && a.BirthDate[y] != 0;
                if (dated && a.BirthDate[x] == a.BirthDate[y]) return 0;
                if (SameId(a.BirthDateUnordered, x, y)) return 1;
                if (SameId(a.BirthYearMonth, x, y)) return 2;
                if (SameId(a.BirthMonthDay, x, y)) return 3;
                if (a.BirthYear[x] == 0 || a.BirthYear[y] == 0) return dated ? 5 : -1;
                return a.BirthYear[x] == a.BirthYear[y] ? 4 : 5;
            }, SelectedLevels: 1, ValueCount: a.BirthDateCount);
    }

    private static bool SameId(long[] ids, int x, int y) => ids[x] != 0 && ids[x] == ids[y];

    private static Comparison KeyedHash(string name, long[] ids, int[] counts, TwoLevelPrior prior) =>
        new(name, ComparisonRole.KeyedHash, [Agree, Differ], [prior.AgreeM, prior.DifferM], [prior.AgreeU, prior.DifferU],
            (x, y) => ids[x] == 0 || ids[y] == 0 ? -1 : ids[x] == ids[y] ? 0 : 1, SelectedLevels: 1, ValueCount: counts);

    private static Comparison Code(string name, Func<int, int, int> levelOf, TwoLevelPrior prior) =>
        new(name, ComparisonRole.Attribute, [Agree, Differ], [prior.AgreeM, prior.DifferM], [prior.AgreeU, prior.DifferU], levelOf);

    private static Comparison FieldDice(string name, int[] fields, LinkAccounts a, IReadOnlyList<DiceLevelPrior> levels)
    {
        double Best(int x, int y)
        {
            var best = double.NaN;
            foreach (var f in fields)
                if (a.FieldDice(f, x, y) is var dice && !double.IsNaN(dice) && !(dice <= best)) best = dice;
            return best;
        }
        return DiceLevels(name, ComparisonRole.NameField, levels, Best, selectedLevels: 0, name + "_dice");
    }

    private static readonly string[] DateStrata = ["date exact", "dates differ", "one side dated", "neither dated"];
    private static readonly string[] NameClasses = ["alike", "near", "different"];
    private static readonly string[] NameStrata = [.. NameClasses.SelectMany(family => NameClasses.Select(given => $"family {family}, given {given}"))];
    private static readonly string[] FieldStrata = ["same fields", "a name field one-sided"];

    /// <summary>The record encoding's Dice between two v2 workers (both with fields and a record encoding), within the
    /// stratum of what the fields say: the birth date exact, differing, given on one side only or on neither (a date
    /// on one side lowers the record Dice, none on either raises the names' and the postcode's share); each name alike, near (a
    /// typo) or different (<see cref="AlikeNameDice"/>); whether a name field is given on one side only (it lowers the record Dice though
    /// nothing disagrees). Within a stratum the names and the date agree alike, so what still moves the record Dice is
    /// what the fields do not hold: the postcode (one person's two accounts 0.80–1.0, namesakes born on one day
    /// 0.55–0.75 at two million accounts), and the encodings' noise.</summary>
    private static Comparison RecordBeyondFields(LinkAccounts a, IReadOnlyList<double> grades, IReadOnlyList<DiceLevelPrior> nameLevels,
        Comparison family, Comparison given, Comparison birthDate)
    {
        var alikeLevels = nameLevels.Count(l => l.MinDice >= AlikeNameDice);
        var nearLevels = nameLevels.Count(l => l.MinDice >= NearNameDice);
        // Alike: one name given twice; near: a typo; different (or missing on a side): another name.
        int NameClass(int level) => level < 0 || level >= nearLevels ? 2 : level < alikeLevels ? 0 : 1;
        var floors = grades.ToArray();
        int Stratum(int x, int y)
        {
            var date = birthDate.LevelOf(x, y) switch { 0 => 0, > 0 => 1, _ => a.BirthYear[x] != 0 || a.BirthYear[y] != 0 ? 2 : 3 };
            var nameStratum = NameClass(family.LevelOf(x, y)) * NameClasses.Length + NameClass(given.LevelOf(x, y));
            var oneSided = a.OneSidedNameFields(x, y) != 0 ? 1 : 0;
            return (date * NameStrata.Length + nameStratum) * FieldStrata.Length + oneSided;
        }
        int LevelOf(int x, int y)
        {
            if (!a.HasFields(x) || !a.HasFields(y)) return -1;
            var dice = a.Dice(x, y);
            if (double.IsNaN(dice)) return -1;
            var grade = 0;
            while (grade < floors.Length - 1 && dice < floors[grade]) grade++;
            return Stratum(x, y) * floors.Length + grade;
        }
        var names = DateStrata.SelectMany(d => NameStrata.SelectMany(n => FieldStrata.SelectMany(f => grades.Select(l =>
            string.Create(CultureInfo.InvariantCulture, $"{d}, {n}, {f}: {(l > 0 ? $">={l:F2}" : "lower")}"))))).ToArray();
        return new Comparison("record_beyond_fields", ComparisonRole.RecordBeyondFields, names,
            // m = u to start with (weight 0): EM's sessions, which run before it is learnt, must not take it for evidence.
            [.. Enumerable.Repeat(1.0 / floors.Length, names.Length)], [.. Enumerable.Repeat(1.0 / floors.Length, names.Length)],
            LevelOf, Describe: (x, y, level) => string.Create(CultureInfo.InvariantCulture, $"record_dice={a.Dice(x, y):F3} ({names[level][..names[level].IndexOf(':')]})"),
            StratumLevels: floors.Length);
    }

    /// <summary>A name field "alike" for <see cref="RecordBeyondFields"/>'s strata: one name given twice (BLIP keeps it at
    /// 0.70–0.90); "near" from <see cref="NearNameDice"/>: a typo (0.55–0.75); below, another name (0.20–0.45).</summary>
    private const double AlikeNameDice = 0.65;
    private const double NearNameDice = 0.45;

    private static Comparison Dice(string name, LinkAccounts a, IReadOnlyList<DiceLevelPrior> levels, LinkageSettings s, bool workers)
    {
        var floor = s.FuzzyFloor(levels);
        // Two v2 accounts of persons are compared on their fields instead (NaN: missing).
        double RecordDice(int x, int y) => a.ComparedOnFields(x, y) ? double.NaN : a.Dice(x, y);
        var selected = levels.Count(l => l.MinDice >= floor);
        // Each account's neighbours at the top level (the encoding's term frequency), counted once the candidates are scored.
        var dice = DiceLevels(name, ComparisonRole.Encoding, levels, RecordDice, selected, name) with { ValueCount = new int[a.Count] };
        if (workers) return dice;
        var kept = levels.Count(l => l.MinDice >= s.BlockingFloor(workers: false));
        return WithContainedLevel(dice, kept, a, s);
    }

    /// <summary>Organisations: a pair with a field on one side only (<see cref="LinkAccounts.PartialContainment"/>) whose
    /// Dice stays under the levels the blocking keeps but whose containment reaches <see cref="LinkageSettings.ContainedRecordLevel"/>
    /// takes that level, inserted right after the kept Dice levels: selected when those are the selected levels (the
    /// blocking keeps such pairs), like a kept level below the floor otherwise (<see cref="LinkageSettings.OrganisationLevelsBelowFloor"/>).</summary>
    private static Comparison WithContainedLevel(Comparison dice, int kept, LinkAccounts a, LinkageSettings s)
    {
        var contained = s.ContainedRecordLevel;
        double Containment(int x, int y) => a.PartialContainment(x, y, s.PartialRecordFloor);
        int LevelOf(int x, int y)
        {
            var level = dice.LevelOf(x, y);
            if (level < kept) return level; // missing (−1) or a kept Dice level
            return Containment(x, y) >= contained.MinDice ? kept : level + 1;
        }
        string Describe(int x, int y, int level) => level == kept
            ? string.Create(CultureInfo.InvariantCulture, $"{dice.Name}_contained={Containment(x, y):F3}") : dice.Evidence(x, y, level < kept ? level : level - 1);
        static List<T> Insert<T>(IReadOnlyList<T> list, int at, T item) { var copy = list.ToList(); copy.Insert(at, item); return copy; }
        return dice with
        {
            LevelNames = Insert(dice.LevelNames, kept, string.Create(CultureInfo.InvariantCulture, $"contained>={contained.MinDice:F2}")),
            PriorM = Insert(dice.PriorM, kept, contained.M),
            PriorU = Insert(dice.PriorU, kept, contained.U),
            LevelOf = LevelOf,
            SelectedLevels = dice.SelectedLevels == kept ? kept + 1 : dice.SelectedLevels,
            Describe = Describe,
        };
    }

    /// <summary>A comparison whose levels are Dice floors, highest first; NaN Dice is missing; the audit trail shows the Dice.</summary>
    private static Comparison DiceLevels(string name, ComparisonRole role, IReadOnlyList<DiceLevelPrior> levels, Func<int, int, double> dice,
        int selectedLevels, string evidenceName)
    {
        var floors = levels.Select(l => l.MinDice).ToArray();
        int LevelOf(int x, int y)
        {
            var value = dice(x, y);
            if (double.IsNaN(value)) return -1;
            for (var l = 0; l < floors.Length; l++)
                if (value >= floors[l]) return l;
            return floors.Length - 1;
        }
        return new(name, role,
            [.. levels.Select(l => l.MinDice > 0 ? string.Create(CultureInfo.InvariantCulture, $">={l.MinDice:F2}") : "lower")],
            [.. levels.Select(l => l.M)], [.. levels.Select(l => l.U)], LevelOf, SelectedLevels: selectedLevels,
            Describe: (x, y, _) => string.Create(CultureInfo.InvariantCulture, $"{evidenceName}={dice(x, y):F3}"));
    }
}
