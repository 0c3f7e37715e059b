using System.Globalization;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Survey;

/// <summary>Every word of the survey's distribution and rate sheets and charts, in Japanese and English.</summary>
public sealed class DistributionLabels
{
    public required string Language { get; init; }

    // ---------- distributions sheet
    public required string DistributionsSheet { get; init; }
    public required Func<int, string> DistributionsTitle { get; init; }
    public required Func<int, string> JobValueTitle { get; init; }
    public required string JobsHeader { get; init; }
    public required IReadOnlyList<string> QuartileHeaders { get; init; }
    public required Func<int, string> WorkerPayTitle { get; init; }
    public required string GenderHeader { get; init; }
    public required string WorkersHeader { get; init; }
    public required Func<int, string> DecileHeader { get; init; }
    public required string AtLeast50kHeader { get; init; }
    public required string AtLeast150kHeader { get; init; }
    public required string TopTenShareHeader { get; init; }
    public required Func<string, string> BandShareHeader { get; init; }
    public required string YenSuffix { get; init; }
    public required string BandBelow { get; init; }
    public required string BandAndOver { get; init; }
    public required IReadOnlyList<(string Term, string Definition)> DistributionDefinitions { get; init; }

    // ---------- rates sheet
    public required string RatesSheet { get; init; }
    public required Func<int, string> RatesTitle { get; init; }
    public required string DimensionHeader { get; init; }
    public required string ItemHeader { get; init; }
    public required string CancellationHeader { get; init; }
    public required string DisputeHeader { get; init; }
    public required string FeeRateHeader { get; init; }
    public required string ByForm { get; init; }
    public required string ByCategory { get; init; }
    public required string AllLines { get; init; }
    public required Func<int, string> ClientTypesTitle { get; init; }
    public required string ClientTypeHeader { get; init; }
    public required string PaidHeader { get; init; }
    public required string PaidShareHeader { get; init; }
    public required IReadOnlyDictionary<string, string> ClientTypes { get; init; }
    public required string PublicBodyShareLabel { get; init; }
    public required IReadOnlyList<(string Term, string Definition)> RateDefinitions { get; init; }
    public required string DefinitionsHeading { get; init; }

    // ---------- sources and method
    public required string MethodSection { get; init; }
    public required Func<DisclosurePolicy, string> MethodNote { get; init; }

    // ---------- charts
    public required Func<int, string> PayChartTitle { get; init; }
    public required string PayAxis { get; init; }
    public required string DecileAxis { get; init; }
    public required Func<int, string> JobBandsChartTitle { get; init; }
    public required string ShareAxis { get; init; }
    public required string MonthlyLine50k { get; init; }
    public required string MonthlyLine150k { get; init; }

    public static DistributionLabels For(string language) => language == "en" ? English : Japanese;

    public string ClientTypeLabel(string? code, SurveyLabels survey) =>
        code is null ? survey.AllRows : ClientTypes.GetValueOrDefault(code, code == "unknown" ? survey.Unknown : code);

    /// <summary>A band's range as the table prints it: "under ¥1,000", "¥1,000–9,999", "¥1,000,000 and over".</summary>
    public string BandLabel(ValueBand band)
    {
        string Yen(long v) => v.ToString("#,##0", CultureInfo.InvariantCulture);
        return (band.LowerJpy, band.UpperJpy) switch
        {
            (0, { } upper) => string.Format(CultureInfo.InvariantCulture, BandBelow, Yen(upper)),
            (var lower, null) => string.Format(CultureInfo.InvariantCulture, BandAndOver, Yen(lower)),
            (var lower, { } upper) => $"{(Language == "en" ? "¥" : "")}{Yen(lower)}–{Yen(upper - 1)}{YenSuffix}",
        };
    }

