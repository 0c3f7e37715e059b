using System.Globalization;
using MarketStats.Core;
using MarketStats.Core.Contract;
using MarketStats.Core.Domain;
using MarketStats.Core.Storage;
using MarketStats.Ingest.Validation;

namespace MarketStats.Ingest;

public enum FileOutcomeKind { Loaded, Replaced, Skipped, Rejected }

/// <summary>What happened to one delivered file.</summary>
public sealed record FileOutcome(
    string Path, FileOutcomeKind Kind, string PlatformId, string? RecordKind, long Rows, string Detail,
    string? QuarantinedTo = null, FileCheck? Check = null);

/// <param name="Ignored">Files the inbox's layout leaves out (at its root, or in a folder below a platform's): named, left in place, a problem.</param>
public sealed record IngestSummary(IReadOnlyList<FileOutcome> Files, IReadOnlyList<string> Ignored)
{
    public int Count(FileOutcomeKind kind) => Files.Count(f => f.Kind == kind);
    public long RowsLoaded => Files.Where(f => f.Kind is FileOutcomeKind.Loaded or FileOutcomeKind.Replaced).Sum(f => f.Rows);
    public bool AnyRejected => Files.Any(f => f.Kind == FileOutcomeKind.Rejected);
    /// <summary>A file was rejected or ignored: the run found a problem (exit 1).</summary>
    public bool AnyProblem => AnyRejected || Ignored.Count > 0;
}

/// <summary>Loads per-platform inbox folders into the warehouse: each file validated, then loaded whole or quarantined whole.</summary>
/// <remarks>
/// Idempotent by content: a file whose bytes were loaded before is skipped before it is read, and one whose rows were
/// (the same rows gzipped, with CRLF, a BOM or in CP932: <see cref="DeliveredFile.RowsSha256"/>) once it is read. A file for a platform, record kind
/// and period that is already loaded replaces it only when its <c>export_revision</c> is higher, in the same
/// transaction that loads it, so readers see the old rows or the new ones, never a mix.
/// </remarks>
public sealed class Ingestor(Warehouse warehouse, TimeProvider clock, IProgress<string>? progress = null)
{
    private readonly Warehouse warehouse = Landing.EnsureSchema(RemoveStaleCopies(warehouse));

    /// <summary>Copies a killed ingest left; the warehouse is open for writing, so its lock is ours.</summary>
    private static Warehouse RemoveStaleCopies(Warehouse warehouse)
    {
        PrivateFolder.RemoveStale(PrivateFolder.ForDatabase(warehouse.Path));
        return warehouse;
    }

    /// <summary>How far a compressed file may expand (a gzip bomb is refused, not loaded).</summary>
    public DecompressionLimits Limits { get; init; } = DecompressionLimits.Default;

    /// <summary>Test seam: called with the delivered file's path once it is checked and before DuckDB reads it, where a
    /// hostile writer would swap it.</summary>
    internal Action<string>? AfterChecks { get; init; }

    /// <summary>Test seam: called with the path once the open file is hashed and before it is checked and copied.</summary>
    internal Action<string>? AfterHash { get; init; }

