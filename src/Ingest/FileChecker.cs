using DuckDB.NET.Data;
using MarketStats.Ingest.Validation;

namespace MarketStats.Ingest;

/// <summary>Validates files against the contract without loading them (the <c>validate</c> command), in a private in-memory DuckDB.</summary>
public sealed class FileChecker(TimeProvider clock)
{
    /// <summary>How far a compressed file may expand (a gzip bomb is refused, not read).</summary>
    public DecompressionLimits Limits { get; init; } = DecompressionLimits.Default;

    public FileCheck Check(string path, string? expectedPlatform = null)
    {
        var display = Path.GetFileName(path);
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        // A private folder (0700, its own name): a shared, fixed one under /tmp could be planted by another account.
        var copies = Directory.CreateTempSubdirectory("marketstats-validate-");
        try
        {
            using var delivered = DeliveredFile.Open(path, copies.FullName, limits: Limits);
            return new FileValidator(connection, clock) { Limits = Limits }.Check(delivered, display, expectedPlatform);
        }
        catch (UnreadableFileException e)
        {
            return new FileCheck(display, null, 0, null,
                [new RuleViolation(e.Rule, null, 1, [new ValidationError(display, e.Line, null, null, e.Rule, e.Message)])]);
        }
        finally
        {
            try { copies.Delete(recursive: true); }
            catch (IOException) { /* the system cleans its temporary folder */ }
        }
    }
}
