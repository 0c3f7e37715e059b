using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports;

/// <summary>
/// The words of the survey's sections on accounts and persons, the whole market (estimate) and like-for-like growth, in
/// Japanese and English (reached through <see cref="SurveyLabels.Market"/>).
/// </summary>
public sealed class SurveyMarketLabels
{
    public required string Language { get; init; }

    // ---------- fact or estimate: every figure of these sections says which it is
    public required string FactTag { get; init; }
    public required string EstimateTag { get; init; }
    public required string TagHeader { get; init; }

    // ---------- summary block
    public required string SummaryBlockTitle { get; init; }
    public required IReadOnlyList<(string Term, string Definition)> SummaryRows { get; init; }

    // ---------- accounts and persons
    public required string PersonsSheet { get; init; }
    public required Func<int, string> PersonsTitle { get; init; }
    public required string PersonsNote { get; init; }
    public required IReadOnlyList<string> PersonsHeaders { get; init; }
    public required IReadOnlyDictionary<string, string> Kinds { get; init; }
    public required IReadOnlyDictionary<string, string> Bands { get; init; }
    public required string AllBands { get; init; }
    public required string DefinitionsTitle { get; init; }
    public required IReadOnlyList<(string Term, string Definition)> PersonsDefinitions { get; init; }
    public required Func<int, string> PersonsChartTitle { get; init; }
    public required IReadOnlyList<string> PersonsSeries { get; init; }
    public required string PersonsAxis { get; init; }

    // ---------- whole market (estimate)
    public required string EstimateSheet { get; init; }
    public required Func<int, string> EstimateTitle { get; init; }
    public required string EstimateNote { get; init; }
    public required IReadOnlyList<(string Term, string Definition)> EstimateRows { get; init; }
    public required string StrataTitle { get; init; }
    public required IReadOnlyList<string> StrataHeaders { get; init; }
    public required string EstimateMethodTitle { get; init; }
    public required string EstimateMethod { get; init; }
    public required string EstimateSourcesTitle { get; init; }
    public required IReadOnlyList<string> EstimateSourcesHeaders { get; init; }
    public required string EstimateWithheld { get; init; }
    public required Func<int, string> EstimateChartTitle { get; init; }
    public required IReadOnlyList<string> EstimateSeries { get; init; }
    public required string EstimateAxis { get; init; }

    // ---------- like-for-like growth
    public required string LikeForLikeSheet { get; init; }
    public required Func<int, string> LikeForLikeTitle { get; init; }
    public required string LikeForLikeNote { get; init; }
    public required IReadOnlyList<string> LikeForLikeHeaders { get; init; }
    public required string PublishedStatus { get; init; }
    public required string HeadlineSuppressedStatus { get; init; }
    public required Func<PlatformGroupText, string> WithheldStatus { get; init; }
    public required IReadOnlyDictionary<string, string> Groups { get; init; }
    public required string LikeForLikeRuleTitle { get; init; }
    public required string LikeForLikeRule { get; init; }
    public required Func<int, string> LikeForLikeChartTitle { get; init; }
    public required IReadOnlyList<string> LikeForLikeSeries { get; init; }
    public required string GrowthAxis { get; init; }

    public bool IsJapanese => Language == "ja";

    public string KindLabel(string kind) => Kinds.GetValueOrDefault(kind, kind);

    public string BandLabel(string? band) => band is null ? AllBands : Bands.GetValueOrDefault(band, band);

    private static DisclosurePolicy Policy => DisclosurePolicy.Survey;