    public static readonly DistributionLabels Japanese = new()
    {
        Language = "ja",
        DistributionsSheet = "分布",
        DistributionsTitle = fy => $"案件の金額と受注者の年間受取額の分布（{fy}年度、支払ベース）",
        JobValueTitle = fy => $"1案件当たりの支払金額（{fy}年度、受発注形態別）",
        JobsHeader = "支払のあった案件数",
        QuartileHeaders = ["第1四分位", "中央値", "第3四分位"],
        WorkerPayTitle = fy => $"稼働受注者1人当たりの年間受取金額（{fy}年度、名寄せ後の人単位、年齢層×性別）",
        GenderHeader = "性別",
        WorkersHeader = "稼働受注者数",
        DecileHeader = d => $"第{d}十分位",
        AtLeast50kHeader = "月5万円相当以上（年60万円以上）の割合",
        AtLeast150kHeader = "月15万円相当以上（年180万円以上）の割合",
        TopTenShareHeader = "上位10%が受け取った割合",
        BandShareHeader = band => $"{band}の割合",
        YenSuffix = "円",
        BandBelow = "{0}円未満",
        BandAndOver = "{0}円以上",
        DistributionDefinitions =
        [
            ("1案件当たりの支払金額", "案件（プラットフォーム内で一意）ごとに、年度内に支払われた明細の金額を合計したもの。タスク形式の案件は多数の受注者への支払の合計です。"),
            ("四分位・十分位", "値を小さい順に並べたときの25%・50%・75%（十分位は10%～90%）の位置の値。個人や1案件の値そのものを公表しないよう、その位置の前後の少なくとも5人（案件では5人の発注者）分の値の平均を、有効数字3桁に丸めて公表します。"),
            ("金額帯", "2016年の市場調査報告が示す1案件当たりの金額の幅（タスク形式「数十円～数百円」、コンペ形式「数千円～数十万円超」、プロジェクト形式「数千円～数百万円超」）に合わせた区分。"),
            ("年間受取金額", "稼働受注者（名寄せ後の人）が年度内に全プラットフォームで支払を受けた金額の合計（手数料控除前）。アカウントではなく人の単位です。"),
            ("月5万円・月15万円相当", "年間受取金額が60万円（5万円×12か月）以上、180万円（15万円×12か月）以上の人の割合。"),
            ("上位10%が受け取った割合", "年間受取金額の多い順に上位10%（端数切り上げ）の人が受け取った金額の、全員の受取金額に対する割合。"),
            ("年齢層・性別", "登録情報による。複数のアカウントを持つ人は、年齢層を記入したアカウントの情報を用います。"),
        ],
        RatesSheet = "率と発注者種別",
        RatesTitle = fy => $"取消率・紛争率・手数料率（{fy}年度）",
        DimensionHeader = "区分",
        ItemHeader = "項目",
        CancellationHeader = "取消率",
        DisputeHeader = "紛争率",
        FeeRateHeader = "手数料率（手数料÷支払金額）",
        ByForm = "受発注形態",
        ByCategory = "カテゴリ",
        AllLines = "全体",
        ClientTypesTitle = fy => $"発注者の種別ごとの支払金額（{fy}年度）",
        ClientTypeHeader = "発注者の種別",
        PaidHeader = "支払金額",
        PaidShareHeader = "構成比",
        ClientTypes = new Dictionary<string, string>
        {
            ["corporation"] = "法人", ["sole_proprietor"] = "個人事業主", ["public_body"] = "官公庁・自治体等（公的機関）", ["individual"] = "個人",
        },
        PublicBodyShareLabel = "公的機関からの支払金額の割合",
        RateDefinitions =
        [
            ("取消率", "年度内に依頼された契約明細のうち、状態が「取消」（契約前・契約後）であるものの割合。"),
            ("紛争率", "年度内に契約が成立した契約明細（後に取り消されたものを含む）のうち、状態が「紛争中」であるものの割合。"),
            ("手数料率", "年度内に支払われた明細について、プラットフォームの手数料の合計を支払金額の合計で割ったもの。"),
            ("発注者の種別", "発注者アカウントの登録情報による（法人、個人事業主、公的機関、個人。未記入は不明）。"),
            ("率の秘匿", "率は、その分母のセル（取消率は依頼された明細、紛争率は契約された明細）が人数・プラットフォーム数・上位2社の占有率の基準を満たし、分子も上位2社で占められていない場合にのみ公表します。手数料率は支払金額のセルが公表される場合にのみ公表します（1社に占められた手数料率はその社の料金体系を明かすため）。"),
        ],
        DefinitionsHeading = "定義",
        MethodSection = "分布と率の秘匿",
        MethodNote = p => FormattableString.Invariant($"分布（1案件当たりの金額、1人当たりの年間受取金額）：四分位・十分位は1人・1案件の値そのものではなく、その位置の前後で少なくとも{p.QuantileWindowPersons}人（案件では{p.QuantileWindowPersons}人の発注者）の値の平均を有効数字{p.QuantileSignificantDigits}桁に丸めて公表し、分布全体が人数{p.MinPersons}以上・プラットフォーム{p.MinPlatforms}以上・上位{p.DominanceTopPlatforms}社{p.DominanceMaxShareText}以下の基準を満たす場合に限ります。金額帯の件数・人数は他の表と同じ秘匿（一次・二次）と攻撃監査の対象です。上位10%の割合は、上位10%の人数と支払元プラットフォームが基準を満たし、1人や1社に占められていない場合に公表します。率（取消率・紛争率・手数料率・公的機関の割合）は分母のセルが同じ基準を満たす場合にのみ公表します。"),
        PayChartTitle = fy => $"稼働受注者1人当たりの年間受取金額の十分位（{fy}年度、万円）",
        PayAxis = "年間受取金額（万円）",
        DecileAxis = "十分位",
        JobBandsChartTitle = fy => $"1案件当たりの支払金額の分布（{fy}年度、案件数の構成比）",
        ShareAxis = "構成比（%）",
        MonthlyLine50k = "月5万円相当",
        MonthlyLine150k = "月15万円相当",
    };

