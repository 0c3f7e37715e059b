using System.Globalization;
using MarketStats.Core.Domain;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports;

/// <summary>What the linker did: accounts placed in persons, and the links it made by rule.</summary>
public sealed record LinkageFigures(long Accounts, long Persons, IReadOnlyList<(string Rule, long Links)> LinksByRule);

/// <summary>Every word of the yearly survey workbook and charts, in Japanese and English (reached through <see cref="ReportLabels.Survey"/>).</summary>
public sealed class SurveyLabels
{
    // ---------- sheets
    public required string SummarySheet { get; init; }
    public required string CategorySheet { get; init; }
    public required string RegionSheet { get; init; }
    public required string FlowSheet { get; init; }
    public required string WorkersSheet { get; init; }
    public required string SourcesSheet { get; init; }

    // ---------- titles and notes
    public required Func<int, string> WorkbookTitle { get; init; }
    public required Func<int, string> StatusComplete { get; init; }
    public required Func<int, DateOnly, string> StatusPartial { get; init; }
    public required Func<int, string> StatusEmpty { get; init; }
    public required string PartialCoverageDetail { get; init; }
    public required string SuppressedMark { get; init; }
    public required string SuppressedNote { get; init; }
    public required string NotApplicable { get; init; }
    public required string Unknown { get; init; }
    public required string AllRows { get; init; }

    // ---------- summary sheet
    public required string ItemHeader { get; init; }
    public required string ValueHeader { get; init; }
    public required string DefinitionHeader { get; init; }
    public required IReadOnlyList<(string Term, string Definition)> Headlines { get; init; }

    // ---------- market size sheet
    public required string MarketSizeTitle { get; init; }

    // ---------- category sheet
    public required Func<int, string> CategoryTitle { get; init; }
    public required string CategoryTrendTitle { get; init; }
    public required string CategoryHeader { get; init; }
    public required string FormHeader { get; init; }
    public required string PaidHeader { get; init; }
    public required string PaidShareHeader { get; init; }
    public required string JobsHeader { get; init; }
    public required string JobsShareHeader { get; init; }
    public required string LinesHeader { get; init; }
    public required string FeeHeader { get; init; }
    public required Func<int, string> ShareInYearHeader { get; init; }
    public required IReadOnlyDictionary<string, string> Categories { get; init; }

    // ---------- region sheet
    public required Func<int, string> RegionTitle { get; init; }
    public required string OutsideTokyoLabel { get; init; }
    public required string PrefectureCodeHeader { get; init; }
    public required string PrefectureHeader { get; init; }
    public required string RegionHeader { get; init; }
    public required string PopulationHeader { get; init; }
    public required string ClientsHeader { get; init; }
    public required string ClientsPer100kHeader { get; init; }
    public required string ClientPaidHeader { get; init; }
    public required string WorkersHeader { get; init; }
    public required string WorkersPer100kHeader { get; init; }
    public required string WorkerPaidHeader { get; init; }
    public required string Nationwide { get; init; }

    // ---------- flow sheet
    public required Func<int, string> FlowTitle { get; init; }
    public required string FlowNote { get; init; }
    public required string ClientRegionHeader { get; init; }
    public required string TotalHeader { get; init; }

    // ---------- workers sheet
    public required Func<int, string> WorkersTitle { get; init; }
    public required string AgeBandHeader { get; init; }
    public required string WorkersShareHeader { get; init; }
    public required IReadOnlyDictionary<string, string> AgeBands { get; init; }
    public required IReadOnlyDictionary<string, string> Genders { get; init; }

    // ---------- sources and method sheet
    public required string SourcesTitle { get; init; }
    public required string CoverageSection { get; init; }
    public required IReadOnlyList<string> CoverageHeaders { get; init; }
    public required string CoverageComplete { get; init; }
    public required string CoveragePartial { get; init; }
    public required string FilesSection { get; init; }
    public required IReadOnlyList<string> FilesHeaders { get; init; }
    public required string FilesManifestNote { get; init; }
    public required string LinkageSection { get; init; }
    public required Func<LinkageFigures, string> LinkageMethod { get; init; }
    public required string DisclosureSection { get; init; }
    public required string DisclosureRule { get; init; }
    public required string SuppressedSection { get; init; }
    public required IReadOnlyList<string> SuppressedHeaders { get; init; }
    public required string NothingSuppressed { get; init; }
    public required IReadOnlyDictionary<Suppression, string> Reasons { get; init; }

