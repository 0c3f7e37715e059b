using System.Globalization;
using MarketStats.Core.Contract;

namespace MarketStats.Reports;

/// <summary>Every word the reports print, in Japanese and English; a report takes one instance and no literals.</summary>
/// <remarks>Kept in one class so the yearly survey workbook can grow from it and a test can check both languages are complete.</remarks>
public sealed class ReportLabels
{
    public required string Language { get; init; }

    // ---------- number formats (Excel): units live in the format, values stay numbers
    public required string YenFormat { get; init; }
    public required string CountFormat { get; init; }
    public required string PercentFormat { get; init; }
    public required string FiscalYearFormat { get; init; }
    public required Func<int, string> FiscalYear { get; init; }

    // ---------- market-size sheet
    public required string MarketSizeSheet { get; init; }
    public required string MarketSizeTitle { get; init; }
    public required string HeadlineNote { get; init; }
    public required string SeeDefinitions { get; init; }
    public required string NoDataAtAll { get; init; }
    public required string NoDataForYear { get; init; }
    public required string AllForms { get; init; }
    public required IReadOnlyDictionary<string, string> Forms { get; init; }
    public required MarketSizeColumns Columns { get; init; }

    // ---------- chart
    public required string ChartTitle { get; init; }
    public required string ChartNoDataTitle { get; init; }
    public required string ChartXAxis { get; init; }
    public required string ChartYAxisFormat { get; init; }
    public required IReadOnlyDictionary<YenUnit, string> YenUnits { get; init; }

    // ---------- the yearly survey workbook and charts
    public required SurveyLabels Survey { get; init; }

    // ---------- definitions sheet
    public required string DefinitionsSheet { get; init; }
    public required string DefinitionTermHeader { get; init; }
    public required string DefinitionTextHeader { get; init; }
    public required IReadOnlyList<(string Term, string Text)> Definitions { get; init; }

    /// <summary>Form codes in the export contract's order.</summary>
    public static IReadOnlyList<string> FormOrder => ExportContract.V1.CodeLists["form"];

    /// <summary>Category codes in the export contract's order.</summary>
    public static IReadOnlyList<string> CategoryOrder => ExportContract.V1.CodeLists["category"];

    public static readonly IReadOnlyList<string> Languages = ["ja", "en"];

    public static ReportLabels For(string lang) => lang switch
    {
        "ja" => Japanese,
        "en" => English,
        _ => throw new ArgumentException($"Unknown report language '{lang}'; use one of: {string.Join(", ", Languages)}.", nameof(lang)),
    };

    public string FormLabel(string? form) => form is null ? AllForms : Forms.GetValueOrDefault(form, form);

    public string ChartYAxis(YenUnit unit) => string.Format(CultureInfo.InvariantCulture, ChartYAxisFormat, YenUnits[unit]);

    public static readonly ReportLabels Japanese = new()
    {
        Language = "ja",
        Survey = SurveyLabels.Japanese,
        YenFormat = "#,##0\"円\"",
        CountFormat = "#,##0",
        PercentFormat = "0.0%",
        FiscalYearFormat = "0\"年度\"",
        FiscalYear = fy => fy.ToString(CultureInfo.InvariantCulture) + "年度",
        MarketSizeSheet = "市場規模",
        MarketSizeTitle = "クラウドソーシング市場規模（年度・受発注形態別）",
        HeadlineNote = "見出しの数値は「支払金額」（ワーカーへの支払いが確定した金額、支払日の年度で集計）です。依頼金額・契約金額は参考値です。",
        SeeDefinitions = "各項目の定義は「定義」シートを参照してください。",
        NoDataAtAll = "データがありません（集計対象の取引が登録されていません）。",
        NoDataForYear = "データなし",
        AllForms = "合計（全形態）",
        Forms = new Dictionary<string, string> { ["project"] = "プロジェクト", ["competition"] = "コンペ", ["task"] = "タスク" },
        Columns = new MarketSizeColumns
        {
            FiscalYear = "年度",
            Form = "受発注形態",
            JobsPosted = "依頼案件数",
            PostedJpy = "依頼金額",
            LinesContracted = "契約件数",
            ContractedJpy = "契約金額",
            LinesPaid = "支払件数",
            PaidJpy = "支払金額（見出し）",
            FeeJpy = "システム利用料",
            ActiveClients = "稼働発注者数",
            ActiveWorkers = "稼働受注者数",
            PaidGrowth = "支払金額 前年度比",
        },
        ChartTitle = "支払金額の推移（受発注形態別）",
        ChartNoDataTitle = "支払金額の推移：データなし",
        ChartXAxis = "年度",
        ChartYAxisFormat = "支払金額（{0}）",
        YenUnits = new Dictionary<YenUnit, string> { [YenUnit.Yen] = "円", [YenUnit.Thousand] = "千円", [YenUnit.Million] = "百万円" },
        DefinitionsSheet = "定義",
        DefinitionTermHeader = "項目",
        DefinitionTextHeader = "定義",
        Definitions =
        [
            ("年度", "4月1日から翌年3月31日まで。各金額・件数はその出来事（依頼・契約・支払）の日付の年度で集計するため、3月に依頼され4月に支払われた案件は、依頼は前年度、支払は当年度に計上されます。"),
            ("支払金額（見出し）", "ワーカーへの支払いが確定した金額（支払明細の合計）。本表の見出しとなる市場規模です。"),
            ("契約金額", "契約が成立した金額（契約明細の合計）。後に取り消された契約は含みません。支払前の契約を含むため支払金額とは一致しません。"),
            ("依頼金額", "依頼時に提示された金額（契約明細ごとの依頼金額の合計）。契約に至らなかった依頼や取り消された依頼を含むため、市場規模としては過大です。"),
            ("依頼案件数", "その年度に依頼された案件の数（プラットフォーム内で重複を除く）。"),
            ("契約件数・支払件数", "契約明細（1案件×1ワーカー）の数。タスク形式では1案件に多数の明細があります。"),
            ("システム利用料", "支払明細に対してプラットフォームが受け取った手数料の合計。"),
            ("稼働発注者数・稼働受注者数", "その年度に1件以上の支払があった人・企業の数。複数のプラットフォームに登録している同一人物は1人と数えます（名寄せされていないアカウントは1アカウント＝1人）。合計行の人数は形態間で重複を除いており、形態別の人数の和ではありません。"),
            ("前年度比", "支払金額の前年度からの増減率。前年度のデータがない場合は空欄です。"),
            ("データなし", "その年度に集計対象の取引がないことを示します（0円という意味ではありません）。"),
        ],
    };

