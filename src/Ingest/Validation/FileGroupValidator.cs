using System.Globalization;
using DuckDB.NET.Data;
using MarketStats.Core.Contract;
using MarketStats.Core.Domain;
using MarketStats.Core.Storage;

namespace MarketStats.Ingest.Validation;

/// <summary>
/// Checks several CSV files of one record kind and one plain header in a single DuckDB statement per step: one
/// <c>read_csv([…], filename = true)</c> into one table, one scan of every row rule counted per file, one grouped
/// duplicate-key count. Checked one at a time, a file of a few thousand rows runs each step on one core and pays each
/// statement's fixed cost; together they use every core.
/// </summary>
/// <remarks>
/// Only the verdict is taken from the group: a file that is clean in every respect passes with its rows in the group
/// table. Any file with anything to report — a rule that fired, a structural CSV error, no rows, an odd first row — is
/// answered "check it alone" (null), so its report (lines, columns, values, messages) comes from
/// <see cref="FileValidator"/> exactly as if it had never shared a statement; and if DuckDB cannot read the group at
/// all, every file is checked alone, so one unreadable file cannot take its neighbours down.
/// </remarks>
public sealed class FileGroupValidator(DuckDBConnection connection, TimeProvider clock)
{
    /// <summary>The group table's column naming each row's file: its index in the group.</summary>
    public const string FileColumn = "ingest_file";

    private const string FilesTable = "ingest_group_files";

    public IngestTimings? Timings { get; init; }

    /// <summary>One delivered file of the group, with the platform its inbox folder names.</summary>
    public sealed record Member(DeliveredFile File, string Display, string ExpectedPlatform);

    /// <summary>A file that passed every check; its rows are the group table's rows <c>FirstRowid</c> onwards, in order, where <see cref="FileColumn"/> is its index.</summary>
    public sealed record Passed(FileCheck Check, long FirstRowid);

