namespace MarketStats.Ingest.Validation;

/// <summary>One broken rule at one place in a file: which file, line, column, value and rule.</summary>
/// <param name="Line">1-based line in the decoded text (the header is line 1); null for file-level problems.</param>
public sealed record ValidationError(string File, long? Line, string? Column, string? Value, string Rule, string Message)
{
    public override string ToString()
    {
        var where = Line is { } line ? $"{File}:{line}" : File;
        var column = Column is null ? "" : $" column '{Column}'";
        var value = Value is null ? "" : $" value '{Truncate(Value)}'";
        return $"{where}:{column}{value} [{Rule}] {Message}";
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..77] + "...";
}

/// <summary>How many rows broke one rule, with the first few examples.</summary>
public sealed record RuleViolation(string Rule, string? Column, long Count, IReadOnlyList<ValidationError> Examples);