    // ---------- charts
    public required string CategoryChartTitle { get; init; }
    public required string ShareAxis { get; init; }
    public required Func<int, string> TileMapTitle { get; init; }
    public required string TileMapLegend { get; init; }
    public required string SuppressedLegend { get; init; }
    public required Func<int, string> NoDataChart { get; init; }
    public required Func<int, string> FlowChartTitle { get; init; }
    public required string FlowClientAxis { get; init; }
    public required string FlowWorkerAxis { get; init; }

    public string CategoryLabel(string? code) => code is null ? AllRows : code == "unknown" ? Unknown : Categories.GetValueOrDefault(code, code);

    public string AgeBandLabel(string? code) => code is null ? AllRows : AgeBands.GetValueOrDefault(code, code == "unknown" ? Unknown : code);

    public string GenderLabel(string? code) => code is null ? AllRows : Genders.GetValueOrDefault(code, code == "unknown" ? Unknown : code);

    public required string Language { get; init; }

    /// <summary>The sections on accounts and persons, the whole market (estimate) and like-for-like growth.</summary>
    public SurveyMarketLabels Market => IsJapanese ? SurveyMarketLabels.Japanese : SurveyMarketLabels.English;

    public bool IsJapanese => Language == "ja";

    public string PrefectureLabel(string? code) =>
        code is null ? Nationwide
        : Prefecture.IsCode(code) ? (IsJapanese ? Prefecture.ByCode(code).NameJa : Prefecture.ByCode(code).NameEn)
        : Unknown;

    /// <summary>A tile label: the Japanese name without 都/府/県 (北海道 stays whole), or the English name (abbreviations would repeat: Yamagata, Yamanashi, Yamaguchi).</summary>
    public string PrefectureShort(string code)
    {
        var p = Prefecture.ByCode(code);
        if (!IsJapanese) return p.NameEn;
        return p.NameJa.Length > 2 && p.NameJa[^1] is '都' or '府' or '県' ? p.NameJa[..^1] : p.NameJa;
    }

    /// <summary>Region codes (see <see cref="Region"/>) to names; 'unknown' and null (all) too.</summary>
    public string RegionLabel(string? code) =>
        code is null ? AllRows : Region.ByCode(code) is { } region ? (IsJapanese ? region.NameJa : region.NameEn) : Unknown;

    /// <summary>The region codes in order (R1 Hokkaido … R9 Okinawa).</summary>
    public static IReadOnlyList<string> RegionCodes => [.. Region.All.Select(r => r.Code)];

    /// <summary>"85%": the dominance threshold as the rule text prints it.</summary>
    /// <summary>The survey's policy, whose parameters the rule texts print.</summary>
    private static DisclosurePolicy Policy => DisclosurePolicy.Survey;

