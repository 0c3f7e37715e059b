namespace MarketStats.Linkage;

/// <summary>The linkage rules as data: blocking, Fellegi–Sunter match weights, threshold and the anti-chaining guard.</summary>
/// <remarks>
/// Weights are log2(m/u): m the probability that two accounts of the same person agree on the comparison, u that two
/// accounts of different persons do. The m and u values are priors chosen for the survey's data (duplicate accounts
/// often use another e-mail address, so an e-mail disagreement is weak evidence against; two different persons
/// almost never share a keyed hash, so an agreement is overwhelming evidence for) and checked against the
/// generator's ground truth with <c>marketstats link --evaluate</c>. Since issue 13 they are the starting point:
/// u is measured on random pairs and m estimated by EM on each run (<see cref="FellegiSunterModel"/>). The reasoning
/// behind the threshold is in docs/linkage.md.
/// </remarks>
public sealed record LinkageSettings
{
    /// <summary>MinHash LSH bands over the CLK's set bits; each band's key combines <see cref="HashesPerBand"/> min-hashes.</summary>
    /// <remarks>A pair shares a band with probability J^r (J Jaccard, r hashes per band) and some band with 1 − (1 − J^r)^b:
    /// with r = 9 and b = 64, two accounts at Dice 0.85 (J 0.74) meet with probability 0.99, at Dice 0.80 (J 0.67) 0.82,
    /// while unrelated workers (J about 0.25: common bigrams such as the "19" of birth years set the same bits) share
    /// a given band with probability about 4·10⁻⁶. More hashes per band would cut comparisons and recall together.</remarks>
    public int Bands { get; init; } = 64;
    public int HashesPerBand { get; init; } = 9;
    /// <summary>MinHash LSH over contract v2's four name-field encodings side by side, buckets split by kind and prefecture
    /// (<c>LshBlocking.NameCandidates</c>). BLIP's noise keeps one person's two name encodings at Dice about 0.70–0.80
    /// (J 0.55–0.65), so fewer hashes per band than the record pass: with r = 5 and b = 48 a pair meets with probability
    /// 0.92 at J 0.55, 0.98 at J 0.60, 0.997 at J 0.65. r = 4 found 0.4% more true pairs at 2.7 times the comparisons.
    /// <para>Off (0 bands) by default: at two million accounts (48 × 5) it raised the blocking recall at the threshold
    /// from 0.968 to 0.971 but the model linked the namesakes it also brought (precision 0.941 → 0.926, F1 0.954 → 0.949)
    /// and it cost more than the record pass it replaces between v2 workers (docs/benchmarks.md). With 0, the record
    /// pass compares every pair of workers, as before.</para></summary>
    public int NameBands { get; init; } = 0;

    /// <summary>MinHash LSH over contract v2 organisations' kanji name encodings, buckets split by prefecture, for the pairs
    /// with a field on one side only (<c>LshBlocking.PartialCandidates</c>); 0 bands: off. One firm's two name encodings
    /// under BLIP's noise are at J 0.55–0.8: with r = 4 and b = 32 they meet with probability 0.95 at J 0.55.</summary>
    public int PartialBands { get; init; } = 32;
    public int PartialHashesPerBand { get; init; } = 4;

    /// <summary>Min-hashes eight positions at a time with AVX2 where the processor has it (the same keys as the scalar
    /// loop, faster); false forces the scalar loop, so that tests cover it on machines with AVX2 too.</summary>
    internal bool VectorMinHashes { get; init; } = true;
    public int NameHashesPerBand { get; init; } = 5;
    /// <summary>A bucket with more accounts than this is skipped (sparse or degenerate encodings all look alike).</summary>
    public int MaxBucketSize { get; init; } = 200;

    /// <summary>Priors (m, u) of the agree and differ levels of each keyed hash and attribute: EM starts from the m values,
    /// and they stand in when the data are too few or EM diverges; u is measured on random pairs on each run.</summary>
    public TwoLevelPrior Email { get; init; } = new(0.55, 1e-7, 0.45, 1.0);
    public TwoLevelPrior Phone { get; init; } = new(0.50, 1e-7, 0.10, 1.0);
    public TwoLevelPrior CorporateNumber { get; init; } = new(0.99, 1e-8, 1e-4, 1.0);
    public TwoLevelPrior Prefecture { get; init; } = new(0.97, 0.10, 0.03, 0.90);
    /// <summary>Workers' age band: the same person may cross a band boundary between sign-ups, hence m 0.95.</summary>
    public TwoLevelPrior AgeBand { get; init; } = new(0.95, 0.25, 0.05, 0.75);
    public TwoLevelPrior Gender { get; init; } = new(0.98, 0.50, 0.02, 0.50);

