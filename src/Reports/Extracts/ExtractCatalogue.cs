using MarketStats.Core.Contract;
using MarketStats.Core.Domain;

namespace MarketStats.Reports.Extracts;

/// <summary>Which event of a contract line a measure counts, in the period of that event's own date (mart_extract_lines.event).</summary>
public enum ExtractEvent
{
    Posted,
    Contracted,
    Paid,
}

/// <summary>What a measure is, which decides its disclosure inputs and whether it adds up along a dimension.</summary>
public enum MeasureKind
{
    /// <summary>Yen: additive; persons = the smaller of distinct clients and workers (clients only for posted value).</summary>
    Money,
    /// <summary>Contract lines: additive; persons as for money.</summary>
    Lines,
    /// <summary>Distinct jobs: not additive across cells (a job can be in two cells) — hidden with its dimension cell.</summary>
    Jobs,
    /// <summary>Distinct persons after linkage: not additive (a person in two cells counts in each).</summary>
    Workers,
    /// <summary>Distinct clients after linkage: not additive.</summary>
    Clients,
}

/// <summary>One measure a researcher may ask for.</summary>
/// <param name="Name">As written in the request (<c>paid_jpy</c>).</param>
/// <param name="Event">The event it counts.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Description">One line for the notes.</param>
public sealed record ExtractMeasure(string Name, ExtractEvent Event, MeasureKind Kind, string Description)
{
    /// <summary>Each margin is the sum of its members along every dimension: additivity relations are written for it.</summary>
    public bool Additive => Kind is MeasureKind.Money or MeasureKind.Lines;
}

/// <summary>One dimension a researcher may ask for.</summary>
/// <param name="Name">Canonical name, used in keys and as the output column (<c>worker_prefecture</c>).</param>
/// <param name="Column">The column of mart_extract_lines.</param>
/// <param name="Codes">The allowed codes, from the one place the project keeps them (null: read from the data, e.g. fiscal years).</param>
/// <param name="Label">The Japanese label of a code (prefecture names …); the code itself where there is none.</param>
/// <param name="Implies">Coarser dimensions one of its codes determines (a prefecture its region, a month its fiscal year
/// and quarter): a cell that names the finer code is the same quantity whatever the coarser one, so its key omits it.</param>
public sealed record ExtractDimension(string Name, string Column, IReadOnlyList<string>? Codes, Func<string, string> Label,
    IReadOnlyDictionary<string, Func<string, string>> Implies);

/// <summary>
/// The measures and dimensions of <c>marketstats extract</c>, over mart_extract_lines. Code lists come from the export
/// contract (<see cref="ExportContract"/>), prefectures and regions from <see cref="Prefecture"/> and <see cref="Region"/>,
/// labels from <see cref="SurveyLabels"/>; 'unknown' is the mart's code for a missing value.
/// </summary>
public static class ExtractCatalogue
{
    public const string Unknown = "unknown";

    public static readonly IReadOnlyList<ExtractMeasure> Measures =
    [
        new("paid_jpy", ExtractEvent.Paid, MeasureKind.Money, "value paid to workers (yen), in the period of payment"),
        new("contracted_jpy", ExtractEvent.Contracted, MeasureKind.Money, "contracted value (yen), in the period of the contract; cancelled contracts excluded"),
        new("posted_jpy", ExtractEvent.Posted, MeasureKind.Money, "value (budget) at posting (yen), in the period of posting"),
        new("fee_jpy", ExtractEvent.Paid, MeasureKind.Money, "platform fees on paid lines (yen), in the period of payment"),
        new("lines", ExtractEvent.Contracted, MeasureKind.Lines, "contract lines (one job x one worker), in the period of the contract; cancelled excluded"),
        new("jobs", ExtractEvent.Paid, MeasureKind.Jobs, "distinct jobs with a paid line in the period"),
        new("active_workers", ExtractEvent.Paid, MeasureKind.Workers, "distinct workers (persons after cross-platform linkage) paid in the period"),
        new("active_clients", ExtractEvent.Paid, MeasureKind.Clients, "distinct clients (persons after cross-platform linkage) who paid in the period"),
    ];