    /// <summary>Reads the members into <paramref name="table"/> and checks them: per member, its pass, or null when it must be checked alone.</summary>
    public Passed?[] Check(string table, string kind, IReadOnlyList<string> header, IReadOnlyList<Member> members)
    {
        var verdicts = new Passed?[members.Count];
        var paths = "[" + string.Join(", ", members.Select(m => SqlText.Literal(m.File.ReadablePath))) + "]";
        connection.Execute("drop table if exists csv_rejects; drop table if exists csv_scans;");
        using (Timings?.Measure("validate: read into temp table"))
        {
            try
            {
                connection.Execute($"create temp table {table} as select {FileValidator.RawColumns(kind, header)}, " +
                        $"(list_position({paths}, filename) - 1)::integer as {FileColumn} " +
                        $"from {FileValidator.CsvSource(paths, header, fileName: true)}");
            }
            catch (DuckDBException)
            {
                connection.Execute($"drop table if exists {table}");
                return verdicts; // every file alone: the one DuckDB cannot read is reported by itself
            }
        }

        // A file with a structural error lost that line from the table: it is checked alone. A rejected line that
        // cannot be traced to its file sends every file alone.
        var structural = new HashSet<int>();
        using (var reader = connection.Query($"select distinct (list_position({paths}, s.file_path) - 1)::integer from csv_rejects r left join csv_scans s using (scan_id, file_id)"))
        {
            while (reader.Read())
            {
                if (reader.IsDBNull(0)) return Drop(table, verdicts);
                structural.Add(reader.GetInt32(0));
            }
        }

        // Each file's rows must be one run of the table in file order (DuckDB keeps a read's order), so that a row's
        // line is its rowid less the file's first rowid, plus the header line; otherwise every file is checked alone.
        var names = ContractRules.FileConstantColumns;
        var stats = new Dictionary<int, (long Rows, long First, Dictionary<string, string?> FirstRow)>();
        using (var reader = connection.Query($"select {FileColumn}, count(*), min(rowid), max(rowid) from {table} group by {FileColumn} order by {FileColumn}"))
        {
            long nextRowid = 0;
            while (reader.Read())
            {
                var (index, rows, first, last) = (reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
                if (first != nextRowid || last - first + 1 != rows) return Drop(table, verdicts);
                nextRowid = last + 1;
                stats[index] = (rows, first, []);
            }
        }
        if (stats.Count == 0) return Drop(table, verdicts);
        var firstRowids = string.Join(", ", stats.Values.Select(s => s.First.ToString(CultureInfo.InvariantCulture)));
        using (var reader = connection.Query($"select {FileColumn}, {string.Join(", ", names.Select(ContractRules.Quote))} from {table} where rowid in ({firstRowids})"))
        {
            while (reader.Read())
            {
                var firstRow = stats[reader.GetInt32(0)].FirstRow;
                for (var i = 0; i < names.Length; i++) firstRow[names[i]] = reader.IsDBNull(1 + i) ? null : reader.GetString(1 + i);
            }
        }

        var candidates = new Dictionary<int, (long Rows, long First, FileEnvelope Envelope)>();
        foreach (var (index, (rows, first, firstRow)) in stats)
        {
            if (structural.Contains(index)) continue;
            ExportPeriod? period = ExportPeriod.TryParse(firstRow["export_period"], out var p) ? p : null;
            if (FileValidator.EnvelopeOf(kind, firstRow, period) is { } envelope && firstRow["platform_id"] is not null)
                candidates[index] = (rows, first, envelope);
        }
        if (candidates.Count == 0) return Drop(table, verdicts);

        var flagged = new HashSet<int>();
        try
        {
            WriteFilesTable(candidates.Keys.Order().Select(i => (i, stats[i].FirstRow, members[i].ExpectedPlatform, candidates[i].Envelope.Period)));
            var rules = ContractRules.For(kind, RuleContext.ForFileGroup(DateOnly.FromDateTime(clock.GetLocalNow().DateTime)));
            using (Timings?.Measure("validate: row rules"))
            using (var reader = connection.Query($"select distinct t.{FileColumn} from {table} t join {FilesTable} {RuleContext.FileTable} using ({FileColumn}) " +
                                      $"where {string.Join("\n or ", rules.Select(r => $"({r.ViolationSql})"))}"))
                while (reader.Read()) flagged.Add(reader.GetInt32(0));

            var key = ExportContract.Latest.Records[kind].Key.Select(ContractRules.Quote).ToList();
            using (Timings?.Measure("validate: unique key"))
            using (var reader = connection.Query($"select distinct {FileColumn} from {table} where {string.Join(" and ", key.Select(k => k + " is not null"))} " +
                                      $"group by {FileColumn}, {string.Join(", ", key)} having count(*) > 1"))
                while (reader.Read()) flagged.Add(reader.GetInt32(0));
        }
        finally
        {
            connection.Execute($"drop table if exists {FilesTable}");
        }

        foreach (var (index, (rows, first, envelope)) in candidates)
            if (!flagged.Contains(index))
                verdicts[index] = new Passed(new FileCheck(members[index].Display, kind, rows, envelope, []), first);
        return verdicts.Any(v => v is not null) ? verdicts : Drop(table, verdicts);
    }

    private Passed?[] Drop(string table, Passed?[] verdicts)
    {
        connection.Execute($"drop table if exists {table}");
        return verdicts;
    }

    /// <summary>What the rules of <see cref="RuleContext.ForFileGroup"/> read per file: the first row's constants, the folder's platform, the period.</summary>
    private void WriteFilesTable(IEnumerable<(int Index, Dictionary<string, string?> FirstRow, string ExpectedPlatform, ExportPeriod Period)> files)
    {
        var names = ContractRules.FileConstantColumns;
        var columns = string.Join(", ", names.Select(n => $"{ContractRules.Quote(RuleContext.FirstRowName(n))} varchar"));
        connection.Execute($"create temp table {FilesTable} ({FileColumn} integer, {columns}, expected_platform varchar, period_start date, period_end date)");
        var rows = files.Select(f =>
            $"({f.Index.ToString(CultureInfo.InvariantCulture)}, {string.Join(", ", names.Select(n => f.FirstRow[n] is { } v ? SqlText.Literal(v) : "null"))}, " +
            $"{SqlText.Literal(f.ExpectedPlatform)}, date {SqlText.Literal(ContractRules.Iso(f.Period.Start))}, date {SqlText.Literal(ContractRules.Iso(f.Period.End))})");
        connection.Execute($"insert into {FilesTable} values {string.Join(", ", rows)}");
    }
}