    /// <summary>Graded Dice levels on the CLK, highest first: (lowest Dice of the level, prior m, prior u).</summary>
    public IReadOnlyList<DiceLevelPrior> DiceLevels { get; init; } =
    [
        new(0.90, 0.55, 1e-7),
        new(0.80, 0.30, 1e-5),
        new(0.70, 0.10, 5e-5),
        new(0.60, 0.03, 1e-2),
        new(0.00, 0.02, 0.99),
    ];

    /// <summary>Dice levels for organisations (clients): their encoding holds only a name and a postcode, no birth date,
    /// so two different firms of the same name in one area reach Dice levels that only one person's two accounts reach
    /// among workers; the levels are set higher.</summary>
    public IReadOnlyList<DiceLevelPrior> OrganisationDiceLevels { get; init; } =
    [
        new(0.95, 0.60, 1e-7),
        new(0.90, 0.20, 1e-5),
        new(0.85, 0.10, 1e-3),
        new(0.80, 0.05, 1e-2),
        new(0.00, 0.05, 0.95),
    ];

    /// <summary>Contract v2's name fields: Dice levels, highest first, set for BLIP's noise. Two accounts giving one
    /// name have Dice about 0.70–0.90 on a field (not 1: BLIP flips a twentieth of the bits of each), a typo puts
    /// them at 0.55–0.75, different names fall at 0.25–0.45 (docs/linkage.md): the cut points split those groups, so
    /// that EM can weigh a typo apart from an equal name and from a different one. Below 0.45, 0.30 splits a name that
    /// shares a part (a kanji variant, about 0.35–0.45) from one that shares nothing (about 0.2: a clearly different
    /// name), so that EM can make the latter the strong evidence against it is: at two million accounts a namesake
    /// born on the same day with a clearly different given name linked when one "lower" level held both (issue 13).</summary>
    public IReadOnlyList<DiceLevelPrior> NameFieldLevels { get; init; } =
    [
        new(0.80, 0.45, 0.010),
        new(0.65, 0.25, 0.010),
        new(0.55, 0.14, 0.015),
        new(0.45, 0.08, 0.070),
        new(0.30, 0.05, 0.250),
        new(0.00, 0.03, 0.645),
    ];

    /// <summary>Contract v2 workers: the record encoding's Dice grades (lowest Dice of each, highest first; the last, 0, holds
    /// the rest) within each stratum of what the fields say (<c>ComparisonTable.RecordBeyondFields</c>). No priors: the
    /// comparison starts neutral (m = u) and is learnt on each run. Empty: the record encoding is not compared between
    /// two v2 workers. One person's two accounts whose postcode agrees sit high within their stratum, namesakes lower.</summary>
    public IReadOnlyList<double> RecordBeyondFieldsLevels { get; init; } = [0.90, 0.85, 0.80, 0.75, 0.70, 0.60, 0.00];

    /// <summary>The m and u of <see cref="RecordBeyondFieldsLevels"/> are drawn towards the stratum's pooled distribution by
    /// this many pairs' worth: a stratum with few expected matches (or non-matches) then weighs about 0, not noise.</summary>
    public double RecordStratumPseudoPairs { get; init; } = 30;

    /// <summary><see cref="RecordBeyondFieldsLevels"/> are weighed only when the candidates hold at least this many expected
    /// matches sharing a keyed hash (m is their distribution, u what is left of the stratum once the expected matches are
    /// taken out); below, m = u (weight 0). On the held-out-like market (1,000 records, 100–200 such pairs over 378
    /// levels) the learnt weights cost F1 0.908 → 0.898; at 500,000 accounts there are about 60,000.</summary>
    public double RecordBeyondFieldsMinimumMatches { get; init; } = 1_000;