    public static readonly SurveyMarketLabels Japanese = new()
    {
        Language = "ja",
        FactTag = "実績（会員のみ）",
        EstimateTag = "推計",
        TagHeader = "区分",
        SummaryBlockTitle = "会員の実績と推計の区別：この調査の見出しは会員プラットフォームの実績です。「推計」と記した値だけが非会員を含む推計です。",
        SummaryRows =
        [
            ("支払金額（会員のみ・見出し）", "報告した会員プラットフォームの支払金額の合計。非会員を含まない下限値です。"),
            ("市場全体の支払金額（推計）", "非会員プラットフォームの一覧と規模区分から、規模区分内の比推定で加えた推計値（「市場全体の推計」シート）。"),
            ("会員のカバー率（推計）", "会員の支払金額 ÷ 推計した市場全体。"),
            ("支払金額 前年度比（同一事業者ベース）", "両年度に支払のあった会員プラットフォームだけでみた前年度比（「同一事業者ベース成長率」シート）。"),
            ("ワーカー：登録アカウント数（会員の合計）", "年度末までに登録されたワーカーのアカウント数。複数のプラットフォームに登録した人は重複して数えられます。"),
            ("ワーカー：登録実人数（重複除去）", "名寄せにより同一人物を1人と数えた登録ワーカーの数。"),
            ("ワーカー：稼働実人数（重複除去）", "年度内に登録アカウントで1件以上の支払を受けた人の数。"),
        ],
        PersonsSheet = "登録と実人数",
        PersonsTitle = fy => $"登録アカウント数と実人数（{fy}年度まで、会員のみ）：ワーカーと発注者、登録プラットフォーム数別",
        PersonsNote = "登録アカウント数を足し上げると、複数のプラットフォームに登録した人を重複して数え、登録しただけで一度も仕事をしない人も数えます。実人数は名寄せで同一人物を1人と数えたもの、稼働実人数はそのうち年度内に支払のあった人です。",
        PersonsHeaders = ["年度", "区分", "登録プラットフォーム数", "登録アカウント数", "登録実人数", "稼働実人数", "1人当たりアカウント数", "稼働率（稼働実人数 ÷ 登録実人数）"],
        Kinds = new Dictionary<string, string> { ["worker"] = "ワーカー（受注者）", ["client"] = "発注者" },
        Bands = new Dictionary<string, string> { ["1"] = "1つ", ["2"] = "2つ", ["3+"] = "3つ以上" },
        AllBands = "計",
        DefinitionsTitle = "定義",
        PersonsDefinitions =
        [
            ("登録アカウント数", "年度末までに会員プラットフォームに登録されたアカウントの数（その年度の新規登録ではなく累計）。同じ人の別プラットフォームのアカウントは別に数えます。"),
            ("登録実人数", "登録アカウントを名寄せ（「出典と方法」シート）して同一人物・同一企業を1と数えた数。"),
            ("稼働実人数", "登録実人数のうち、年度内に登録済みのアカウントで1件以上の支払があった人・企業の数。"),
            ("登録プラットフォーム数", "その人・企業が年度末までに登録していた会員プラットフォームの数（1つ、2つ、3つ以上）。"),
            ("秘匿", $"行の3つの値はまとめて公表・秘匿します（アカウント数から人数が分かるため）。稼働実人数（稼働がなければ登録実人数）が{Policy.MinPersons}人未満、アカウントのあるプラットフォームが{Policy.MinPlatforms}未満、または上位{Policy.DominanceTopPlatforms}社がアカウントの{Policy.DominanceMaxShareText}超を占める行は秘匿し、計から逆算できないよう二次秘匿します。"),
        ],
        PersonsChartTitle = fy => $"登録アカウント数と実人数（{fy}年度）",
        PersonsSeries = ["登録アカウント数", "登録実人数", "稼働実人数"],
        PersonsAxis = "件数・人数",
        EstimateSheet = "市場全体の推計",
        EstimateTitle = fy => $"市場全体の推計（{fy}年度、支払ベース）：会員の実績と非会員分の推計",
        EstimateNote = "「実績（会員のみ）」は会員が報告したデータの集計、「推計」は非会員プラットフォームの一覧と規模区分から加えた推計で、実績ではありません。見出しの市場規模は会員のみの実績です。",
        EstimateRows =
        [
            ("会員プラットフォームの支払金額", "年度内に支払のあった会員プラットフォームの支払金額の合計（見出しの市場規模）。"),
            ("市場全体の支払金額（推計）", "会員の支払金額 ＋ 非会員の推計支払金額（層ごとの比推定）。"),
            ("推計の幅：下限", "すべての非会員を規模区分の下限とした場合。"),
            ("推計の幅：上限", "すべての非会員を規模区分の上限とした場合。"),
            ("会員のカバー率", "会員の支払金額 ÷ 推計した市場全体の支払金額。"),
            ("会員プラットフォーム数", "年度内に支払のあった会員プラットフォームの数。"),
            ("非会員プラットフォーム数（一覧）", "事務局が管理する非会員一覧（data/non-member-platforms.csv）の数。"),
        ],
        StrataTitle = "層別の推計（規模区分、会員の年間支払金額による）",
        StrataHeaders = ["層（規模区分）", "年間支払金額の下限", "年間支払金額の上限", "会員数", "非会員数", "会員1社当たり支払金額（平均）", "非会員の推計支払金額", "非会員 下限", "非会員 上限"],
        EstimateMethodTitle = "推計の方法",
        EstimateMethod = $"規模区分（data/platform-size-classes.csv）は年間支払金額の範囲です。会員は自社の年度の支払金額で、非会員は事務局が公表資料などから区分を付けます（出典は下表）。層ごとに会員1社当たりの平均支払金額を求め、非会員1社をその平均（ただし非会員自身の区分の範囲内に収めた値）と見なして加えます（比推定）。平均が1社の値にならないよう、会員が{Policy.MinPlatforms}社未満、または上位{Policy.DominanceTopPlatforms}社で{Policy.DominanceMaxShareText}を超える区分は隣の区分と合わせて一つの層にします（大きい方へ、最大の区分は小さい方へ）。推計の幅は非会員を区分の下限・上限に置いた値です。",
        EstimateSourcesTitle = "非会員一覧の出典",
        EstimateSourcesHeaders = ["出典", "年", "非会員数"],
        EstimateWithheld = "この年度は推計を公表しません（見出しの支払金額が秘匿されているか、どの層の組み方でも会員の層が公表基準を満たしません）。",
        EstimateChartTitle = fy => $"会員の実績と市場全体の推計（{fy}年度）",
        EstimateSeries = ["実績（会員のみ）", "推計：非会員分", "推計の幅"],
        EstimateAxis = "支払金額（百万円）",
        LikeForLikeSheet = "同一事業者ベース成長率",
        LikeForLikeTitle = fy => $"同一事業者ベースの前年度比（{fy}年度まで、会員のみ）",
        LikeForLikeNote = "見出しの前年度比は、新たに報告を始めた会員や報告をやめた会員の分も含みます。同一事業者ベースは両年度に支払のあった会員プラットフォームだけで比べた増減率です。",
        LikeForLikeHeaders = ["年度", "支払金額 前年度比（全体）", "支払金額 前年度比（同一事業者ベース）", "支払件数 前年度比（全体）", "支払件数 前年度比（同一事業者ベース）",
            "両年度に支払のあるプラットフォーム数", "参入プラットフォーム数", "退出プラットフォーム数",
            "継続プラットフォームの支払金額（前年度）", "継続プラットフォームの支払金額（当年度）", "参入プラットフォームの支払金額（当年度）", "退出プラットフォームの支払金額（前年度）", "公表状況"],
        PublishedStatus = "公表",
        HeadlineSuppressedStatus = "非公表：比較する年度の支払金額の合計が秘匿されています",
        WithheldStatus = g => $"非公表：{g.FiscalYear}年度の{g.Group}が{g.Reason}（全体の前年度比と並べると、その合計が逆算できるため）",
        Groups = new Dictionary<string, string>
        {
            ["Joined"] = "参入プラットフォーム", ["Left"] = "退出プラットフォーム", ["JoinedAndLeft"] = "同じ年度に参入し退出したプラットフォーム",
        },
        LikeForLikeRuleTitle = "公表の規則",
        LikeForLikeRule = $"全体の前年度比と同一事業者ベースの前年度比を並べると、参入・退出したプラットフォームの支払金額の合計が逆算できます（退出がなければ 参入分 ＝ 当年度 － 前年度 ×（1 ＋ 同一事業者ベースの増減率））。そのため、参入プラットフォームの集合と退出プラットフォームの集合（2つの年度を並べて差し引けるよう、翌年度も残るか・前年度に参入したかで分けた集合）のそれぞれが、{Policy.MinPlatforms}社以上で、上位{Policy.DominanceTopPlatforms}社が{Policy.DominanceMaxShareText}以下でない限り、同一事業者ベースの値は公表しません。",
        LikeForLikeChartTitle = fy => $"支払金額の前年度比：全体と同一事業者ベース（{fy}年度まで）",
        LikeForLikeSeries = ["全体（見出し）", "同一事業者ベース"],
        GrowthAxis = "前年度比（%）",
    };