    public static readonly SurveyLabels Japanese = new()
    {
        Language = "ja",
        SummarySheet = "概要",
        CategorySheet = "カテゴリ構成",
        RegionSheet = "地域別",
        FlowSheet = "地域間フロー",
        WorkersSheet = "ワーカー属性",
        SourcesSheet = "出典と方法",
        WorkbookTitle = fy => $"クラウドソーシング市場調査 {fy}年度（{fy}年4月～{fy + 1}年3月）",
        StatusComplete = fy => $"{fy}年度の全期間について、全報告プラットフォームのデータがそろっています。",
        StatusPartial = (fy, today) => FormattableString.Invariant($"注意：{fy}年度のデータは部分的です（作成日 {today:yyyy-MM-dd}）。年度が終わっていないか、一部のプラットフォームの報告が年度の全期間を含みません。数値は年度の全体ではありません。"),
        StatusEmpty = fy => $"{fy}年度の支払データはありません。以下の表は空欄であり、0円を意味しません。",
        PartialCoverageDetail = "報告期間の詳細は「出典と方法」シートを参照してください。",
        SuppressedMark = "x",
        SuppressedNote = "x：秘匿（個人またはプラットフォームが特定されるおそれがあるため非公表。規則は「出典と方法」シート）。",
        NotApplicable = "－",
        Unknown = "不明",
        AllRows = "計",
        ItemHeader = "項目",
        ValueHeader = "値",
        DefinitionHeader = "定義",
        Headlines =
        [
            ("支払金額（市場規模・見出し）", "年度内に支払日がある契約明細の支払金額の合計。本調査が公表する市場規模で、報告した会員プラットフォームの実績です（非会員を含む推計は「市場全体の推計」シート）。"),
            ("契約金額", "年度内に契約が成立した明細の金額（後に取り消された契約を除く）。参考値。"),
            ("依頼金額", "年度内に依頼された明細の提示金額。契約に至らない依頼を含み、市場規模としては過大です。参考値。"),
            ("システム利用料（プラットフォーム手数料収入）", "支払明細に対してプラットフォームが受け取った手数料の合計。"),
            ("支払件数", "年度内に支払われた契約明細（1案件×1ワーカー）の数。"),
            ("依頼案件数", "年度内に依頼された案件の数。"),
            ("稼働発注者数（重複除去）", "年度内に1件以上の支払があった発注者の数。複数プラットフォームの同一発注者は1と数えます。"),
            ("稼働受注者数（重複除去）", "年度内に1件以上の支払を受けたワーカーの数。複数プラットフォームの同一人物は1人と数えます。"),
            ("支払金額 前年度比", "支払金額の前年度からの増減率。"),
            ("東京都以外の発注者による支払金額の割合", "発注者の所在地が東京都以外である支払金額の割合（所在地不明を含む）。"),
        ],
        MarketSizeTitle = "市場規模の推移（年度・受発注形態別）",
        CategoryTitle = fy => $"カテゴリ × 受発注形態（{fy}年度、支払ベース）",
        CategoryTrendTitle = "カテゴリ別 支払金額の構成比の推移",
        CategoryHeader = "カテゴリ",
        FormHeader = "受発注形態",
        PaidHeader = "支払金額",
        PaidShareHeader = "支払金額 構成比",
        JobsHeader = "支払のあった案件数",
        JobsShareHeader = "案件数 構成比",
        LinesHeader = "支払件数",
        FeeHeader = "システム利用料",
        ShareInYearHeader = fy => $"{fy}年度",
        Categories = new Dictionary<string, string>
        {
            ["web_development"] = "Web開発",
            ["web_design"] = "Webデザイン",
            ["system_development"] = "サーバー・システム開発",
            ["design"] = "デザイン",
            ["writing"] = "ライティング",
            ["image_video"] = "画像・動画編集",
            ["tasks"] = "タスク・データ作業",
            ["other"] = "その他",
        },
        RegionTitle = fy => $"都道府県別の利用状況（{fy}年度、支払ベース、人口は2020年国勢調査）",
        OutsideTokyoLabel = "東京都以外の発注者による支払金額の割合",
        PrefectureCodeHeader = "コード",
        PrefectureHeader = "都道府県",
        RegionHeader = "地方",
        PopulationHeader = "人口（2020年）",
        ClientsHeader = "稼働発注者数",
        ClientsPer100kHeader = "発注者数 人口10万人当たり",
        ClientPaidHeader = "支払金額（発注者所在地別）",
        WorkersHeader = "稼働受注者数",
        WorkersPer100kHeader = "受注者数 人口10万人当たり",
        WorkerPaidHeader = "支払金額（受注者所在地別）",
        Nationwide = "全国",
        FlowTitle = fy => $"地域間の支払金額フロー（{fy}年度）：行＝発注者の地方、列＝受注者の地方",
        FlowNote = "各セルは、行の地方にいる発注者から列の地方にいる受注者への支払金額です。",
        ClientRegionHeader = "発注者の地方",
        TotalHeader = "計",
        WorkersTitle = fy => $"稼働受注者の年齢・性別（{fy}年度、登録情報による）",
        AgeBandHeader = "年齢層",
        WorkersShareHeader = "構成比",
        AgeBands = new Dictionary<string, string>
        {
            ["10s"] = "10代", ["20s"] = "20代", ["30s"] = "30代", ["40s"] = "40代", ["50s"] = "50代", ["60s"] = "60代", ["70s+"] = "70代以上",
        },
        Genders = new Dictionary<string, string> { ["female"] = "女性", ["male"] = "男性", ["other"] = "その他", ["unknown"] = "無回答" },
        SourcesTitle = "出典と方法",
        CoverageSection = "対象プラットフォームと期間（取引データ）",
        CoverageHeaders = ["プラットフォーム（会員コード）", "期間の開始", "期間の終了", "対象日数", "年度の日数", "状態"],
        CoverageComplete = "全期間",
        CoveragePartial = "部分的",
        FilesSection = "取り込んだファイル（現行版、全会員の合計）",
        FilesHeaders = ["種類", "ファイル数", "プラットフォーム数"],
        FilesManifestNote = "会員ごとの件数（取引行数・登録数）は公表しません。ファイルごとの記録（プラットフォーム、報告期間、版、SHA-256）は協会内部の台帳に保管しています。",
        LinkageSection = "名寄せの方法",
        LinkageMethod = l => FormattableString.Invariant($"複数プラットフォームに登録した同一人物・企業は、協会の秘密鍵によるハッシュ値（メールアドレス・電話番号・法人番号）の一致と、氏名・カナ・生年月日・郵便番号のブルームフィルタ符号の類似度（Fellegi–Sunter 型の重み付け）で名寄せし、1人として数えます（名寄せ済みアカウント {l.Accounts:N0}、人・企業 {l.Persons:N0}）。名寄せされないアカウントは1アカウント＝1人と数えるため、人数はやや過大になりえます。")
            + (l.LinksByRule.Count > 0 ? " 規則別のリンク数：" + string.Join("、", l.LinksByRule.Select(r => FormattableString.Invariant($"{r.Rule} {r.Links:N0}"))) + "。" : ""),
        DisclosureSection = "秘匿処理（統計的開示制御）",
        DisclosureRule = $"公表するセルから個人やプラットフォームが特定されないよう、次のセルを「x」として秘匿します。(1) 人数が{Policy.MinPersons}未満のセル（金額のセルは発注者数と受注者数の少ない方）。(2) {Policy.MinPlatforms}未満のプラットフォームしか寄与しないセル。(3) 上位{Policy.DominanceTopPlatforms}つのプラットフォームが合わせて{Policy.DominanceMaxShareText}を超えて占めるセル（2位の会員が自社の値を差し引いて1位の値を知ることを防ぎます）。(4) 二次秘匿：この調査票と同時に公表する市場規模表のすべての表（カテゴリ×形態、年度、都道府県、地方間フロー、合計）を一つの問題として、秘匿セルが他の公表値と合計関係から逆算できないよう、失われる金額が最小になる補完秘匿を最適化で選びます。公表前に、秘匿した各セルについて攻撃者が求めうる最小値と最大値を線形計画で計算し、どのセルも真の値の±{(Policy.ProtectionMargin * 100):0}%より狭く絞り込めないことを確認します（確認できない場合は公表しません）。活動がまったくないセルは0として公表します。",
        SuppressedSection = "秘匿したセル",
        SuppressedHeaders = ["シート", "行", "列", "理由"],
        NothingSuppressed = "秘匿したセルはありません。",
        Reasons = new Dictionary<Suppression, string>
        {
            [Suppression.FewPersons] = $"人数が{Policy.MinPersons}未満",
            [Suppression.FewPlatforms] = $"プラットフォームが{Policy.MinPlatforms}未満",
            [Suppression.DominantPlatform] = $"上位{Policy.DominanceTopPlatforms}プラットフォームで{Policy.DominanceMaxShareText}超",
            [Suppression.Complementary] = "二次秘匿（逆算防止）",
        },
        CategoryChartTitle = "カテゴリ別 支払金額の構成比（年度別）",
        ShareAxis = "構成比（%）",
        TileMapTitle = fy => $"人口10万人当たりの稼働受注者数（{fy}年度）",
        TileMapLegend = "灰色＝秘匿またはデータなし",
        SuppressedLegend = "秘匿",
        NoDataChart = fy => $"{fy}年度：データなし",
        FlowChartTitle = fy => $"地方間の支払金額フロー（{fy}年度、百万円）",
        FlowClientAxis = "発注者の地方",
        FlowWorkerAxis = "受注者の地方",
    };