    /// <summary>The most a <see cref="RecordBeyondFieldsLevels"/> level may add, in bits; what it takes away is not bounded.
    /// Within a stratum one person's accounts give their names more alike than the stratum's class says (a typo is
    /// "near" from 0.45 to 0.65), and the record, which spells the names again, shows it: on the held-out-like market,
    /// whose records hold no postcode, the levels' gains were the names counted twice (10,000 records: F1 0.835 with
    /// the comparison off, 0.736 unbounded, 0.808 at 4 bits, 0.833 at 2, 0.837 at 1, 0.839 at 0). A record short of
    /// its stratum (the namesakes' postcodes differ) is the evidence the fields lack, and stays whole. At two million
    /// accounts: F1 0.9749 off, 0.9775 unbounded, 0.9788 at 1 bit, 0.9771 at 0 (docs/benchmarks.md).</summary>
    public double RecordBeyondFieldsMaximumBits { get; init; } = 1;

    /// <summary>Contract v2's birth date: the same date, only the same year, or a different one; with contract v3's parts
    /// on both sides, between those: day and month swapped, the same year and month (a day mistyped), the same month and
    /// day (a year mistyped). u: about 1/36,500 for the date, 1/780 for a year and month, 1/365 for a month and day.</summary>
    public BirthDatePrior BirthDate { get; init; } = new(0.90, 5e-5, 0.07, 0.02, 0.03, 0.98);

    /// <summary>Birth-date blocks (contract v2): accounts of one kind sharing a birth date are paired when some name
    /// field reaches this Dice; blocks above <see cref="MaxBirthDateBlock"/> accounts are skipped (a placeholder date).</summary>
    public double NameBlockingFloor { get; init; } = 0.6;
    public int MaxBirthDateBlock { get; init; } = 2_000;

    /// <summary>Name-field blocks (contract v2, <c>NameFieldBlocks</c>): accounts of one kind and birth year, skipped
    /// above this many accounts (survey scale: a similar name there is more often a namesake's), and accounts without
    /// a birth date against all while that takes fewer than <see cref="UndatedComparisonBudget"/> comparisons; a pair is
    /// kept when both names reach <see cref="NameFieldBlockFloor"/> (one name alone, the other missing:
    /// <see cref="SingleNameBlockFloor"/>). 0.55 is the lower end of a typo under BLIP; different names fall below 0.45.</summary>
    public int MaxBirthYearBlock { get; init; } = 1_000;
    /// <summary>Contract v3's month-and-day blocks (a mistyped year), skipped above this many accounts: a month and day is
    /// shared by about 65/366 as many accounts as a birth year, so 200 stops them at the market size the year cap does.</summary>
    public int MaxBirthMonthDayBlock { get; init; } = 200;
    /// <summary>Birth-date blocks of at most this many accounts of a kind give every pair to scoring (<c>NameFieldBlocks</c>);
    /// about 4 accounts share a date at 100,000 accounts, 80 at two million, where only the name-tested blocks run.</summary>
    public int SmallBirthDateBlock { get; init; } = 50;
    public double UndatedComparisonBudget { get; init; } = 5e7;
    public double NameFieldBlockFloor { get; init; } = 0.55;
    public double SingleNameBlockFloor { get; init; } = 0.65;

    /// <summary>Link when the match weight reaches this many bits: the prior log-odds that two random accounts of the
    /// kind are one person, log2(λ/(1−λ)), plus the summed log2(m/u). −2 bits is a posterior probability of 0.2 under
    /// the independence the model assumes; the cluster guard and the size cap then keep chains out. On the 100,000-account
    /// benchmark (prior about −16 bits) it asks the 14 bits of evidence the fixed-prior linker asked; on larger
    /// markets, where namesakes are more common, more.</summary>
    public double Threshold { get; init; } = -2.0;

    /// <summary>The one-to-one rule below the threshold (<c>MutualBestPairs</c>): a pair of two platforms whose accounts have
    /// no link on each other's platform is lifted by log2(accounts ÷ accounts without a link to the other platform), counted per run, by at
    /// most this many bits, and links when it reaches <see cref="Threshold"/> and each account is the other's single best
    /// candidate there. 0 turns the rule off. Measured in docs/linkage.md ("Mutual best pairs").</summary>
    public double MutualBestMaximumBits { get; init; } = 6;

    /// <summary>EM's starting match share among candidate pairs (the 300,000-line market had 1 true pair in 25–50 compared).</summary>
    public double PriorCandidateMatchShare { get; init; } = 1.0 / 30;

    /// <summary>The blocking keeps a pair when its Dice level plus the best possible support of the attributes reaches
    /// this many bits of evidence under the priors (blocking precedes EM, so the floor is fixed by the priors).</summary>
    public double BlockingEvidence { get; init; } = 14.0;

