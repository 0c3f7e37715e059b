using System.Globalization;
using System.Text;
using MarketStats.Core.Privacy;

namespace MarketStats.Synthetic;

/// <summary>Invented names, birth dates and postcodes for synthetic persons and organisations, and the noise each
/// account adds when the same person signs up again elsewhere; they exist only in memory, never on disk.</summary>
/// <remarks>
/// A person's true identity is a pure function of (seed, kind, person), so nothing needs storing for a million people.
/// Name lists are small on purpose: many people share a name, so linkage must rely on birth date and postcode too.
/// </remarks>
internal static class SyntheticIdentity
{
    private static readonly (string Kanji, string Kana)[] FamilyNames =
    [
        ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"), ("渡辺", "ワタナベ"),
        ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
        ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"),
        ("斎藤", "サイトウ"), ("清水", "シミズ"), ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"),
        ("阿部", "アベ"), ("石川", "イシカワ"), ("山下", "ヤマシタ"), ("中島", "ナカジマ"), ("石井", "イシイ"), ("小川", "オガワ"),
        ("前田", "マエダ"), ("岡田", "オカダ"), ("長谷川", "ハセガワ"), ("藤田", "フジタ"), ("後藤", "ゴトウ"), ("近藤", "コンドウ"),
        ("村上", "ムラカミ"), ("遠藤", "エンドウ"), ("青木", "アオキ"), ("坂本", "サカモト"), ("西村", "ニシムラ"), ("福田", "フクダ"),
    ];

    /// <summary>Less common family names, composed of two parts (石+原 = 石原, イシ+ハラ = イシハラ); readings are
    /// plausible, not always the customary one.</summary>
    private static readonly (string Kanji, string Kana)[] FamilyHeads =
    [
        ("石", "イシ"), ("松", "マツ"), ("竹", "タケ"), ("梅", "ウメ"), ("杉", "スギ"), ("今", "イマ"), ("大", "オオ"), ("小", "コ"),
        ("上", "カミ"), ("下", "シモ"), ("西", "ニシ"), ("東", "ヒガシ"), ("北", "キタ"), ("南", "ミナミ"), ("宮", "ミヤ"), ("岩", "イワ"),
        ("野", "ノ"), ("水", "ミズ"), ("金", "カネ"), ("平", "ヒラ"), ("福", "フク"), ("若", "ワカ"), ("荒", "アラ"), ("白", "シロ"),
    ];

    private static readonly (string Kanji, string Kana)[] FamilyTails =
    [
        ("原", "ハラ"), ("川", "カワ"), ("村", "ムラ"), ("野", "ノ"), ("沢", "サワ"), ("谷", "タニ"), ("岡", "オカ"), ("島", "シマ"),
        ("井", "イ"), ("本", "モト"), ("田", "タ"), ("口", "グチ"), ("橋", "ハシ"), ("浦", "ウラ"), ("山", "ヤマ"), ("森", "モリ"),
    ];

    /// <summary>Given names are composed of a head and a tail (陽+子 = 陽子, ヨウ+コ = ヨウコ): a few hundred names from
    /// two short lists, so namesakes are common but not the rule, as in a real population.</summary>
    private static readonly (string Kanji, string Kana)[] GivenHeads =
    [
        ("陽", "ヨウ"), ("裕", "ユウ"), ("恵", "ケイ"), ("美", "ミ"), ("直", "ナオ"), ("真", "マ"), ("智", "トモ"), ("和", "カズ"),
        ("健", "ケン"), ("大", "ダイ"), ("翔", "ショウ"), ("拓", "タク"), ("雄", "ユウ"), ("正", "マサ"), ("浩", "ヒロ"), ("隆", "タカ"),
        ("明", "アキ"), ("千", "チ"), ("久", "ヒサ"), ("由", "ユ"), ("亜", "ア"), ("彩", "サイ"), ("良", "リョウ"), ("信", "ノブ"),
    ];

    private static readonly (string Kanji, string Kana)[] GivenTails =
    [
        ("子", "コ"), ("美", "ミ"), ("香", "カ"), ("太", "タ"), ("介", "スケ"), ("也", "ヤ"), ("樹", "キ"), ("人", "ト"),
        ("一", "イチ"), ("斗", "ト"), ("奈", "ナ"), ("恵", "エ"), ("平", "ヘイ"), ("男", "オ"), ("代", "ヨ"), ("郎", "ロウ"),
    ];


