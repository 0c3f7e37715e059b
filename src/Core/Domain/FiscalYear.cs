namespace MarketStats.Core.Domain;

/// <summary>Japan's fiscal year (年度): FY2024 runs from 2024-04-01 to 2025-03-31.</summary>
/// <remarks>The SQL twin is the <c>fiscal_year(d)</c> macro in <c>Sql/macros.sql</c>; a test holds them equal.</remarks>
public static class FiscalYear
{
    public const int FirstMonth = 4;

    public static int Of(DateOnly date) => date.Month >= FirstMonth ? date.Year : date.Year - 1;

    public static DateOnly Start(int fiscalYear) => new(fiscalYear, FirstMonth, 1);

    public static DateOnly End(int fiscalYear) => new(fiscalYear + 1, FirstMonth - 1, 31);

    /// <summary>Parses "2023-2025" or "2024" into an inclusive range of fiscal years.</summary>
    public static (int First, int Last) ParseRange(string text)
    {
        var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 1 && int.TryParse(parts[0], out var single))
            return (single, single);
        if (parts.Length == 2 && int.TryParse(parts[0], out var first) && int.TryParse(parts[1], out var last) && first <= last)
            return (first, last);
        throw new FormatException($"'{text}' is not a fiscal year or a range like 2023-2025.");
    }
}
