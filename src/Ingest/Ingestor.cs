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

    /// <summary>Where the time goes, phase by phase, when set (<c>ingest --trace</c>).</summary>
    public IngestTimings? Timings { get; init; }

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
        var outcomes = new FileOutcome?[delivered.Count];
        progress.Advance("ingest", 0, delivered.Count, "files");
        try
        {
            for (var i = 0; i < delivered.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var (file, platform) = delivered[i];
                var prepared = Prepare(i, file, platform, quarantine, outcomes);
                if (prepared is not null) CheckOrQueue(prepared, quarantine, outcomes);
                if (pending.Sum(p => p.Check.Rows) >= BatchRows) Flush();
                progress.Advance("ingest", outcomes.Count(o => o is not null), delivered.Count, "files");
            }
            CheckGroups(quarantine, outcomes);
            Flush();
            RecordStatuses(); // of files skipped or rejected after the last load
            // Grouped files get their outcome only here, after the loop: report the final count too.
            progress.Advance("ingest", outcomes.Count(o => o is not null), delivered.Count, "files");
        }
        finally
        {
            foreach (var waiting in groups.Values.SelectMany(g => g)) waiting.Delivered.Dispose();
            groups.Clear();
            DropPending();
        }
        return new IngestSummary([.. outcomes.Select(o => o!)], ignored.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Rows of checked files held before they are loaded together in one transaction. A commit per file cost more than
    /// reading the file (WAL sync and checkpoint each time: 24 of 36 s at 1M transactions in 180 files), and a commit
    /// per 250,000 rows still cost as much as the insert (each paid 2–3 s whatever its size; 1M rows: 5 commits 10–17 s,
    /// one 1–4 s); this bounds what waits (DuckDB spills it past its memory limit) and what a crash makes the next run
    /// read again.
    /// </summary>
    public long BatchRows { get; init; } = 1_000_000;

    /// <summary>
    /// Most files checked in one statement (<see cref="FileGroupValidator"/>); 1 checks every file alone. Files of a few
    /// thousand rows checked one by one each ran on one core and paid every statement's fixed cost.
    /// </summary>
    public int GroupFiles { get; init; } = 32;

    /// <summary>Most text (UTF-8 bytes) checked in one statement, which bounds the group table waiting to be loaded.</summary>
    public long GroupBytes { get; init; } = 64L << 20;

    /// <summary>Checks one file and loads it at once (whole, or quarantined whole).</summary>
    public FileOutcome IngestFile(string path, string platformId, string quarantine)
    {
        var outcomes = new FileOutcome?[1];
        try
        {
            if (Prepare(0, path, platformId, quarantine, outcomes) is { } prepared)
                outcomes[0] = CheckAlone(prepared, quarantine);
            Flush();
            RecordStatuses();
            return outcomes[0]!;
        }
        finally
        {
            DropPending();
        }
    }

    /// <summary>
    /// Where a checked file's rows wait: a table of its own, or its run of a group table (<see cref="FileGroupValidator"/>).
    /// <see cref="Rows"/> is the relation of its rows with their line in the file (<c>source_line</c>).
    /// </summary>
    private sealed record RowSource(string Table, int? GroupIndex = null, long FirstRowid = 0)
    {
        public string Rows => GroupIndex is { } index
            ? $"(select *, rowid - {FirstRowid.ToString(CultureInfo.InvariantCulture)} + 2 as source_line from {Table} where {FileGroupValidator.FileColumn} = {index.ToString(CultureInfo.InvariantCulture)})"
            : $"(select *, rowid + 2 as source_line from {Table})";
    }

    /// <summary>
    /// A file that passed every check, its rows waiting (<see cref="RowSource"/>) to be loaded with the others of its
    /// batch. Its file id is taken when it is accepted, so later files of the batch can name it in their checks.
    /// </summary>
    private sealed record PendingFile(int FileId, RowSource Source, FileCheck Check, string ContentSha256, string RowsSha256,
        string Display, string FormatLabel, int? Replaces)
    {
        public FileEnvelope Envelope => Check.Envelope!;
    }

    private readonly List<PendingFile> pending = [];

    /// <summary>
    /// A delivered file hashed, copied privately and not known before, waiting to be checked. <see cref="GroupKey"/>
    /// (its record kind and plain header) is set when it can share a statement with others of the same key.
    /// </summary>
    private sealed record PreparedFile(int Index, string Path, string Platform, string Display, string Sha, DeliveredFile Delivered,
        string? Kind, IReadOnlyList<string>? Header, long TextBytes)
    {
        public string? GroupKey => Kind is null || Header is null ? null : Kind + "\n" + string.Join(",", Header);
        public bool SamePlatformAndKind(PreparedFile other) => Platform == other.Platform && Kind == other.Kind;
    }

    /// <summary>Prepared files waiting to be checked together, by <see cref="PreparedFile.GroupKey"/>, in delivered order.</summary>
    private readonly Dictionary<string, List<PreparedFile>> groups = [];

    private int groupSequence;

    /// <summary>
    /// The checks before a file's rows are read: a regular file, its bytes and rows not known, a private copy made.
    /// Returns null with the outcome written when the file ends there (refused, skipped, rejected).
    /// </summary>
    private PreparedFile? Prepare(int index, string path, string platformId, string quarantine, FileOutcome?[] outcomes)
    {
        var display = System.IO.Path.GetFileName(path);
        // A link, pipe or device is refused where it lies: never followed, read, quarantined or echoed.
        if (RegularFile.WhyNot(path) is { } why)
        {
            outcomes[index] = Refuse(path, platformId, new UnreadableFileException(null, $"the file {why}; only regular files are read, so it was refused and left where it is", RuleIds.NotRegular));
            return null;
        }
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
            outcomes[index] = Refuse(path, platformId, e);
            return null;
        }
        DeliveredFile delivered;
        using (source)
        {
            int? known;
            var status = RegularFile.StatusOf(source.SafeFileHandle);
            if (status is not null && KnownStatuses().TryGetValue(status, out var unchangedId))
            {
                progress?.Report($"{platformId}/{display}: unchanged since it was loaded as file {unchangedId}, skipped");
                outcomes[index] = new FileOutcome(path, FileOutcomeKind.Skipped, platformId, null, 0, $"same content already loaded as file {unchangedId}");
                return null;
            }
            using (Timings?.Measure("hash + known bytes"))
            {
                sha = DeliveredFile.HashOf(source.SafeFileHandle);
                // The status is kept only when nothing wrote the file while it was hashed.
                if (status is not null && RegularFile.StatusOf(source.SafeFileHandle) == status) newStatuses[status] = sha;
                // The same bytes twice in one batch: the first is loaded, the second skipped as before.
                if (groups.Values.Any(g => g.Any(m => m.Sha == sha))) CheckGroups(quarantine, outcomes);
                if (pending.Any(p => p.ContentSha256 == sha)) Flush();
                known = warehouse.Scalar<int?>("select file_id from ingest_files where content_sha256 = $1", sha);
            }
            if (known is { } knownId)
            {
                progress?.Report($"{platformId}/{display}: already loaded as file {knownId}, skipped");
                outcomes[index] = new FileOutcome(path, FileOutcomeKind.Skipped, platformId, null, 0, $"same content already loaded as file {knownId}");
                return null;
            }

            progress?.Report($"{platformId}/{display}: validating");
            AfterHash?.Invoke(path);
            try
            {
                using var _ = Timings?.Measure("private copy (decompress, transcode, rows hash)");
                delivered = DeliveredFile.Open(source.SafeFileHandle, path, CopyFolder, sha, Limits);
            }
            catch (UnreadableFileException e)
            {
                var check = new FileCheck(display, null, 0, null,
                    [new RuleViolation(e.Rule, null, 1, [new ValidationError(display, e.Line, null, null, e.Rule, e.Message)])]);
                outcomes[index] = Reject(path, platformId, sha, check, quarantine);
                return null;
            }
        }
        // The same rows in other bytes (gzipped, CRLF, a BOM, CP932) were delivered before: nothing to do.
        if (groups.Values.Any(g => g.Any(m => m.Delivered.RowsSha256 == delivered.RowsSha256))) CheckGroups(quarantine, outcomes);
        if (pending.Any(p => p.RowsSha256 == delivered.RowsSha256)) Flush();
        var sameRows = warehouse.Scalar<int?>("select file_id from ingest_files where rows_sha256 = $1 order by file_id limit 1", delivered.RowsSha256);
        if (sameRows is { } sameId)
        {
            delivered.Dispose();
            progress?.Report($"{platformId}/{display}: the same rows were already loaded as file {sameId}, skipped");
            outcomes[index] = new FileOutcome(path, FileOutcomeKind.Skipped, platformId, null, 0, $"the same rows (in other bytes) already loaded as file {sameId}");
            return null;
        }
        AfterChecks?.Invoke(path);
        // Only a CSV whose plain header names a record kind and exactly the contract's columns may share a statement;
        // any other file is checked alone, as it always was.
        var header = delivered.Format == FileFormat.Parquet ? null : PlainHeader.Of(delivered.ReadablePath);
        var kind = header is null ? null : FileValidator.KindOf(header);
        if (kind is not null)
        {
            var columnProblems = new List<RuleViolation>();
            FileValidator.CheckColumns(kind, header!, display, columnProblems);
            if (columnProblems.Count > 0) kind = null;
        }
        return new PreparedFile(index, path, platformId, display, sha, delivered, kind, header, new FileInfo(delivered.ReadablePath).Length);
    }

    /// <summary>The statuses of delivered files whose bytes are loaded (<see cref="RegularFile.StatusOf"/>), with the file id; read once a run.</summary>
    private Dictionary<string, int>? knownStatuses;

    /// <summary>Statuses hashed in this run, written with the next load or at the end (one statement, not a commit per file).</summary>
    private readonly Dictionary<string, string> newStatuses = [];

    private Dictionary<string, int> KnownStatuses()
    {
        if (knownStatuses is not null) return knownStatuses;
        using var _ = Timings?.Measure("known by file status");
        knownStatuses = [];
        using var reader = warehouse.Query("select s.file_status, min(f.file_id) from ingest_file_status s join ingest_files f using (content_sha256) group by s.file_status");
        while (reader.Read()) knownStatuses[reader.GetString(0)] = reader.GetInt32(1);
        return knownStatuses;
    }

    /// <summary>Writes the statuses hashed since the last write (a status already recorded keeps its first hash).</summary>
    private void RecordStatuses()
    {
        if (newStatuses.Count == 0) return;
        var rows = string.Join(", ", newStatuses.Select(s => $"({SqlText.Literal(s.Key)}, {SqlText.Literal(s.Value)})"));
        warehouse.Execute($"insert into ingest_file_status select * from (values {rows}) v(file_status, content_sha256) " +
                          "where file_status not in (select file_status from ingest_file_status)");
        newStatuses.Clear();
    }

    /// <summary>Checks one prepared file in its own statements; a good one joins the pending batch, a bad one is quarantined whole at once.</summary>
    private FileOutcome CheckAlone(PreparedFile file, string quarantine)
    {
        using (file.Delivered)
        {
            try
            {
                var check = new FileValidator(warehouse.Connection, clock) { Limits = Limits, Timings = Timings }.Check(file.Delivered, file.Display, file.Platform);
                if (!check.IsValid || check.Envelope is null)
                    return Reject(file.Path, file.Platform, file.Sha, check, quarantine);
                // Placed while its rows are still under the validator's name, renamed once it is accepted.
                return Place(file, check, new RowSource(FileValidator.RawTable), quarantine, accept: fileId =>
                {
                    var table = $"ingest_pending_{fileId}";
                    warehouse.Execute($"alter table {FileValidator.RawTable} rename to {table}");
                    return new RowSource(table);
                });
            }
            finally
            {
                using var _ = Timings?.Measure("drop temp table");
                warehouse.Execute($"drop table if exists {FileValidator.RawTable}");
            }
        }
    }

    /// <summary>Queues a prepared file with the others of its kind and header (checked together when the group is full), or checks it alone.</summary>
    private void CheckOrQueue(PreparedFile prepared, string quarantine, FileOutcome?[] outcomes)
    {
        if (GroupFiles <= 1 || prepared.GroupKey is not { } key)
        {
            CheckGroups(quarantine, outcomes);
            outcomes[prepared.Index] = CheckAlone(prepared, quarantine);
            return;
        }
        // A file of the same platform and kind waiting under another header is checked first, so files are still
        // placed in the order they were delivered.
        foreach (var other in groups.Where(g => g.Key != key && g.Value.Any(m => m.SamePlatformAndKind(prepared))).Select(g => g.Key).ToList())
            CheckGroup(other, quarantine, outcomes);
        if (!groups.TryGetValue(key, out var group)) groups[key] = group = [];
        group.Add(prepared);
        if (group.Count >= GroupFiles || group.Sum(m => m.TextBytes) >= GroupBytes) CheckGroup(key, quarantine, outcomes);
    }

    private void CheckGroups(string quarantine, FileOutcome?[] outcomes)
    {
        foreach (var key in groups.Keys.ToList()) CheckGroup(key, quarantine, outcomes);
    }

    /// <summary>
    /// Checks a group's files in shared statements (<see cref="FileGroupValidator"/>); a file the group cannot vouch
    /// for is checked alone, so its report and its fate are what they would have been had it come alone.
    /// </summary>
    private void CheckGroup(string key, string quarantine, FileOutcome?[] outcomes)
    {
        var members = groups[key];
        groups.Remove(key);
        if (members.Count == 1)
        {
            outcomes[members[0].Index] = CheckAlone(members[0], quarantine);
            return;
        }
        var table = $"ingest_group_{++groupSequence}";
        liveGroupTables.Add(table);
        try
        {
            var verdicts = new FileGroupValidator(warehouse.Connection, clock) { Timings = Timings }.Check(
                table, members[0].Kind!, members[0].Header!, [.. members.Select(m => new FileGroupValidator.Member(m.Delivered, m.Display, m.Platform))]);
            var keysClean = KeysNewInGroup(table, members[0].Kind!, verdicts);
            for (var i = 0; i < members.Count; i++)
            {
                var member = members[i];
                if (verdicts[i] is not { } passed)
                {
                    outcomes[member.Index] = CheckAlone(member, quarantine);
                    continue;
                }
                var source = new RowSource(table, i, passed.FirstRowid);
                outcomes[member.Index] = Place(member, passed.Check, source, quarantine, accept: _ => source, keysClean.Contains(i));
                if (pending.Sum(p => p.Check.Rows) >= BatchRows) Flush();
            }
        }
        finally
        {
            foreach (var member in members) member.Delivered.Dispose();
            liveGroupTables.Remove(table);
            if (!pending.Any(p => p.Source.Table == table)) warehouse.Execute($"drop table if exists {table}");
        }
    }

    /// <summary>
    /// The group's files none of whose keys is loaded for its platform, waiting in the batch, or in another file of the
    /// group: one statement for the group instead of one per file (each of which scanned the whole group table).
    /// </summary>
    /// <remarks>
    /// It compares each file with a superset of what its own placement compares it with later (everything loaded or
    /// waiting now, and every other file of the group whether or not it is accepted), so a file it calls clean has no key
    /// elsewhere then either; any other file, and every file of a group with one not vouched for, is checked alone as before.
    /// </remarks>
    private HashSet<int> KeysNewInGroup(string table, string kind, FileGroupValidator.Passed?[] verdicts)
    {
        if (verdicts.Any(v => v is null)) return [];
        using var _ = Timings?.Measure("place: keys across files, per group");
        var record = ExportContract.Latest.Records[kind];
        var keys = string.Join(", ", record.Key.Select(ContractRules.Quote));
        var platforms = verdicts.Select(v => v!.Check.Envelope!.PlatformId).Distinct().ToList();
        var file = FileGroupValidator.FileColumn;
        var elsewhere = $"select {keys}, -1 as {file} from {RawTableOf(kind)} where platform_id in ({string.Join(", ", platforms.Select(SqlText.Literal))})" +
                        string.Concat(pending.Where(p => p.Envelope.RecordKind == kind && platforms.Contains(p.Envelope.PlatformId))
                            .Select(p => $" union all select {keys}, -1 from {p.Source.Rows}")) +
                        $" union all select {keys}, {file} from {table}";
        var join = string.Join(" and ", record.Key.Select(k => $"g.{ContractRules.Quote(k)} = t.{ContractRules.Quote(k)}"));
        var seen = new HashSet<int>();
        using (var reader = warehouse.Query($"select distinct g.{file} from {table} g join ({elsewhere}) t on {join} and g.{file} <> t.{file}"))
            while (reader.Read()) seen.Add(reader.GetInt32(0));
        return [.. Enumerable.Range(0, verdicts.Length).Where(i => !seen.Contains(i))];
    }

    /// <summary>Group tables still being checked: a flush in the middle of a group must not drop them.</summary>
    private readonly HashSet<string> liveGroupTables = [];

    /// <summary>Places a checked file against the loaded and the waiting ones: it joins the batch, or is quarantined whole.</summary>
    /// <param name="accept">Given the file id it is accepted as, returns where its rows wait to be loaded.</param>
    /// <param name="keysNew">The file's keys are known to be new for its platform (<see cref="KeysNewInGroup"/>): unless it replaces a file, they are not checked again.</param>
    private FileOutcome Place(PreparedFile file, FileCheck check, RowSource rows, string quarantine, Func<int, RowSource> accept, bool keysNew = false)
    {
        // A file for a period a pending file overlaps (a correction, a clash) is placed against the loaded
        // files, as it always was: the batch is loaded first.
        if (pending.Any(p => Overlaps(p.Envelope, check.Envelope!))) Flush();
        Placement placement;
        using (Timings?.Measure("place (periods, keys across files)"))
            placement = Place(check.Envelope!, file.Display, rows, keysNew);
        if (placement.Conflicts.Count > 0)
            return Reject(file.Path, file.Platform, file.Sha, check with { Violations = placement.Conflicts }, quarantine);

        var fileId = warehouse.Scalar<int>("select nextval('ingest_file_id_seq')");
        pending.Add(new PendingFile(fileId, accept(fileId), check, file.Sha, file.Delivered.RowsSha256, file.Display, file.Delivered.FormatLabel, placement.Replaces));
        var kind = placement.Replaces is null ? FileOutcomeKind.Loaded : FileOutcomeKind.Replaced;
        var detail = placement.Replaces is { } old
            ? $"loaded as file {fileId}, replacing file {old} (revision {check.Envelope!.Revision} of {check.Envelope.Period.Code})"
            : $"loaded as file {fileId} ({check.Envelope!.Period.Code}, revision {check.Envelope.Revision})";
        progress?.Report($"{file.Platform}/{file.Display}: {detail}");
        return new FileOutcome(file.Path, kind, file.Platform, check.RecordKind, check.Rows, detail, null, check);
    }

    /// <summary>Where the private copies DuckDB reads are made (<see cref="PrivateFolder"/>).</summary>
    private string CopyFolder => PrivateFolder.ForDatabase(warehouse.Path);

    private sealed record Placement(int? Replaces, List<RuleViolation> Conflicts);

    /// <summary>Decides whether the file is new, a corrected re-export, or in conflict with what is loaded.</summary>
    private Placement Place(FileEnvelope envelope, string display, RowSource rows, bool keysNew)
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
        // Keys of a file that replaces another were compared with the rows it replaces too: checked alone.
        if (conflicts.Count == 0 && !(keysNew && replaces is null))
            conflicts.AddRange(KeysLoadedElsewhere(envelope, display, replaces, rows));
        return new Placement(replaces, conflicts);
    }

    /// <summary>Record keys must be unique across a platform's files, not only within one.</summary>
    private IEnumerable<RuleViolation> KeysLoadedElsewhere(FileEnvelope envelope, string display, int? replaces, RowSource rows)
    {
        var record = ExportContract.Latest.Records[envelope.RecordKind];
        var table = RawTableOf(envelope.RecordKind);
        var join = string.Join(" and ", record.Key.Select(k => $"t.{ContractRules.Quote(k)} = r.{ContractRules.Quote(k)}"));
        // Every key starts with platform_id, and a file holds one platform (checked): naming it lets DuckDB skip the
        // other platforms' row groups instead of scanning everything loaded so far for every file.
        var keys = string.Join(", ", record.Key.Select(ContractRules.Quote));
        var loaded = $"select {keys}, file_id from {table} where platform_id = {SqlText.Literal(envelope.PlatformId)} " +
                     $"and file_id is distinct from {(replaces?.ToString(CultureInfo.InvariantCulture) ?? "null")}";
        // Files of this batch not yet loaded hold keys too (none of them is replaced: an overlap loads the batch first).
        var waiting = pending.Where(p => p.Envelope.PlatformId == envelope.PlatformId && p.Envelope.RecordKind == envelope.RecordKind)
            .Select(p => $" union all select {keys}, {p.FileId} as file_id from {p.Source.Rows}");
        var from = $"from {rows.Rows} r join ({loaded}{string.Concat(waiting)}) t on {join}";
        var count = warehouse.Scalar<long>($"select count(*) {from}");
        if (count == 0) yield break;
        var keyValue = string.Join(" || '|' || ", record.Key.Select(k => $"r.{ContractRules.Quote(k)}"));
        var message = $"({string.Join(", ", record.Key)}) is already loaded from another file of this platform";
        var examples = new List<ValidationError>();
        using (var reader = warehouse.Query($"select r.source_line, {keyValue}, t.file_id {from} order by r.source_line limit {FileValidator.ExamplesPerRule}"))
        {
            while (reader.Read())
                examples.Add(new ValidationError(display, reader.GetInt64(0), string.Join("+", record.Key), reader.GetString(1),
                    RuleIds.UniqueAcrossFiles, $"{message} (file {reader.GetInt32(2)})"));
        }
        yield return new RuleViolation(RuleIds.UniqueAcrossFiles, string.Join("+", record.Key), count, examples);
    }

    private static bool Overlaps(FileEnvelope a, FileEnvelope b) =>
        a.PlatformId == b.PlatformId && a.RecordKind == b.RecordKind && a.Period.Start <= b.Period.End && b.Period.Start <= a.Period.End;

    private static RuleViolation FileConflict(string display, string rule, string column, string message) =>
        new(rule, column, 1, [new ValidationError(display, null, column, null, rule, message)]);

    /// <summary>
    /// Loads every pending file in one transaction: each one's manifest row, typed rows with lineage, and (for a
    /// correction) removal of the replaced file's rows. Readers see all of the batch or none of it, so no file is ever
    /// half-loaded; a run killed before the commit leaves none of them, and the next run loads them again.
    /// </summary>
    private void Flush()
    {
        if (pending.Count == 0) return;
        using var _ = Timings?.Measure("load (insert, commit)");
        progress?.Report($"loading {pending.Sum(p => p.Check.Rows):N0} rows of {pending.Count} file(s)");
        using (var transaction = warehouse.Connection.BeginTransaction())
        {
            foreach (var file in pending)
            {
                var envelope = file.Envelope;
                warehouse.Execute(
                    "insert into ingest_files values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, null, $14)",
                    file.FileId, envelope.PlatformId, envelope.RecordKind, envelope.Period.Code, envelope.Period.Start, envelope.Period.End,
                    envelope.Revision, envelope.ContractVersion, file.ContentSha256, file.Display, file.FormatLabel, file.Check.Rows,
                    clock.GetUtcNow().UtcDateTime, file.RowsSha256);
                if (file.Replaces is { } old)
                {
                    warehouse.Execute($"delete from {RawTableOf(envelope.RecordKind)} where file_id = $1", old);
                    warehouse.Execute("update ingest_files set superseded_by = $1 where file_id = $2", file.FileId, old);
                }
            }
            RecordStatuses();
            using (Timings?.Measure("load: insert"))
                foreach (var waiting in pending.GroupBy(p => p.Source.Table))
                    InsertRows([.. waiting]);
            using (Timings?.Measure("load: commit"))
                transaction.Commit();
        }
        DropPending();
    }

    /// <summary>
    /// Copies waiting files' typed rows into the raw table with their file id and line: one statement for the files
    /// that share a group table (one parallel scan instead of a single-core insert per small file).
    /// </summary>
    private void InsertRows(IReadOnlyList<PendingFile> files)
    {
        var kind = files[0].Envelope.RecordKind;
        var columns = ExportContract.Latest.Records[kind].Fields;
        var typed = string.Join(", ", columns.Select(f => ContractRules.HasTypedTwin(f) ? ContractRules.Typed(f) : ContractRules.Quote(f.Name)));
        var insert = $"insert into {RawTableOf(kind)} (file_id, source_line, {string.Join(", ", columns.Select(f => ContractRules.Quote(f.Name)))}) ";
        if (files.Any(f => f.Source.GroupIndex is null))
        {
            foreach (var file in files)
                warehouse.Execute(insert + $"select {file.FileId}, source_line, {typed} from {file.Source.Rows}");
            return;
        }
        var map = string.Join(", ", files.Select(f => string.Create(CultureInfo.InvariantCulture, $"({f.Source.GroupIndex}, {f.FileId}, {f.Source.FirstRowid})")));
        warehouse.Execute(insert + $"select m.file_id, g.rowid - m.first_rowid + 2, {typed} from {files[0].Source.Table} g " +
                          $"join (values {map}) m({FileGroupValidator.FileColumn}, file_id, first_rowid) using ({FileGroupValidator.FileColumn})");
    }

    /// <summary>Drops the pending files' tables: loaded, or (after a failure or cancellation) not to be loaded by this run.</summary>
    private void DropPending()
    {
        foreach (var table in pending.Select(p => p.Source.Table).Distinct().Where(t => !liveGroupTables.Contains(t)))
            warehouse.Execute($"drop table if exists {table}");
        pending.Clear();
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