    private static readonly (string Kanji, string Kana)[] CompanyWords =
    [
        ("東京", "トウキョウ"), ("日本", "ニホン"), ("中央", "チュウオウ"), ("未来", "ミライ"), ("光", "ヒカリ"), ("大和", "ヤマト"),
        ("北斗", "ホクト"), ("青葉", "アオバ"), ("桜", "サクラ"), ("富士", "フジ"), ("平和", "ヘイワ"), ("共栄", "キョウエイ"),
        ("双葉", "フタバ"), ("若葉", "ワカバ"), ("朝日", "アサヒ"), ("丸", "マル"), ("アーク", "アーク"), ("ネクスト", "ネクスト"),
        ("グリーン", "グリーン"), ("スター", "スター"), ("みらい", "ミライ"), ("北陸", "ホクリク"), ("関西", "カンサイ"), ("九州", "キュウシュウ"),
    ];

    private static readonly (string Kanji, string Kana)[] CompanySuffixes =
    [
        ("商事", "ショウジ"), ("工業", "コウギョウ"), ("企画", "キカク"), ("デザイン", "デザイン"), ("システム", "システム"),
        ("製作所", "セイサクショ"), ("建設", "ケンセツ"), ("不動産", "フドウサン"), ("食品", "ショクヒン"), ("印刷", "インサツ"),
        ("総研", "ソウケン"), ("ホールディングス", "ホールディングス"),
    ];

    /// <summary>Old and simplified forms of the same kanji (斎/斉, 辺/邊…): a classic reason two records of one person differ.</summary>
    private static readonly Dictionary<char, char> KanjiVariants = new()
    {
        ['斎'] = '斉', ['辺'] = '邊', ['高'] = '髙', ['崎'] = '﨑', ['沢'] = '澤', ['島'] = '嶋', ['藤'] = '籐', ['子'] = '了',
        ['美'] = '実', ['田'] = '由', ['本'] = '木', ['山'] = '岡',
    };

    /// <summary>First two postcode digits of each prefecture (JIS order 01–47); approximate, but plausible.</summary>
    private static readonly int[] PostcodeAreas =
    [
        4, 3, 2, 98, 1, 99, 96, 30, 32, 37, 33, 26, 10, 21, 94, 93, 92, 91, 40, 38, 50, 41, 45, 51, 52, 60, 53, 65, 63, 64,
        68, 69, 70, 72, 74, 77, 76, 79, 78, 80, 84, 85, 86, 87, 88, 89, 90,
    ];

    /// <summary>A person's or organisation's true identity, before any account's noise.</summary>
    public readonly record struct Identity(string FamilyKanji, string? GivenKanji, string FamilyKana, string? GivenKana, DateOnly? BirthDate, int Postcode);

    public static Identity ForWorker(int seed, int person, byte prefecture, sbyte ageBand)
    {
        var h = Mix(seed, 1, person);
        var family = FamilyName(h & 0xFFFF);
        var given = GivenName(h >> 16);
        var dates = Mix(seed, 3, person); // separate draws, so that name, age and postcode are independent
        var age = (ageBand + 1) * 10 + (int)(dates % 10);
        var birth = new DateOnly(2025 - age, 1, 1).AddDays((int)(dates / 16 % 365));
        return new Identity(family.Kanji, given.Kanji, family.Kana, given.Kana, birth, Postcode(prefecture, Mix(seed, 4, person)));
    }

    public static Identity ForClient(int seed, int organisation, byte prefecture, bool isOrganisation)
    {
        var h = Mix(seed, 2, organisation);
        var family = FamilyName(h & 0xFFFF);
        if (isOrganisation)
        {
            // [Founder's family name +] a word + a trade: about 12,000 names, some shared, as in real registries.
            var word = CompanyWords[(int)((h >> 16) % (ulong)CompanyWords.Length)];
            var suffix = CompanySuffixes[(int)((h >> 32) % (ulong)CompanySuffixes.Length)];
            var name = (h >> 48) % 2 == 0 ? (family.Kanji + word.Kanji, family.Kana + word.Kana) : (word.Kanji, word.Kana);
            return new Identity(name.Item1 + suffix.Kanji, null, name.Item2 + suffix.Kana, null, null, Postcode(prefecture, Mix(seed, 5, organisation)));
        }
        var given = GivenName(h >> 16);
        var birth = new DateOnly(1950, 1, 1).AddDays((int)(Mix(seed, 6, organisation) % 18_000));
        return new Identity(family.Kanji, given.Kanji, family.Kana, given.Kana, birth, Postcode(prefecture, Mix(seed, 5, organisation)));
    }

