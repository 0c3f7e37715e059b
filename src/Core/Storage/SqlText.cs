namespace MarketStats.Core.Storage;

/// <summary>Text spliced into SQL where DuckDB takes no parameter (DDL, settings, file paths, generated rules).</summary>
public static class SqlText
{
    /// <summary>A string literal: <c>O'Neil</c> → <c>'O''Neil'</c>.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