    /// <summary>File names the inbox ignores: partial downloads and hidden files.</summary>
    public static bool IsCandidate(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        if (name.StartsWith('.') || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".part", StringComparison.OrdinalIgnoreCase))
            return false;
        return name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);
    }

    public IngestSummary IngestInbox(string inbox, string quarantine, CancellationToken ct = default)
    {
        if (!Directory.Exists(inbox))
            throw new DirectoryNotFoundException($"The inbox {inbox} does not exist.");
        Quarantine.EnsureUsable(quarantine);
        var outcomes = new List<FileOutcome>();
        // Only INBOX/<platform>/<file> is read; anything else a sender left would be silently lost, so it is named.
        var ignored = Directory.GetFiles(inbox).Where(IsCandidate).ToList();
        var delivered = new List<(string File, string Platform)>();
        foreach (var platformDir in Directory.GetDirectories(inbox).Order(StringComparer.Ordinal))
        {
            ignored.AddRange(Directory.GetDirectories(platformDir)
                .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)).Where(IsCandidate));
            delivered.AddRange(Directory.GetFiles(platformDir).Where(IsCandidate).Order(StringComparer.Ordinal)
                .Select(f => (f, System.IO.Path.GetFileName(platformDir))));
        }
        progress.Advance("ingest", 0, delivered.Count, "files");
        foreach (var (file, platform) in delivered)
        {
            ct.ThrowIfCancellationRequested();
            outcomes.Add(IngestFile(file, platform, quarantine));
            progress.Advance("ingest", outcomes.Count, delivered.Count, "files");
        }
        return new IngestSummary(outcomes, ignored.Order(StringComparer.Ordinal).ToList());
    }

    public FileOutcome IngestFile(string path, string platformId, string quarantine)
    {
        var display = System.IO.Path.GetFileName(path);
        // A link, pipe or device is refused where it lies: never followed, read, quarantined or echoed.
        if (RegularFile.WhyNot(path) is { } why)
            return Refuse(path, platformId, new UnreadableFileException(null, $"the file {why}; only regular files are read, so it was refused and left where it is", RuleIds.NotRegular));
        // One handle, opened without following links, serves every read: the hash, the checks and the private copy
        // DuckDB reads, so bytes swapped in at the path afterwards are never read (issue 11: TOCTOU).
        FileStream source;
        string sha;
        try
        {
            source = RegularFile.OpenRead(path, 1 << 20, FileOptions.SequentialScan);
        }
        catch (UnreadableFileException e) // swapped for a link or pipe since the check above
        {
            return Refuse(path, platformId, e);
        }
        DeliveredFile delivered;
        using (source)
        {
            sha = DeliveredFile.HashOf(source.SafeFileHandle);
            var known = warehouse.Scalar<int?>("select file_id from ingest_files where content_sha256 = $1", sha);
            if (known is { } knownId)
            {
                progress?.Report($"{platformId}/{display}: already loaded as file {knownId}, skipped");
                return new FileOutcome(path, FileOutcomeKind.Skipped, platformId, null, 0, $"same content already loaded as file {knownId}");
            }

            progress?.Report($"{platformId}/{display}: validating");
            AfterHash?.Invoke(path);
            try
            {
                delivered = DeliveredFile.Open(source.SafeFileHandle, path, CopyFolder, sha, Limits);
            }
            catch (UnreadableFileException e)
            {
                var check = new FileCheck(display, null, 0, null,
                    [new RuleViolation(e.Rule, null, 1, [new ValidationError(display, e.Line, null, null, e.Rule, e.Message)])]);
                return Reject(path, platformId, sha, check, quarantine);
            }
        }
        using (delivered)
        {
            // The same rows in other bytes (gzipped, CRLF, a BOM, CP932) were delivered before: nothing to do.
            var sameRows = warehouse.Scalar<int?>("select file_id from ingest_files where rows_sha256 = $1 order by file_id limit 1", delivered.RowsSha256);
            if (sameRows is { } sameId)
            {
                progress?.Report($"{platformId}/{display}: the same rows were already loaded as file {sameId}, skipped");
                return new FileOutcome(path, FileOutcomeKind.Skipped, platformId, null, 0, $"the same rows (in other bytes) already loaded as file {sameId}");
            }
            AfterChecks?.Invoke(path);
            try
            {
                var check = new FileValidator(warehouse.Connection, clock) { Limits = Limits }.Check(delivered, display, platformId);
                if (!check.IsValid || check.Envelope is null)
                    return Reject(path, platformId, sha, check, quarantine);

                var placement = Place(check.Envelope, display);
                if (placement.Conflicts.Count > 0)
                    return Reject(path, platformId, sha, check with { Violations = placement.Conflicts }, quarantine);

                progress?.Report($"{platformId}/{display}: loading {check.Rows:N0} rows");
                var fileId = Load(delivered, display, check, placement.Replaces);
                var kind = placement.Replaces is null ? FileOutcomeKind.Loaded : FileOutcomeKind.Replaced;
                var detail = placement.Replaces is { } old
                    ? $"loaded as file {fileId}, replacing file {old} (revision {check.Envelope.Revision} of {check.Envelope.Period.Code})"
                    : $"loaded as file {fileId} ({check.Envelope.Period.Code}, revision {check.Envelope.Revision})";
                progress?.Report($"{platformId}/{display}: {detail}");
                return new FileOutcome(path, kind, platformId, check.RecordKind, check.Rows, detail, null, check);
            }
            finally
            {
                warehouse.Execute($"drop table if exists {FileValidator.RawTable}");
            }
        }
    }

    /// <summary>Where the private copies DuckDB reads are made (<see cref="PrivateFolder"/>).</summary>
    private string CopyFolder => PrivateFolder.ForDatabase(warehouse.Path);

    private sealed record Placement(int? Replaces, List<RuleViolation> Conflicts);

    /// <summary>Decides whether the file is new, a corrected re-export, or in conflict with what is loaded.</summary>
    private Placement Place(FileEnvelope envelope, string display)
    {
        var conflicts = new List<RuleViolation>();
        int? replaces = null;
        using (var reader = warehouse.Query(
                   "select file_id, export_period, export_revision, source_name from ingest_files " +
                   "where platform_id = $1 and record_kind = $2 and superseded_by is null and period_start <= $4 and $3 <= period_end",
                   envelope.PlatformId, envelope.RecordKind, envelope.Period.Start, envelope.Period.End))
        {
            while (reader.Read())
            {
                var (fileId, period, revision, name) = (reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3));
                if (period != envelope.Period.Code)
                    conflicts.Add(FileConflict(display, RuleIds.PeriodOverlap, "export_period",
                        $"period {envelope.Period.Code} overlaps period {period} already loaded from {name} (file {fileId}); send one granularity per platform"));
                else if (envelope.Revision <= revision)
                    conflicts.Add(FileConflict(display, RuleIds.StaleRevision, "export_revision",
                        $"{envelope.Period.Code} is already loaded at revision {revision} from {name} (file {fileId}) with different content; a corrected re-export needs export_revision > {revision}"));
                else
                    replaces = fileId;
            }
        }
        if (conflicts.Count == 0)
            conflicts.AddRange(KeysLoadedElsewhere(envelope, display, replaces));
        return new Placement(replaces, conflicts);
    }

    /// <summary>Record keys must be unique across a platform's files, not only within one.</summary>
    private IEnumerable<RuleViolation> KeysLoadedElsewhere(FileEnvelope envelope, string display, int? replaces)
    {
        var record = ExportContract.V1.Records[envelope.RecordKind];
        var table = RawTableOf(envelope.RecordKind);
        var join = string.Join(" and ", record.Key.Select(k => $"t.{ContractRules.Quote(k)} = r.{ContractRules.Quote(k)}"));
        var from = $"from {FileValidator.RawTable} r join {table} t on {join} " +
                   $"where t.file_id is distinct from {(replaces?.ToString(CultureInfo.InvariantCulture) ?? "null")}";
        var count = warehouse.Scalar<long>($"select count(*) {from}");
        if (count == 0) yield break;
        var keyValue = string.Join(" || '|' || ", record.Key.Select(k => $"r.{ContractRules.Quote(k)}"));
        var message = $"({string.Join(", ", record.Key)}) is already loaded from another file of this platform";
        var examples = new List<ValidationError>();
        using (var reader = warehouse.Query($"select r.rowid + 2, {keyValue}, t.file_id {from} order by r.rowid limit {FileValidator.ExamplesPerRule}"))
        {
            while (reader.Read())
                examples.Add(new ValidationError(display, reader.GetInt64(0), string.Join("+", record.Key), reader.GetString(1),
                    RuleIds.UniqueAcrossFiles, $"{message} (file {reader.GetInt32(2)})"));
        }
        yield return new RuleViolation(RuleIds.UniqueAcrossFiles, string.Join("+", record.Key), count, examples);
    }

    private static RuleViolation FileConflict(string display, string rule, string column, string message) =>
        new(rule, column, 1, [new ValidationError(display, null, column, null, rule, message)]);

    /// <summary>One transaction: manifest row, typed rows with lineage, and (for a correction) removal of the replaced file's rows.</summary>
    private int Load(DeliveredFile delivered, string display, FileCheck check, int? replaces)
    {
        var envelope = check.Envelope!;
        var table = RawTableOf(envelope.RecordKind);
        using var transaction = warehouse.Connection.BeginTransaction();
        var fileId = warehouse.Scalar<int>("select nextval('ingest_file_id_seq')");
        warehouse.Execute(
            "insert into ingest_files values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, null, $14)",
            fileId, envelope.PlatformId, envelope.RecordKind, envelope.Period.Code, envelope.Period.Start, envelope.Period.End,
            envelope.Revision, envelope.ContractVersion, delivered.ContentSha256, display, delivered.FormatLabel, check.Rows,
            clock.GetUtcNow().UtcDateTime, delivered.RowsSha256);
        var columns = ExportContract.V1.Records[envelope.RecordKind].Fields;
        var typed = string.Join(", ", columns.Select(f => ContractRules.HasTypedTwin(f) ? ContractRules.Typed(f) : ContractRules.Quote(f.Name)));
        warehouse.Execute(
            $"insert into {table} (file_id, source_line, {string.Join(", ", columns.Select(f => ContractRules.Quote(f.Name)))}) " +
            $"select {fileId}, rowid + 2, {typed} from {FileValidator.RawTable}");
        if (replaces is { } old)
        {
            warehouse.Execute($"delete from {table} where file_id = $1", old);
            warehouse.Execute("update ingest_files set superseded_by = $1 where file_id = $2", fileId, old);
        }
        transaction.Commit();
        return fileId;
    }

    /// <summary>A file that is not read at all (not a regular file): reported, left in place, not recorded as content.</summary>
    private FileOutcome Refuse(string path, string platformId, UnreadableFileException e)
    {
        var display = System.IO.Path.GetFileName(path);
        var error = new ValidationError(display, null, null, null, e.Rule, e.Message);
        var check = new FileCheck(display, null, 0, null, [new RuleViolation(e.Rule, null, 1, [error])]);
        progress?.Report($"{platformId}/{display}: refused, {e.Message}");
        return new FileOutcome(path, FileOutcomeKind.Rejected, platformId, null, 0, $"1 errors; first: {error}", null, check);
    }

    private FileOutcome Reject(string path, string platformId, string sha, FileCheck check, string quarantine)
    {
        var destination = Quarantine.Move(path, platformId, check, quarantine);
        var first = check.Examples.FirstOrDefault()?.ToString() ?? "rejected";
        warehouse.Execute("insert into ingest_rejections values ($1, $2, $3, $4, $5, $6, $7)",
            sha, System.IO.Path.GetFileName(path), platformId, check.ErrorCount, first, destination, clock.GetUtcNow().UtcDateTime);
        progress?.Report($"{platformId}/{System.IO.Path.GetFileName(path)}: rejected ({check.ErrorCount:N0} errors), quarantined to {destination}");
        return new FileOutcome(path, FileOutcomeKind.Rejected, platformId, check.RecordKind, check.Rows,
            $"{check.ErrorCount:N0} errors; first: {first}", destination, check);
    }

    public static string RawTableOf(string recordKind) => recordKind switch
    {
        RecordKind.Transactions => "raw_transactions",
        RecordKind.Registrations => "raw_registrations",
        _ => throw new ArgumentOutOfRangeException(nameof(recordKind), recordKind, "unknown record kind"),
    };
}