    /// <summary>A link between two accounts of one platform without a shared keyed hash (a person's second account
    /// there) needs this match weight; null (the default) estimates it per run from the keyed hashes
    /// (<see cref="SamePlatformPrior"/>) between <see cref="SamePlatformMinimumBits"/> and
    /// <see cref="SamePlatformMaximumBits"/> above <see cref="Threshold"/>. A fixed +10 bits refused half the true links
    /// of the held-out-like market (most persons with several records on one platform: F1 0.45); a fixed +2 let 2,198
    /// namesakes link within platforms at 2M, where nobody registers twice (F1 0.954 -> 0.920; docs/linkage.md).</summary>
    public double? SamePlatformThreshold { get; init; }

    /// <summary>The estimated same-platform threshold's bounds, in bits above <see cref="Threshold"/>: at least a
    /// posterior of 0.8 rather than 0.2, so that a weak fuzzy link cannot chain two of a platform's accounts together,
    /// and at most the fixed +10 bits (12 above) used before the estimate.</summary>
    public double SamePlatformMinimumBits { get; init; } = 4;
    public double SamePlatformMaximumBits { get; init; } = 12;

    /// <summary>Random pairs per kind whose comparison levels give u (as Splink does): a million pin a level of
    /// frequency 10⁻⁴ within ±10%; rarer levels keep their prior u when fewer than <see cref="MinimumUCount"/> are seen,
    /// and so do the levels the blocking selects on (a shared keyed hash, Dice above the floor): random pairs reaching
    /// them are mostly one person's accounts, so the sample measures λ·m there, not u.</summary>
    public int RandomPairs { get; init; } = 1_000_000;
    public int MinimumUCount { get; init; } = 10;

    /// <summary>EM stops when no m moves by more than this, or after <see cref="MaxEmIterations"/> (then: priors, with a warning).</summary>
    public double EmTolerance { get; init; } = 1e-6;
    public int MaxEmIterations { get; init; } = 500;
    /// <summary>EM needs this many pairs and this many expected matches in a training set; fewer and the priors stand.</summary>
    public int MinimumEmPairs { get; init; } = 100;
    public double MinimumEmMatches { get; init; } = 30;
    /// <summary>Estimated u stay at or above <see cref="MinimumProbability"/>, estimated m inside [<see cref="MinimumM"/>, <see cref="MaximumM"/>], so that no level becomes a certainty or a veto by estimation alone.</summary>
    public double MinimumProbability { get; init; } = 1e-6;
    public double MaximumM { get; init; } = 0.9999;

    /// <summary>No estimated m goes below this: a level that never occurs among the training set's matches (a differing
    /// prefecture on a market whose persons never move) would otherwise become a veto of −20 bits; at 0.001 it costs
    /// about 10 bits, which strong evidence can outweigh (people move, mistype, leave a field out): an identical record
    /// encoding in another prefecture still links across platforms, though not within one.</summary>
    public double MinimumM { get; init; } = 0.001;

    /// <summary>Term-frequency adjustment: an agreement on a keyed-hash value that this many accounts of the kind hold
    /// is weighed with u = the value's frequency (a shared office phone is weaker evidence than a private one). Values
    /// held by fewer are a person's own, where the frequency would only count the person's own accounts.</summary>
    public int TermFrequencyMinimumCount { get; init; } = 5;

    /// <summary>No cluster grows beyond this many accounts (a person has at most one account per platform and kind, roughly).</summary>
    public int MaxClusterSize { get; init; } = 30;

    public static double Weight(double m, double u) => Math.Log2(m / u);

    /// <summary>The prior's log-odds in bits.</summary>
    public static double PriorWeight(double matchShare) => Math.Log2(matchShare / (1 - matchShare));

    /// <summary>How many Dice levels below its <see cref="FuzzyFloor"/> the blocking still keeps organisations' pairs;
    /// 0 (the default): the floor itself. The floor is fixed by the priors; LSH already compares pairs one level lower
    /// (Dice 0.85 meets in a band with probability 0.99), where 980 true client pairs sat at 500,000 accounts, so keeping
    /// them costs scoring, not comparisons. The blocking's levels for EM and u (<c>SelectedLevels</c>) stay at the
    /// floor, so the kept level is scored with its u measured on random pairs. Measured with 1 and left off: at 500,000
    /// accounts it found the true pairs but linked firms of one name in one area there too (false pairs 2,861 → 10,965,
    /// F1 0.9790 → 0.9647; with the encoding's term frequency at that level 0.9755; docs/benchmarks.md, "The
    /// organisations' blocking floor").</summary>
    public int OrganisationLevelsBelowFloor { get; init; } = 0;