    private static SurveyLabels Ja => SurveyLabels.Japanese;

    private static readonly Func<string, string> Code = c => c;

    private static IReadOnlyList<string> ContractCodes(string list) =>
        [.. ExportContract.V1.CodeLists[list], .. ExportContract.V1.CodeLists[list].Contains(Unknown) ? Array.Empty<string>() : [Unknown]];

    private static IReadOnlyList<string> PrefectureCodes => [.. Prefecture.All.Select(p => p.Code), Unknown];

    private static IReadOnlyList<string> RegionCodes => [.. Region.All.Select(r => r.Code), Unknown];

    private static string RegionOf(string prefecture) => Prefecture.IsCode(prefecture) ? Prefecture.ByCode(prefecture).Region.Code : Unknown;

    /// <summary>Fiscal quarter of a month code <c>YYYY-MM</c> (Q1 = April to June).</summary>
    public static string QuarterOf(string month) => "Q" + (((int.Parse(month[5..], System.Globalization.CultureInfo.InvariantCulture) + 8) % 12 / 3) + 1);

    private static string FiscalYearOf(string month) =>
        FiscalYear.Of(new DateOnly(int.Parse(month[..4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(month[5..], System.Globalization.CultureInfo.InvariantCulture), 1))
            .ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly IReadOnlyDictionary<string, Func<string, string>> None = new Dictionary<string, Func<string, string>>();

    public static readonly IReadOnlyList<ExtractDimension> Dimensions =
    [
        new("fiscal_year", "fiscal_year", null, c => $"{c}年度", None),
        new("quarter", "quarter", ["Q1", "Q2", "Q3", "Q4"], c => $"第{c[1..]}四半期", None),
        new("month", "month", null, Code, new Dictionary<string, Func<string, string>> { ["fiscal_year"] = FiscalYearOf, ["quarter"] = QuarterOf }),
        new("form", "form", ContractCodes("form"), c => ReportLabels.Japanese.FormLabel(c), None),
        new("category", "category", ContractCodes("category"), c => Ja.CategoryLabel(c), None),
        new("worker_prefecture", "worker_prefecture", PrefectureCodes, c => Ja.PrefectureLabel(c), new Dictionary<string, Func<string, string>> { ["worker_region"] = RegionOf }),
        new("worker_region", "worker_region", RegionCodes, c => Ja.RegionLabel(c), None),
        new("client_prefecture", "client_prefecture", PrefectureCodes, c => Ja.PrefectureLabel(c), new Dictionary<string, Func<string, string>> { ["client_region"] = RegionOf }),
        new("client_region", "client_region", RegionCodes, c => Ja.RegionLabel(c), None),
        new("client_type", "client_type", ContractCodes("client_type"), Code, None),
        new("age_band", "age_band", ContractCodes("age_band"), c => Ja.AgeBandLabel(c), None),
        new("gender", "gender", ContractCodes("gender"), c => Ja.GenderLabel(c), None),
    ];

    /// <summary>Names a request may use for a dimension: <c>prefecture</c> and <c>region</c> are the worker's side
    /// (where the work is done, as the survey's regional adoption counts it); age band and gender are the worker's.</summary>
    public static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>
    {
        ["prefecture"] = "worker_prefecture",
        ["region"] = "worker_region",
    };

    public static ExtractMeasure? Measure(string name) => Measures.FirstOrDefault(m => m.Name == name);

    /// <summary>The dimension a request's name stands for (an alias resolved), or null.</summary>
    public static ExtractDimension? Dimension(string name) =>
        Dimensions.FirstOrDefault(d => d.Name == (Aliases.TryGetValue(name, out var canonical) ? canonical : name));

    public static IEnumerable<string> DimensionNames => Dimensions.Select(d => d.Name).Concat(Aliases.Keys).Order(StringComparer.Ordinal);
}