    public static readonly DistributionLabels English = new()
    {
        Language = "en",
        DistributionsSheet = "Distributions",
        DistributionsTitle = fy => $"Value per job and annual pay per worker (FY{fy}, paid basis)",
        JobValueTitle = fy => $"Paid value per job (FY{fy}, by form of work)",
        JobsHeader = "Jobs with payments",
        QuartileHeaders = ["First quartile", "Median", "Third quartile"],
        WorkerPayTitle = fy => $"Annual pay per active worker (FY{fy}, unique persons after linkage, age band x gender)",
        GenderHeader = "Gender",
        WorkersHeader = "Active workers",
        DecileHeader = d => $"Decile {d}",
        AtLeast50kHeader = "Share earning ¥50,000 a month or more (¥600,000 a year)",
        AtLeast150kHeader = "Share earning ¥150,000 a month or more (¥1,800,000 a year)",
        TopTenShareHeader = "Top 10%'s share of all pay",
        BandShareHeader = band => $"Share {band}",
        YenSuffix = "",
        BandBelow = "under ¥{0}",
        BandAndOver = "¥{0} and over",
        DistributionDefinitions =
        [
            ("Paid value per job", "For each job (unique within its platform), the sum of its lines paid in the fiscal year. A task-form job's value is the total paid to its many workers."),
            ("Quartiles and deciles", "The values at 25%, 50% and 75% (deciles: 10% to 90%) of the units in order of value. So that no person's or job's own value is published, each is the mean of the values around that position over at least 5 persons (for jobs, 5 clients), rounded to 3 significant digits."),
            ("Value bands", "Ranges following the 2016 market report's per-job ranges (tasks 'tens to hundreds of yen', competitions 'thousands to over hundreds of thousands', projects 'thousands to over millions')."),
            ("Annual pay", "What an active worker (a person after linkage) was paid in the fiscal year on all platforms together (before any fee). Persons, not accounts."),
            ("¥50,000 / ¥150,000 a month", "The share of persons whose annual pay is at least ¥600,000 (¥50,000 x 12) or at least ¥1,800,000 (¥150,000 x 12)."),
            ("Top 10%'s share", "What the best-paid 10% of persons (rounded up) received, as a share of all pay in the cell."),
            ("Age band and gender", "From registrations. A person with several accounts takes the profile of an account that states an age band."),
        ],
        RatesSheet = "Rates and client types",
        RatesTitle = fy => $"Cancellation, dispute and fee rates (FY{fy})",
        DimensionHeader = "By",
        ItemHeader = "Item",
        CancellationHeader = "Cancellation rate",
        DisputeHeader = "Dispute rate",
        FeeRateHeader = "Fee rate (fees / paid value)",
        ByForm = "Form of work",
        ByCategory = "Category",
        AllLines = "All",
        ClientTypesTitle = fy => $"Paid value by type of client (FY{fy})",
        ClientTypeHeader = "Type of client",
        PaidHeader = "Paid value",
        PaidShareHeader = "Share",
        ClientTypes = new Dictionary<string, string>
        {
            ["corporation"] = "Corporation", ["sole_proprietor"] = "Sole proprietor", ["public_body"] = "Public body (government, local authority)", ["individual"] = "Individual",
        },
        PublicBodyShareLabel = "Share of client value from public bodies",
        RateDefinitions =
        [
            ("Cancellation rate", "Of the contract lines posted in the fiscal year, the share whose status is 'cancelled' (before or after a contract)."),
            ("Dispute rate", "Of the contract lines contracted in the fiscal year (later cancellations included), the share whose status is 'disputed'."),
            ("Fee rate", "Platform fees on the lines paid in the fiscal year over their paid value."),
            ("Type of client", "From the client account's registration (corporation, sole proprietor, public body, individual; unknown when not stated)."),
            ("Rates withheld", "A rate is published only when its denominator cell (posted lines for cancellations, contracted lines for disputes) passes the persons, platforms and top-2 dominance rules and its numerator is not held by two platforms; a fee rate only where its paid-value cell is published (a fee rate held by one platform would show that platform's fee schedule)."),
        ],
        DefinitionsHeading = "Definitions",
        MethodSection = "Distributions and rates",
        MethodNote = p => FormattableString.Invariant($"Distributions (value per job, annual pay per worker): a quartile or decile is never one person's or one job's value but the mean of the values around its position over at least {p.QuantileWindowPersons} persons (for jobs, {p.QuantileWindowPersons} clients), rounded to {p.QuantileSignificantDigits} significant digits, and only where the whole distribution has at least {p.MinPersons} persons and {p.MinPlatforms} platforms and its {p.DominanceTopPlatforms} largest platforms hold at most {p.DominanceMaxShareText}. Band counts are cells of the release like every other table (primary and secondary suppression, attack audit). The top 10%'s share is published only when the top group itself has enough persons and paying platforms and is held neither by one or two platforms nor by one or two persons. Rates (cancellation, dispute, fee, public bodies' share) are published only when their denominator cell passes the same rules."),
        PayChartTitle = fy => $"Annual pay per active worker by decile (FY{fy}, ¥10,000)",
        PayAxis = "Annual pay (¥10,000)",
        DecileAxis = "Decile",
        JobBandsChartTitle = fy => $"Paid value per job (FY{fy}, share of jobs by value band)",
        ShareAxis = "Share (%)",
        MonthlyLine50k = "¥50,000 a month",
        MonthlyLine150k = "¥150,000 a month",
    };
}