    public static readonly SurveyLabels English = new()
    {
        Language = "en",
        SummarySheet = "Summary",
        CategorySheet = "Category mix",
        RegionSheet = "Regions",
        FlowSheet = "Regional flows",
        WorkersSheet = "Who works",
        SourcesSheet = "Sources and method",
        WorkbookTitle = fy => $"Crowdsourcing market survey FY{fy} (April {fy} to March {fy + 1})",
        StatusComplete = fy => $"FY{fy} is complete: every reporting platform's data covers the whole fiscal year.",
        StatusPartial = (fy, today) => FormattableString.Invariant($"Caution: FY{fy} is partial (as of {today:yyyy-MM-dd}). The year is not over, or some platforms' exports do not cover all of it. The figures are not a whole year's."),
        StatusEmpty = fy => $"There is no paid data for FY{fy}. The tables below are blank; this does not mean zero yen.",
        PartialCoverageDetail = "See the Sources and method sheet for each platform's period.",
        SuppressedMark = "x",
        SuppressedNote = "x: suppressed (publishing it could single out a person or a platform; rule on the Sources and method sheet).",
        NotApplicable = "-",
        Unknown = "Unknown",
        AllRows = "Total",
        ItemHeader = "Item",
        ValueHeader = "Value",
        DefinitionHeader = "Definition",
        Headlines =
        [
            ("Paid value (market size, headline)", "Sum of paid contract lines with a payment date in the fiscal year. This is the market size the survey publishes: the reporting member platforms' own data (an estimate with non-members is on the 'Whole market (estimate)' sheet)."),
            ("Contracted value", "Value of contract lines concluded in the fiscal year (later cancellations excluded). For reference."),
            ("Posted value", "Asked value of lines posted in the fiscal year. It includes jobs never contracted, so it overstates the market. For reference."),
            ("Platform fee revenue", "Fees the platforms took on paid lines."),
            ("Lines paid", "Contract lines (one job x one worker) paid in the fiscal year."),
            ("Jobs posted", "Jobs posted in the fiscal year."),
            ("Active clients (unique)", "Clients with at least one paid line in the fiscal year; the same client on several platforms counts once."),
            ("Active workers (unique)", "Workers paid at least once in the fiscal year; the same person on several platforms counts once."),
            ("Paid value YoY", "Change in paid value from the previous fiscal year."),
            ("Share of client value from outside Tokyo", "Share of paid value whose client is located outside Tokyo (unknown locations included)."),
        ],
        MarketSizeTitle = "Market size by fiscal year and form of work",
        CategoryTitle = fy => $"Category x form of work (FY{fy}, paid basis)",
        CategoryTrendTitle = "Share of paid value by category, by fiscal year",
        CategoryHeader = "Category",
        FormHeader = "Form of work",
        PaidHeader = "Paid value",
        PaidShareHeader = "Share of paid value",
        JobsHeader = "Jobs with payments",
        JobsShareHeader = "Share of jobs",
        LinesHeader = "Lines paid",
        FeeHeader = "Platform fees",
        ShareInYearHeader = fy => $"FY{fy}",
        Categories = new Dictionary<string, string>
        {
            ["web_development"] = "Web development",
            ["web_design"] = "Web design",
            ["system_development"] = "Server / system development",
            ["design"] = "Design",
            ["writing"] = "Writing",
            ["image_video"] = "Image / video editing",
            ["tasks"] = "Tasks / data work",
            ["other"] = "Other",
        },
        RegionTitle = fy => $"Adoption by prefecture (FY{fy}, paid basis; population: 2020 census)",
        OutsideTokyoLabel = "Share of client value from outside Tokyo",
        PrefectureCodeHeader = "Code",
        PrefectureHeader = "Prefecture",
        RegionHeader = "Region",
        PopulationHeader = "Population (2020)",
        ClientsHeader = "Active clients",
        ClientsPer100kHeader = "Clients per 100,000",
        ClientPaidHeader = "Paid value by client prefecture",
        WorkersHeader = "Active workers",
        WorkersPer100kHeader = "Workers per 100,000",
        WorkerPaidHeader = "Paid value by worker prefecture",
        Nationwide = "Japan",
        FlowTitle = fy => $"Paid value flows between regions (FY{fy}): rows = client region, columns = worker region",
        FlowNote = "Each cell is the value paid by clients in the row's region to workers in the column's region.",
        ClientRegionHeader = "Client region",
        TotalHeader = "Total",
        WorkersTitle = fy => $"Active workers by age band and gender (FY{fy}, from registrations)",
        AgeBandHeader = "Age band",
        WorkersShareHeader = "Share",
        AgeBands = new Dictionary<string, string>
        {
            ["10s"] = "10s", ["20s"] = "20s", ["30s"] = "30s", ["40s"] = "40s", ["50s"] = "50s", ["60s"] = "60s", ["70s+"] = "70s+",
        },
        Genders = new Dictionary<string, string> { ["female"] = "Female", ["male"] = "Male", ["other"] = "Other", ["unknown"] = "Not stated" },
        SourcesTitle = "Sources and method",
        CoverageSection = "Platforms and periods included (transactions)",
        CoverageHeaders = ["Platform (member code)", "From", "To", "Days covered", "Days in year", "Status"],
        CoverageComplete = "whole year",
        CoveragePartial = "partial",
        FilesSection = "Files loaded (current revisions, all members together)",
        FilesHeaders = ["Kind", "Files", "Platforms"],
        FilesManifestNote = "No member's own volume (contract lines, sign-ups) is published. The per-file record (platform, export period, revision, SHA-256) is kept in the association's internal ledger.",
        LinkageSection = "Linkage method",
        LinkageMethod = l => FormattableString.Invariant($"The same person or company registered on several platforms is linked by keyed hashes under the association's secret key (e-mail, phone, corporate number) and by the similarity of Bloom-filter encodings of name, kana, birth date and postcode (Fellegi–Sunter weights), and counted once ({l.Accounts:N0} accounts placed in {l.Persons:N0} persons and companies). An account not linked counts as one person, so unique counts can be slightly high.")
            + (l.LinksByRule.Count > 0 ? " Links by rule: " + string.Join(", ", l.LinksByRule.Select(r => FormattableString.Invariant($"{r.Rule} {r.Links:N0}"))) + "." : ""),
        DisclosureSection = "Statistical disclosure control",
        DisclosureRule = $"So that no published cell singles out a person or a platform, these cells are shown as 'x': (1) fewer than {Policy.MinPersons} persons (for money cells, the smaller of clients and workers); (2) fewer than {Policy.MinPlatforms} contributing platforms; (3) the {Policy.DominanceTopPlatforms} largest platforms together holding more than {Policy.DominanceMaxShareText} of the cell (so the second-largest member cannot subtract its own value and read the leader's); (4) secondary suppression: complementary cells are chosen by optimisation over every table released together (category × form, the years, prefectures, regional flows, the market-size workbook), at the least value lost, so that no suppressed cell can be recomputed from published values and totals; before release, an attack audit computes by linear programming the smallest and largest value an attacker could prove for each suppressed cell, and the release is written only if none can be narrowed within ±{(Policy.ProtectionMargin * 100):0}% of its true value. Cells with no activity at all are published as zero.",
        SuppressedSection = "Cells suppressed",
        SuppressedHeaders = ["Sheet", "Row", "Column", "Reason"],
        NothingSuppressed = "No cell was suppressed.",
        Reasons = new Dictionary<Suppression, string>
        {
            [Suppression.FewPersons] = $"fewer than {Policy.MinPersons} persons",
            [Suppression.FewPlatforms] = $"fewer than {Policy.MinPlatforms} platforms",
            [Suppression.DominantPlatform] = $"top {Policy.DominanceTopPlatforms} platforms over {Policy.DominanceMaxShareText}",
            [Suppression.Complementary] = "secondary (prevents recomputation)",
        },
        CategoryChartTitle = "Share of paid value by category and fiscal year",
        ShareAxis = "Share (%)",
        TileMapTitle = fy => $"Active workers per 100,000 inhabitants (FY{fy})",
        TileMapLegend = "grey = suppressed or no data",
        SuppressedLegend = "suppressed",
        NoDataChart = fy => $"FY{fy}: no data",
        FlowChartTitle = fy => $"Paid value between regions (FY{fy}, million yen)",
        FlowClientAxis = "Client region",
        FlowWorkerAxis = "Worker region",
    };
}