    public static readonly SurveyMarketLabels English = new()
    {
        Language = "en",
        FactTag = "Fact (members only)",
        EstimateTag = "Estimate",
        TagHeader = "Kind of figure",
        SummaryBlockTitle = "Facts and estimates: the survey's headline figures are the member platforms' own data. Only figures marked 'Estimate' include non-members, and they are estimates.",
        SummaryRows =
        [
            ("Paid value (members only, headline)", "Paid value over the reporting member platforms. A lower bound: non-members are not in it."),
            ("Paid value of the whole market (estimate)", "Grossed up from the list of non-member platforms and their size classes by ratio estimation within size classes (sheet 'Whole market (estimate)')."),
            ("Members' coverage (estimate)", "Members' paid value ÷ the estimated whole market."),
            ("Paid value YoY, like-for-like", "Growth over the member platforms paid in both years (sheet 'Like-for-like growth')."),
            ("Workers: registered accounts (summed over members)", "Worker accounts registered by the year's end. A person registered on several platforms counts once on each."),
            ("Workers: unique registered persons", "Registered workers after linkage, the same person counted once."),
            ("Workers: unique active persons", "Persons paid at least once in the year on a registered account."),
        ],
        PersonsSheet = "Accounts and persons",
        PersonsTitle = fy => $"Registered accounts and unique persons (up to FY{fy}, members only): workers and clients, by platforms registered on",
        PersonsNote = "Summing registered accounts counts a person registered on several platforms more than once, and counts people who register and never work. Unique persons count the same person once (linkage); active persons are those of them paid in the year.",
        PersonsHeaders = ["Fiscal year", "Kind", "Platforms registered on", "Registered accounts", "Unique registered persons", "Unique active persons", "Accounts per person", "Active share (active ÷ registered persons)"],
        Kinds = new Dictionary<string, string> { ["worker"] = "Workers", ["client"] = "Clients" },
        Bands = new Dictionary<string, string> { ["1"] = "1", ["2"] = "2", ["3+"] = "3 or more" },
        AllBands = "All",
        DefinitionsTitle = "Definitions",
        PersonsDefinitions =
        [
            ("Registered accounts", "Accounts registered on member platforms by the fiscal year's last day (the stock, not the year's sign-ups). One person's accounts on different platforms count separately."),
            ("Unique registered persons", "Registered accounts linked into persons and companies (see Sources and method), each counted once."),
            ("Unique active persons", "Unique registered persons with at least one paid line in the fiscal year on an account registered by then."),
            ("Platforms registered on", "How many member platforms the person or company was registered on by the year's end (1, 2, 3 or more)."),
            ("Suppression", $"A row's three figures are published or suppressed together (its accounts would tell its persons). A row is suppressed when it has fewer than {Policy.MinPersons} active persons (registered persons when none is active), fewer than {Policy.MinPlatforms} platforms with its accounts, or its top {Policy.DominanceTopPlatforms} platforms hold over {Policy.DominanceMaxShareText} of its accounts; complements keep it from being recomputed from the total."),
        ],
        PersonsChartTitle = fy => $"Registered accounts and unique persons (FY{fy})",
        PersonsSeries = ["Registered accounts", "Unique registered persons", "Unique active persons"],
        PersonsAxis = "Accounts / persons",
        EstimateSheet = "Whole market (estimate)",
        EstimateTitle = fy => $"The whole market (FY{fy}, paid basis): members' facts and an estimate for non-members",
        EstimateNote = "'Fact (members only)' is the members' reported data; 'Estimate' adds non-member platforms from a list with size classes and is not reported data. The headline market size is the members-only fact.",
        EstimateRows =
        [
            ("Members' paid value", "Paid value over the member platforms paid in the year (the headline market size)."),
            ("Paid value of the whole market (estimate)", "Members' paid value + the estimate for non-members (ratio estimation within strata)."),
            ("Range: low", "Every non-member at its size class's lower bound."),
            ("Range: high", "Every non-member at its size class's upper bound."),
            ("Members' coverage", "Members' paid value ÷ the estimated whole market."),
            ("Member platforms", "Member platforms paid in the year."),
            ("Non-member platforms (list)", "Platforms on the staff-maintained list (data/non-member-platforms.csv)."),
        ],
        StrataTitle = "Estimate by stratum (size classes, members classed by their own paid value)",
        StrataHeaders = ["Stratum (size classes)", "Annual paid value from", "Annual paid value to", "Members", "Non-members", "Mean paid value per member", "Non-members (estimate)", "Non-members low", "Non-members high"],
        EstimateMethodTitle = "Method",
        EstimateMethod = $"Size classes (data/platform-size-classes.csv) are ranges of annual paid value. Members are classed by their own paid value in the year; non-members by staff from public sources (listed below). In each stratum, the members' mean paid value per platform is carried over to each non-member, held within the non-member's own class bounds (ratio estimation). So that no mean is one member's value, a class with fewer than {Policy.MinPlatforms} members, or whose top {Policy.DominanceTopPlatforms} hold over {Policy.DominanceMaxShareText}, is merged with the next larger class (the largest with the next smaller) into one stratum. The range puts every non-member at its class's lower and upper bound.",
        EstimateSourcesTitle = "Sources of the non-member list",
        EstimateSourcesHeaders = ["Source", "Year", "Non-members"],
        EstimateWithheld = "No estimate is published for this year: the headline paid value is suppressed, or no arrangement of strata lets the members' strata pass the disclosure rule.",
        EstimateChartTitle = fy => $"Members' paid value and the whole market (FY{fy})",
        EstimateSeries = ["Fact (members only)", "Estimate: non-members", "Range of the estimate"],
        EstimateAxis = "Paid value (million yen)",
        LikeForLikeSheet = "Like-for-like growth",
        LikeForLikeTitle = fy => $"Like-for-like growth (up to FY{fy}, members only)",
        LikeForLikeNote = "The headline growth includes members that started or stopped reporting. Like-for-like growth compares only the member platforms paid in both years.",
        LikeForLikeHeaders = ["Fiscal year", "Paid value YoY (all)", "Paid value YoY (like-for-like)", "Lines paid YoY (all)", "Lines paid YoY (like-for-like)",
            "Platforms paid in both years", "Platforms joining", "Platforms leaving",
            "Continuing platforms' paid value (previous year)", "Continuing platforms' paid value (this year)", "Joining platforms' paid value (this year)", "Leaving platforms' paid value (previous year)", "Status"],
        PublishedStatus = "published",
        HeadlineSuppressedStatus = "withheld: a compared year's total paid value is suppressed",
        WithheldStatus = g => $"withheld: FY{g.FiscalYear}'s {g.Group}: {g.Reason} (beside the headline growth, their total could be recomputed)",
        Groups = new Dictionary<string, string>
        {
            ["Joined"] = "joining platforms", ["Left"] = "leaving platforms", ["JoinedAndLeft"] = "platforms joining and leaving in that year",
        },
        LikeForLikeRuleTitle = "Rule for publishing",
        LikeForLikeRule = $"Beside the headline growth, a like-for-like growth gives away the total of the platforms that joined or left (with no leaver, joiners = this year − last year × (1 + like-for-like growth)). So the like-for-like figures are withheld unless the set of joining platforms and the set of leaving platforms (split by whether they stay the next year shown, or had joined the year before, so that two years side by side reveal no smaller set) each have at least {Policy.MinPlatforms} platforms and their top {Policy.DominanceTopPlatforms} hold at most {Policy.DominanceMaxShareText}.",
        LikeForLikeChartTitle = fy => $"Paid value YoY: all platforms and like-for-like (up to FY{fy})",
        LikeForLikeSeries = ["All (headline)", "Like-for-like"],
        GrowthAxis = "YoY (%)",
    };
}

/// <summary>A withheld set of platforms as a status text names it: the group's words, its year, the rule's reason.</summary>
public sealed record PlatformGroupText(string Group, int FiscalYear, string Reason);
