using System.Globalization;
using System.Text.RegularExpressions;

namespace MarketStats.Core.Domain;

/// <summary>The period an export file declares it covers: a fiscal year (<c>FY2024</c>) or a month (<c>2024-04</c>).</summary>
public readonly partial record struct ExportPeriod(string Code, DateOnly Start, DateOnly End)
{
    public static bool TryParse(string? text, out ExportPeriod period)
    {
        period = default;
        if (text is null) return false;
        var m = PeriodPattern().Match(text);
        if (!m.Success) return false;
        if (m.Groups["fy"].Success)
        {
            var fy = int.Parse(m.Groups["fy"].Value, CultureInfo.InvariantCulture);
            period = new ExportPeriod(text, FiscalYear.Start(fy), FiscalYear.End(fy));
            return true;
        }
        var year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture);
        var month = int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture);
        if (month is < 1 or > 12) return false;
        var start = new DateOnly(year, month, 1);
        period = new ExportPeriod(text, start, start.AddMonths(1).AddDays(-1));
        return true;
    }

    public static ExportPeriod Parse(string text) =>
        TryParse(text, out var p) ? p : throw new FormatException($"'{text}' is not an export period (FY2024 or 2024-04).");

    public static ExportPeriod ForFiscalYear(int fiscalYear) => Parse($"FY{fiscalYear}");

    public bool Overlaps(ExportPeriod other) => Start <= other.End && other.Start <= End;

    [GeneratedRegex(@"^(?:FY(?<fy>\d{4})|(?<y>\d{4})-(?<m>\d{2}))$")]
    private static partial Regex PeriodPattern();
}