    public static readonly ReportLabels English = new()
    {
        Language = "en",
        Survey = SurveyLabels.English,
        YenFormat = "\"¥\"#,##0",
        CountFormat = "#,##0",
        PercentFormat = "0.0%",
        FiscalYearFormat = "\"FY\"0",
        FiscalYear = fy => "FY" + fy.ToString(CultureInfo.InvariantCulture),
        MarketSizeSheet = "Market size",
        MarketSizeTitle = "Crowdsourcing market size by fiscal year and form of work",
        HeadlineNote = "The headline figure is paid value (amounts paid to workers, by fiscal year of payment). Posted and contracted values are for reference.",
        SeeDefinitions = "See the Definitions sheet for what each column means.",
        NoDataAtAll = "No data: no transactions have been loaded for this report.",
        NoDataForYear = "No data",
        AllForms = "All forms",
        Forms = new Dictionary<string, string> { ["project"] = "Project", ["competition"] = "Competition", ["task"] = "Task" },
        Columns = new MarketSizeColumns
        {
            FiscalYear = "Fiscal year",
            Form = "Form of work",
            JobsPosted = "Jobs posted",
            PostedJpy = "Posted value",
            LinesContracted = "Lines contracted",
            ContractedJpy = "Contracted value",
            LinesPaid = "Lines paid",
            PaidJpy = "Paid value (headline)",
            FeeJpy = "Platform fees",
            ActiveClients = "Active clients",
            ActiveWorkers = "Active workers",
            PaidGrowth = "Paid value YoY",
        },
        ChartTitle = "Paid value by fiscal year and form of work",
        ChartNoDataTitle = "Paid value by fiscal year: no data",
        ChartXAxis = "Fiscal year",
        ChartYAxisFormat = "Paid value ({0})",
        YenUnits = new Dictionary<YenUnit, string> { [YenUnit.Yen] = "yen", [YenUnit.Thousand] = "thousand yen", [YenUnit.Million] = "million yen" },
        DefinitionsSheet = "Definitions",
        DefinitionTermHeader = "Term",
        DefinitionTextHeader = "Definition",
        Definitions =
        [
            ("Fiscal year", "April 1 to March 31 of the next year. Each measure is counted in the fiscal year of its own event (posting, contract, payment): a job posted in March and paid in April is posted in one fiscal year and paid in the next."),
            ("Paid value (headline)", "Amounts paid to workers (sum over paid contract lines). This is the market size the table headlines."),
            ("Contracted value", "Value of contracts concluded (sum over contract lines), excluding contracts later cancelled. It includes contracts not yet paid, so it differs from paid value."),
            ("Posted value", "Value asked for at posting (sum of each contract line's posted value). It includes jobs that never reached a contract or were cancelled, so it overstates the market."),
            ("Jobs posted", "Number of jobs posted in the fiscal year (distinct within each platform)."),
            ("Lines contracted / paid", "Number of contract lines (one job x one worker). A task-form job has many lines."),
            ("Platform fees", "Fees the platforms took on paid lines."),
            ("Active clients / workers", "People and companies with at least one paid line in the fiscal year. One person registered on several platforms counts once (an account not linked to others counts as one person). The all-forms row counts people once across forms, so it is not the sum of the form rows."),
            ("YoY", "Change in paid value from the previous fiscal year; blank where the previous year has no data."),
            ("No data", "No transactions were counted for that fiscal year (this does not mean zero yen)."),
        ],
    };
}

/// <summary>Column headers of the market-size table.</summary>
public sealed class MarketSizeColumns
{
    public required string FiscalYear { get; init; }
    public required string Form { get; init; }
    public required string JobsPosted { get; init; }
    public required string PostedJpy { get; init; }
    public required string LinesContracted { get; init; }
    public required string ContractedJpy { get; init; }
    public required string LinesPaid { get; init; }
    public required string PaidJpy { get; init; }
    public required string FeeJpy { get; init; }
    public required string ActiveClients { get; init; }
    public required string ActiveWorkers { get; init; }
    public required string PaidGrowth { get; init; }

    public IReadOnlyList<string> InOrder =>
        [FiscalYear, Form, JobsPosted, PostedJpy, LinesContracted, ContractedJpy, LinesPaid, PaidJpy, FeeJpy, ActiveClients, ActiveWorkers, PaidGrowth];
}
