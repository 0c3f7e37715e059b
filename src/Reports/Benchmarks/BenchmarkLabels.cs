using System.Globalization;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Benchmarks;

/// <summary>Every word of a member's benchmark workbook, in Japanese and English (numbers' formats come from <see cref="ReportLabels"/>).</summary>
public sealed class BenchmarkLabels
{
    public required string Language { get; init; }
    public required Func<string, int, string> Title { get; init; }
    public required string YearSheet { get; init; }
    public required string CategorySheet { get; init; }
    public required string RegionSheet { get; init; }
    public required string NotesSheet { get; init; }
    public required string YearTitle { get; init; }
    public required string CategoryTitle { get; init; }
    public required string RegionTitle { get; init; }
    public required string FiscalYearHeader { get; init; }
    public required string CategoryHeader { get; init; }
    public required string FormHeader { get; init; }
    public required string RegionHeader { get; init; }
    public required string SideHeader { get; init; }
    public required string ClientSide { get; init; }
    public required string WorkerSide { get; init; }
    public required string OwnPaidHeader { get; init; }
    public required string OwnFeeHeader { get; init; }
    public required string OwnLinesHeader { get; init; }
    public required string MarketPaidHeader { get; init; }
    public required string ShareHeader { get; init; }
    public required string OwnGrowthHeader { get; init; }
    public required string MarketGrowthHeader { get; init; }
    public required string BandHeader { get; init; }
    public required Func<string, string> ChartTitle { get; init; }
    public required IReadOnlyDictionary<PeerBand, string> Bands { get; init; }
    public required string TermHeader { get; init; }
    public required string TextHeader { get; init; }
    public required Func<DisclosurePolicy, IReadOnlyList<(string Term, string Text)>> Notes { get; init; }

    public static BenchmarkLabels For(string lang) => lang == "en" ? English : Japanese;

    public static readonly BenchmarkLabels Japanese = new()
    {
        Language = "ja",
        Title = (platform, fy) => string.Create(CultureInfo.InvariantCulture, $"会員別ベンチマーク：{platform}（{fy}年度）"),
        YearSheet = "年度別シェア",
        CategorySheet = "カテゴリ別",
        RegionSheet = "地域別",
        NotesSheet = "注記",
        YearTitle = "貴社の支払金額と市場（年度・受発注形態別）",
        CategoryTitle = "貴社の支払金額と市場（年度・カテゴリ・形態別）",
        RegionTitle = "貴社の支払金額と市場（発注者・ワーカーの地域別）",
        FiscalYearHeader = "年度",
        CategoryHeader = "カテゴリ",
        FormHeader = "形態",
        RegionHeader = "地域",
        SideHeader = "区分",
        ClientSide = "発注者の地域",
        WorkerSide = "ワーカーの地域",
        OwnPaidHeader = "貴社 支払金額",
        OwnFeeHeader = "貴社 手数料",
        OwnLinesHeader = "貴社 支払件数",
        MarketPaidHeader = "市場 支払金額",
        ShareHeader = "貴社シェア",
        OwnGrowthHeader = "貴社 前年度比",
        MarketGrowthHeader = "市場 前年度比",
        BandHeader = "参加企業内の位置",
        ChartTitle = platform => $"{platform} の市場シェア（年度・形態別）",
        Bands = new Dictionary<PeerBand, string> { [PeerBand.Top25] = "上位25%", [PeerBand.Middle50] = "中位50%", [PeerBand.Bottom25] = "下位25%" },
        TermHeader = "項目",
        TextHeader = "説明",
        Notes = policy =>
        [
            ("貴社の数値", "貴社が提出した取引データのうち、支払日の年度に支払われた明細の支払金額・手数料・件数です。"),
            ("市場の数値", "同じ年度の市場調査で公表されたセルと同一の値です。調査で秘匿されたセルは、市場の値・シェア・市場の前年度比をすべて x とします（貴社の値とシェアから市場の値が逆算できるため）。"),
            ("シェア", "貴社の支払金額 ÷ 市場の支払金額。市場のセルが公表されている場合のみ。"),
            ("前年度比", "貴社：前年度の同じセルが0より大きい場合。市場：両年度のセルがともに公表されている場合のみ。"),
            ("参加企業内の位置", string.Create(CultureInfo.InvariantCulture,
                $"そのセルで支払のあったプラットフォームが{policy.MinPeersForRank}社以上の場合のみ、貴社の支払金額の位置を上位25%・中位50%・下位25%で示します。順位や社数は示しません。")),
            ("x", "秘匿（市場調査で公表されないセル、または参加企業が少ないため位置を示さないセル）。"),
            ("－", "該当なし（貴社の支払がない、または前年度の値がない）。"),
            ("開示方針", string.Create(CultureInfo.InvariantCulture,
                $"市場のセルは市場調査の秘匿規則（{policy.MinPersons}人以上、{policy.MinPlatforms}社以上、上位{policy.DominanceTopPlatforms}社で{policy.DominanceMaxShareText}以下、保護幅±{policy.ProtectionMargin * 100:0.#}%）に従います。本ブックは他社の数値を含みません。")),
        ],
    };