    /// <summary>The record Dice from which two contract v2 organisations, one giving a strict subset of the other's
    /// fields, may be compared on the containment of the smaller record in the larger (<c>LinkAccounts.PartialContainment</c>).
    /// A reading left out puts one firm's two records at Dice 0.70–0.80 (it adds about two thirds of the bits of a name
    /// and a postcode); far below, the smaller side lacks the postcode too, which has no field of its own, and is
    /// contained in any namesake's record. At two million accounts, of the pairs contained at 0.90 or more, 8,631 of
    /// 9,404 true ones and 142 of 3,995 false ones (namesakes in one prefecture) reach Dice 0.70 (docs/linkage.md).</summary>
    public double PartialRecordFloor { get; init; } = 0.70;

    /// <summary>Organisations' record comparison: the level of a pair whose containment (above) reaches this, between
    /// the Dice levels the blocking keeps and the ones below; its own level so that EM learns its m apart (pooled with
    /// Dice 0.90 it raised that level's m from 0.09 to 0.15 and let namesakes at Dice 0.90 link). A blocking level:
    /// its u is this prior, as for Dice 0.90.</summary>
    public DiceLevelPrior ContainedRecordLevel { get; init; } = new(0.90, 0.10, 1e-5);

    /// <summary>The Dice at or above which LSH keeps a compared pair of the kind: <see cref="FuzzyFloor"/>, for organisations
    /// <see cref="OrganisationLevelsBelowFloor"/> levels lower (never the last level, "lower", which holds every pair).</summary>
    public double BlockingFloor(bool workers)
    {
        if (workers) return FuzzyFloor(DiceLevels);
        var floor = FuzzyFloor(OrganisationDiceLevels);
        var lowestKept = OrganisationDiceLevels.Count(l => l.MinDice >= floor) - 1 + OrganisationLevelsBelowFloor;
        return OrganisationDiceLevels[Math.Min(lowestKept, OrganisationDiceLevels.Count - 2)].MinDice;
    }

    /// <summary>The lowest Dice worth keeping from blocking: below it, even every other agreement except a keyed hash
    /// (pairs sharing one are candidates anyway) cannot lift the pair to <see cref="BlockingEvidence"/> under the priors. Blocking
    /// precedes EM, so the floor is fixed by the priors.</summary>
    public double FuzzyFloor(IReadOnlyList<DiceLevelPrior> levels)
    {
        var bestSupport = Prefecture.AgreeWeight + AgeBand.AgreeWeight + Gender.AgreeWeight;
        return levels.Where(l => l.Weight + bestSupport >= BlockingEvidence).Select(l => l.MinDice).DefaultIfEmpty(1.0).Min();
    }
}

/// <summary>Prior m and u of a comparison with an agree and a differ level.</summary>
public sealed record TwoLevelPrior(double AgreeM, double AgreeU, double DifferM, double DifferU)
{
    public double AgreeWeight => LinkageSettings.Weight(AgreeM, AgreeU);
    public double DifferWeight => LinkageSettings.Weight(DifferM, DifferU);
}

/// <summary>Prior m and u of a Dice level (pairs at or above <paramref name="MinDice"/> and below the level above).</summary>
public sealed record DiceLevelPrior(double MinDice, double M, double U)
{
    public double Weight => LinkageSettings.Weight(M, U);
}

/// <summary>Prior m and u of the birth-date comparison's levels.</summary>
/// <remarks>The v3 levels' priors (swapped, year and month, month and day) have defaults, a date mistyped in a few percent
/// of records; EM learns their m on each run where a training set allows (not on the pairs market, which has no identifier).</remarks>
public sealed record BirthDatePrior(double ExactM, double ExactU, double YearOnlyM, double YearOnlyU, double DifferM, double DifferU,
    double SwappedM = 0.02, double SwappedU = 2e-5, double YearMonthM = 0.06, double YearMonthU = 1.3e-3, double MonthDayM = 0.03, double MonthDayU = 2.7e-3);
