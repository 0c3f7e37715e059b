using DuckDB.NET.Data;
using MarketStats.Ingest.Validation;

namespace MarketStats.Ingest;

/// <summary>Validates files against the contract without loading them (the <c>validate</c> command), in a private in-memory DuckDB.</summary>
public sealed class FileChecker(TimeProvider clock)
{
    public FileCheck Check(string path, string? expectedPlatform = null)
    {
        var display = Path.GetFileName(path);
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        var scratch = Path.Combine(Path.GetTempPath(), "marketstats-validate");
        try
        {
            using var delivered = DeliveredFile.Open(path, scratch);
            return new FileValidator(connection, clock).Check(delivered, display, expectedPlatform);
        }
        catch (UnreadableFileException e)
        {
            return new FileCheck(display, null, 0, null,
                [new RuleViolation(RuleIds.Unreadable, null, 1, [new ValidationError(display, e.Line, null, null, RuleIds.Unreadable, e.Message)])]);
        }
    }
}