    /// <summary>Half the population carries one of the 42 commonest family names, the rest a composed one (384 more).</summary>
    private static (string Kanji, string Kana) FamilyName(ulong h)
    {
        if (h % 2 == 0) return FamilyNames[(int)(h / 2 % (ulong)FamilyNames.Length)];
        var head = FamilyHeads[(int)(h / 2 % (ulong)FamilyHeads.Length)];
        var tail = FamilyTails[(int)(h / 64 % (ulong)FamilyTails.Length)];
        return (head.Kanji + tail.Kanji, head.Kana + tail.Kana);
    }

    private static (string Kanji, string Kana) GivenName(ulong h)
    {
        var head = GivenHeads[(int)(h % (ulong)GivenHeads.Length)];
        var tail = GivenTails[(int)((h >> 16) % (ulong)GivenTails.Length)];
        return (head.Kanji + tail.Kanji, head.Kana + tail.Kana);
    }

    private static int Postcode(byte prefecture, ulong h) => PostcodeAreas[prefecture] * 100_000 + (int)(h % 100_000);

    /// <summary>What one account shows: the identity as typed on that platform, with typos, variants and gaps.</summary>
    public static IdentityFields AsTyped(in Identity identity, Random rng)
    {
        var familyKanji = rng.NextDouble() < 0.06 ? Variant(identity.FamilyKanji, rng) : identity.FamilyKanji;
        var givenKanji = identity.GivenKanji is { } g && rng.NextDouble() < 0.06 ? Variant(g, rng) : identity.GivenKanji;
        if (rng.NextDouble() < 0.02) givenKanji = null;
        string? familyKana = identity.FamilyKana, givenKana = identity.GivenKana;
        if (rng.NextDouble() < 0.08) familyKana = givenKana = null; // the reading was optional on this sign-up form
        else
        {
            familyKana = KanaAsTyped(familyKana, rng);
            givenKana = givenKana is null ? null : KanaAsTyped(givenKana, rng);
        }
        string? birth = null;
        if (identity.BirthDate is { } b && rng.NextDouble() >= 0.04)
        {
            var typed = rng.NextDouble() < 0.03 ? b.AddDays(rng.Next(2) == 0 ? 1 : -1) : b;
            birth = rng.Next(3) switch
            {
                0 => typed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                1 => typed.ToString("yyyy/M/d", CultureInfo.InvariantCulture),
                _ => typed.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            };
        }
        string? postcode = null;
        if (rng.NextDouble() >= 0.05)
        {
            // Moved house within the prefecture: same first two digits, new rest.
            var code = rng.NextDouble() < 0.08 ? identity.Postcode / 100_000 * 100_000 + rng.Next(100_000) : identity.Postcode;
            var digits = code.ToString("D7", CultureInfo.InvariantCulture);
            postcode = rng.Next(2) == 0 ? digits : $"〒{digits[..3]}-{digits[3..]}";
        }
        return new IdentityFields(familyKanji, givenKanji, familyKana, givenKana, birth, postcode);
    }

    private static string Variant(string kanji, Random rng)
    {
        var chars = kanji.ToCharArray();
        var candidates = Enumerable.Range(0, chars.Length).Where(i => KanjiVariants.ContainsKey(chars[i])).ToArray();
        if (candidates.Length == 0) return kanji;
        var at = candidates[rng.Next(candidates.Length)];
        chars[at] = KanjiVariants[chars[at]];
        return new string(chars);
    }

    /// <summary>Hiragana or half-width forms (normalisation folds them) or a one-letter typo (it cannot).</summary>
    private static string KanaAsTyped(string kana, Random rng)
    {
        var r = rng.NextDouble();
        if (r < 0.10) return new string([.. kana.Select(c => c is >= 'ァ' and <= 'ヶ' ? (char)(c - 0x60) : c)]);
        if (r < 0.15) return kana.Normalize(NormalizationForm.FormKC) == kana ? HalfWidth(kana) : kana;
        if (r < 0.19 && kana.Length > 2)
        {
            var chars = kana.ToCharArray();
            var at = rng.Next(chars.Length);
            chars[at] = (char)(chars[at] is >= 'ア' and < 'ン' ? chars[at] + 1 : chars[at]);
            return new string(chars);
        }
        return kana;
    }

    private static string HalfWidth(string kana)
    {
        const string full = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
        const string half = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ";
        return new string([.. kana.Select(c => full.IndexOf(c, StringComparison.Ordinal) is var i and >= 0 ? half[i] : c)]);
    }

    private static ulong Mix(int seed, int part, int index)
    {
        var x = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)part * 0xD1B54A32D192ED03UL ^ (ulong)(uint)index * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return x ^ (x >> 31);
    }
}
