namespace MarketStats.Reports;

/// <summary>Text that reaches a workbook cell from input (platform ids, codes): never a formula when opened.</summary>
internal static class CellText
{
    /// <summary>
    /// A leading <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR makes a spreadsheet (or a CSV copied out of one)
    /// read the text as a formula, so such text gets a leading apostrophe, as Excel's own "text" prefix looks. The
    /// character alone (the "-" of a figure not applicable) is no formula and stays as it is.
    /// </summary>
    public static string Inert(string text) =>
        text.Length > 1 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
}