    public static readonly BenchmarkLabels English = new()
    {
        Language = "en",
        Title = (platform, fy) => string.Create(CultureInfo.InvariantCulture, $"Member benchmark: {platform} (FY{fy})"),
        YearSheet = "Share by year",
        CategorySheet = "By category",
        RegionSheet = "By region",
        NotesSheet = "Notes",
        YearTitle = "Your paid value and the market, by fiscal year and form",
        CategoryTitle = "Your paid value and the market, by fiscal year, category and form",
        RegionTitle = "Your paid value and the market, by clients' and workers' region",
        FiscalYearHeader = "Fiscal year",
        CategoryHeader = "Category",
        FormHeader = "Form",
        RegionHeader = "Region",
        SideHeader = "Side",
        ClientSide = "Clients' region",
        WorkerSide = "Workers' region",
        OwnPaidHeader = "Your paid value",
        OwnFeeHeader = "Your fees",
        OwnLinesHeader = "Your paid lines",
        MarketPaidHeader = "Market paid value",
        ShareHeader = "Your share",
        OwnGrowthHeader = "Your growth",
        MarketGrowthHeader = "Market growth",
        BandHeader = "Your position among peers",
        ChartTitle = platform => $"{platform}: share of the market by fiscal year and form",
        Bands = new Dictionary<PeerBand, string> { [PeerBand.Top25] = "top 25%", [PeerBand.Middle50] = "middle 50%", [PeerBand.Bottom25] = "bottom 25%" },
        TermHeader = "Term",
        TextHeader = "Definition",
        Notes = policy =>
        [
            ("Your figures", "Paid value, fees and paid lines of the lines your platform exported, in the fiscal year of payment."),
            ("Market figures", "Exactly the cells the market survey of the same fiscal year publishes. Where the survey suppresses a cell, the market value, your share and the market's growth are all x (your own value and a share would give the market's away)."),
            ("Share", "Your paid value ÷ the market's, only where the market cell is published."),
            ("Growth", "Yours: against the previous fiscal year's same cell when it was above zero. The market's: only between two published cells."),
            ("Position among peers", string.Create(CultureInfo.InvariantCulture,
                $"Shown only where at least {policy.MinPeersForRank} platforms were paid in the cell: where your paid value stands, as top 25%, middle 50% or bottom 25%. Never a rank, never a number of platforms.")),
            ("x", "Withheld (a cell the market survey does not publish, or too few platforms to show a position)."),
            ("-", "Not applicable (no paid line of yours, or no previous value)."),
            ("Disclosure policy", string.Create(CultureInfo.InvariantCulture,
                $"Market cells follow the survey's rule (at least {policy.MinPersons} persons and {policy.MinPlatforms} platforms, the {policy.DominanceTopPlatforms} largest at most {policy.DominanceMaxShareText}, protection margin ±{policy.ProtectionMargin * 100:0.#}%). This workbook holds no other platform's figure.")),
        ],
    };
}
