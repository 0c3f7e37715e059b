using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using MarketStats.Core.Contract;
using MarketStats.Core.Domain;
using MarketStats.Core.Storage;

namespace MarketStats.Ingest.Validation;

/// <summary>What a file declares about itself in its envelope columns.</summary>
public sealed record FileEnvelope(string RecordKind, string PlatformId, ExportPeriod Period, int Revision, int ContractVersion);

/// <summary>The outcome of checking one file against the contract.</summary>
public sealed record FileCheck(string File, string? RecordKind, long Rows, FileEnvelope? Envelope, IReadOnlyList<RuleViolation> Violations)
{
    public bool IsValid => Violations.Count == 0;
    public long ErrorCount => Violations.Sum(v => v.Count);
    public IEnumerable<ValidationError> Examples => Violations.SelectMany(v => v.Examples);
}

/// <summary>Checks one delivered file against the contract inside DuckDB, leaving its rows in the temporary table <c>ingest_raw</c>.</summary>
/// <remarks>
/// The file is read once, every column as text, so that a bad value can be reported as it was written. All row rules
/// are then counted in a single scan; only rules that fired are queried again for their first examples. Line numbers
/// are the table's row order plus the header line: DuckDB preserves a CSV's order on insert.
/// </remarks>
public sealed class FileValidator(DuckDBConnection connection, TimeProvider clock)
{
    public const int ExamplesPerRule = 20;
    public const string RawTable = "ingest_raw";

    /// <summary>How much a Parquet file may declare (rows, uncompressed bytes) before it is read.</summary>
    public DecompressionLimits Limits { get; init; } = DecompressionLimits.Default;

    public IngestTimings? Timings { get; init; }

    public FileCheck Check(DeliveredFile file, string displayName, string? expectedPlatform)
    {
        var violations = new List<RuleViolation>();
        // A plain header is read here, so DuckDB reads the file once with its columns given and no sniffing; any
        // header that needs DuckDB's judgement (quotes, odd spaces, duplicates) is read by DuckDB as before.
        var plainHeader = file.Format == FileFormat.Parquet ? null : PlainHeader.Of(file.ReadablePath);
        var source = SourceOf(file, plainHeader);
        List<string> header;
        try
        {
            if (file.Format == FileFormat.Parquet && ParquetTooLarge(file) is { } tooLarge)
            {
                violations.Add(FileLevel(displayName, RuleIds.TooLarge, tooLarge));
                return new FileCheck(displayName, null, 0, null, violations);
            }
            using var _ = Timings?.Measure("validate: header");
            header = plainHeader ?? HeaderOf(source);
            if (plainHeader is not null) DropWorkTables();
        }
        catch (DuckDBException e)
        {
            violations.Add(FileLevel(displayName, RuleIds.CsvStructure, "DuckDB could not read the file: " + e.Message.Split('\n')[0]));
            return new FileCheck(displayName, null, 0, null, violations);
        }

        var columns = ColumnNames(header);
        var kind = KindOf(columns);
        if (kind is null)
        {
            violations.Add(FileLevel(displayName, RuleIds.UnknownKind,
                $"the header ({string.Join(",", columns.Take(8))}…) is neither a transactions export (transaction_id) nor a registrations export (account_id)"));
            return new FileCheck(displayName, null, 0, null, violations);
        }
        CheckColumns(kind, columns, displayName, violations);
        using (Timings?.Measure("validate: read into temp table"))
        {
            if (!LoadRaw(file, source, kind, header, displayName, violations))
                return new FileCheck(displayName, kind, 0, null, violations);
        }

        var rows = connection.Scalar<long>($"select count(*) from {RawTable}");
        if (rows == 0)
        {
            violations.Add(FileLevel(displayName, RuleIds.Empty, "the file has a header but no rows, so it declares no export_period; send at least one row"));
            return new FileCheck(displayName, kind, 0, null, violations);
        }

        var firstRow = FirstRow();
        ExportPeriod? period = ExportPeriod.TryParse(firstRow["export_period"], out var p) ? p : null;
        violations.AddRange(ColumnsNewerThanDeclared(kind, columns, firstRow["contract_version"], displayName));
        var context = new RuleContext(DateOnly.FromDateTime(clock.GetLocalNow().DateTime), expectedPlatform, firstRow, period);
        using (Timings?.Measure("validate: row rules"))
            violations.AddRange(CheckRows(ContractRules.For(kind, context), displayName));
        using (Timings?.Measure("validate: unique key"))
            violations.AddRange(CheckUniqueKey(ExportContract.Latest.Records[kind].Key, displayName));

        var envelope = violations.Count == 0 ? EnvelopeOf(kind, firstRow, period) : null;
        return new FileCheck(displayName, kind, rows, envelope, violations);
    }

    /// <summary>The header's names, without a byte-order mark that may cling to the first.</summary>
    internal static List<string> ColumnNames(IEnumerable<string> header) => header.Select(h => h.TrimStart('\uFEFF')).ToList();

    /// <summary>The record kind a header declares by its key column, or null.</summary>
    internal static string? KindOf(IReadOnlyList<string> columns) =>
        columns.Contains("transaction_id") ? RecordKind.Transactions
        : columns.Contains("account_id") ? RecordKind.Registrations
        : null;

    /// <summary>What a valid file declares in its first row.</summary>
    internal static FileEnvelope? EnvelopeOf(string kind, IReadOnlyDictionary<string, string?> firstRow, ExportPeriod? period) =>
        period is { } ep
            ? new FileEnvelope(kind, firstRow["platform_id"]!, ep, ParseIntOr(firstRow["export_revision"], 1), ParseIntOr(firstRow["contract_version"], 1))
            : null;

    /// <summary>The file as a DuckDB table expression: every column as text, structural CSV errors collected, not thrown.</summary>
    /// <param name="header">The header when it was read without DuckDB: its names are then given as the columns, so nothing is sniffed.</param>
    private static string SourceOf(DeliveredFile file, IReadOnlyList<string>? header)
    {
        var path = SqlText.Literal(file.ReadablePath);
        if (file.Format == FileFormat.Parquet) return $"(select columns(*)::varchar from read_parquet({path}))";
        return CsvSource(path, header, fileName: false);
    }

    /// <summary>
    /// <c>read_csv</c> of one path or a list of them (as SQL), every column as text and structural errors collected;
    /// with <paramref name="fileName"/>, each row names its file in the column <c>filename</c>.
    /// </summary>
    internal static string CsvSource(string pathsSql, IReadOnlyList<string>? header, bool fileName)
    {
        var columns = header is null ? "all_varchar = true"
            : $"auto_detect = false, columns = {{{string.Join(", ", header.Select(h => $"{SqlText.Literal(h)}: 'VARCHAR'"))}}}";
        return $"read_csv({pathsSql}, header = true, {columns}, delim = ',', quote = '\"', escape = '\"', " +
               "compression = 'none', strict_mode = true, null_padding = false, " + (fileName ? "filename = true, " : "") +
               "store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_scans', max_line_size = 1048576)";
    }

    /// <summary>
    /// A Parquet file's footer says how many rows it holds and how large its columns are uncompressed; one that
    /// declares more than the limits allow is refused before DuckDB decompresses any of it (a Parquet bomb).
    /// </summary>
    private string? ParquetTooLarge(DeliveredFile file)
    {
        var path = SqlText.Literal(file.ReadablePath);
        var rows = connection.Scalar<long>($"select coalesce(sum(num_rows), 0)::bigint from parquet_file_metadata({path})");
        if (rows > Limits.MaxRows)
            return $"the Parquet file declares {rows.ToString("N0", CultureInfo.InvariantCulture)} rows, more than {Limits.MaxRows.ToString("N0", CultureInfo.InvariantCulture)}, " +
                   $"the most a file may hold; it was refused before it was read (limit: {DecompressionLimits.MaxRowsVariable})";
        var uncompressed = connection.Scalar<long>($"select coalesce(sum(total_uncompressed_size), 0)::bigint from parquet_metadata({path})");
        var allowed = Limits.AllowedFor(file.SizeBytes);
        if (uncompressed > allowed)
            return $"the Parquet file's columns hold {DecompressionLimits.Size(uncompressed)} uncompressed, more than {DecompressionLimits.Size(allowed)} " +
                   (allowed == Limits.MaxBytes ? "(the most a file may hold)" : $"({Limits.MaxRatio} times its size of {DecompressionLimits.Size(file.SizeBytes)})") +
                   $"; it was refused before it was read (limits: {DecompressionLimits.MaxBytesVariable}, {DecompressionLimits.MaxRatioVariable})";
        return null;
    }

    internal void DropWorkTables() => connection.Execute($"drop table if exists {RawTable}; drop table if exists csv_rejects; drop table if exists csv_scans;");

    private List<string> HeaderOf(string source)
    {
        DropWorkTables();
        var names = new List<string>();
        using var reader = connection.Query($"select column_name from (describe select * from {source})");
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>
    /// Reads the whole file into <c>ingest_raw</c>: the contract's columns as text (absent ones empty, so every rule can
    /// name them), plus the typed twin of each date and money column.
    /// </summary>
    private bool LoadRaw(DeliveredFile file, string source, string kind, List<string> header, string displayName, List<RuleViolation> violations)
    {
        try
        {
            connection.Execute($"create temp table {RawTable} as select {RawColumns(kind, header)} from {source}");
        }
        catch (DuckDBException e)
        {
            violations.Add(FileLevel(displayName, RuleIds.CsvStructure, "DuckDB could not read the file: " + e.Message.Split('\n')[0]));
            return false;
        }
        if (file.Format == FileFormat.Parquet) return true;

        var structural = Examples(
            "select line, column_name, csv_line, error_type || ': ' || split_part(error_message, chr(10), 1) from csv_rejects order by line",
            displayName, RuleIds.CsvStructure, fixedColumn: null, fixedMessage: null);
        if (structural.Count > 0)
        {
            var count = connection.Scalar<long>("select count(*) from csv_rejects");
            violations.Add(new RuleViolation(RuleIds.CsvStructure, null, count, structural));
        }
        return true;
    }

    /// <summary>The select list of the all-text table: the contract's columns (absent ones null) and the typed twins.</summary>
    internal static string RawColumns(string kind, IReadOnlyList<string> header)
    {
        var select = new List<string>();
        foreach (var field in ExportContract.Latest.ColumnsOf(kind))
        {
            var present = header.FirstOrDefault(h => h.TrimStart('\uFEFF') == field.Name);
            var text = present is null ? "null::varchar" : ContractRules.Quote(present);
            select.Add($"{text} as {ContractRules.Quote(field.Name)}");
            if (ContractRules.HasTypedTwin(field))
                select.Add($"{ContractRules.TypedExpression(field, text)} as {ContractRules.Typed(field)}");
        }
        return string.Join(", ", select);
    }

    internal static void CheckColumns(string kind, List<string> columns, string displayName, List<RuleViolation> violations)
    {
        var contractColumns = ExportContract.Latest.ColumnsOf(kind);
        foreach (var extra in columns.Where(c => contractColumns.All(f => f.Name != c)))
        {
            var (rule, why) = PiiColumnNames.LooksPersonal(extra)
                ? (RuleIds.PiiColumn, "looks like a raw personal identifier; the contract allows only anonymised fields, so the whole file is refused")
                : (RuleIds.UnknownColumn, $"is not a column of contract v{ExportContract.Latest.Version} {kind}; remove it or ask the association to add it");
            violations.Add(new RuleViolation(rule, extra, 1, [new ValidationError(displayName, 1, extra, null, rule, $"column {why}")]));
        }
        foreach (var field in contractColumns.Where(f => f.Required && !columns.Contains(f.Name)))
            violations.Add(new RuleViolation(RuleIds.MissingColumn, field.Name, 1,
                [new ValidationError(displayName, 1, field.Name, null, RuleIds.MissingColumn, "required column is missing from the header")]));
    }

    /// <summary>
    /// A column a later contract version added may only come in a file that declares that version: a v1 export job
    /// that starts sending v2 columns without saying so is refused, so the version a file declares always tells what it holds.
    /// </summary>
    private static IEnumerable<RuleViolation> ColumnsNewerThanDeclared(string kind, List<string> columns, string? declared, string displayName)
    {
        var version = ParseIntOr(declared, 1);
        foreach (var field in ExportContract.Latest.Records[kind].Fields.Where(f => f.Since > version && columns.Contains(f.Name)))
            yield return new RuleViolation(RuleIds.ColumnVersion, field.Name, 1,
                [new ValidationError(displayName, 1, field.Name, declared, RuleIds.ColumnVersion,
                    $"column was added in contract v{field.Since}, but the file declares contract_version {version}; declare {field.Since} or remove the column")]);
    }

    private Dictionary<string, string?> FirstRow()
    {
        var values = new Dictionary<string, string?>();
        var names = ContractRules.FileConstantColumns;
        using var reader = connection.Query($"select {string.Join(", ", names.Select(ContractRules.Quote))} from {RawTable} where rowid = 0");
        reader.Read();
        for (var i = 0; i < names.Length; i++)
            values[names[i]] = reader.IsDBNull(i) ? null : reader.GetString(i);
        return values;
    }

    private List<RuleViolation> CheckRows(IReadOnlyList<RowRule> rules, string displayName)
    {
        // One scan counts every rule; NULL predicates (a missing value) count as not violated.
        var counts = new long[rules.Count];
        var select = string.Join(",\n", rules.Select((r, i) => $"count_if(coalesce({r.ViolationSql}, false)) as r{i}"));
        using (var reader = connection.Query($"select {select} from {RawTable}"))
        {
            reader.Read();
            for (var i = 0; i < rules.Count; i++) counts[i] = reader.GetInt64(i);
        }
        var violations = new List<RuleViolation>();
        for (var i = 0; i < rules.Count; i++)
        {
            if (counts[i] == 0) continue;
            var rule = rules[i];
            var examples = Examples(
                $"select rowid + 2, null, {ContractRules.Quote(rule.Column)}, null from {RawTable} " +
                $"where coalesce({rule.ViolationSql}, false) order by rowid limit {ExamplesPerRule}",
                displayName, rule.Id, rule.Column, rule.Message);
            violations.Add(new RuleViolation(rule.Id, rule.Column, counts[i], examples));
        }
        return violations;
    }

    private IEnumerable<RuleViolation> CheckUniqueKey(string[] key, string displayName)
    {
        var keyList = string.Join(", ", key.Select(ContractRules.Quote));
        var complete = string.Join(" and ", key.Select(k => ContractRules.Quote(k) + " is not null"));
        // A grouped count first (cheap); the window that finds the offending lines runs only when there are duplicates.
        var count = connection.Scalar<long>($"select cast(coalesce(sum(n), 0) as bigint) from (select count(*) as n from {RawTable} where {complete} group by {keyList} having count(*) > 1)");
        if (count == 0) yield break;
        var duplicates = $"select rowid, {keyList}, count(*) over (partition by {keyList}) as n from {RawTable} where {complete}";
        var keyValue = string.Join(" || '|' || ", key.Select(ContractRules.Quote));
        var examples = Examples(
            $"select rowid + 2, null, {keyValue}, null from ({duplicates}) where n > 1 order by {keyList}, rowid limit {ExamplesPerRule}",
            displayName, RuleIds.UniqueKey, string.Join("+", key), $"({string.Join(", ", key)}) appears more than once in the file");
        yield return new RuleViolation(RuleIds.UniqueKey, string.Join("+", key), count, examples);
    }

    /// <summary>Reads (line, column, value, message) rows into errors; fixed column or message fill what the query leaves null.</summary>
    internal List<ValidationError> Examples(string sql, string file, string rule, string? fixedColumn, string? fixedMessage)
    {
        var list = new List<ValidationError>();
        using var reader = connection.Query(sql);
        while (reader.Read())
        {
            list.Add(new ValidationError(
                file,
                reader.IsDBNull(0) ? null : Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                reader.IsDBNull(1) ? fixedColumn : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                rule,
                reader.IsDBNull(3) ? fixedMessage ?? rule : reader.GetString(3)));
        }
        return list;
    }

    private static RuleViolation FileLevel(string file, string rule, string message) =>
        new(rule, null, 1, [new ValidationError(file, null, null, null, rule, message)]);

    private static int ParseIntOr(string? text, int fallback) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;

}

/// <summary>Column names that would carry raw personal identifiers (English and Japanese).</summary>
public static class PiiColumnNames
{
    private static readonly string[] Fragments =
    [
        "mail", "phone", "tel", "mobile", "name", "address", "addr", "birth", "dob", "postcode", "postal", "zip",
        "my_number", "mynumber", "kojin", "shimei", "氏名", "名前", "姓", "メール", "電話", "住所", "生年月日", "郵便", "マイナンバー", "個人番号", "フリガナ", "カナ",
    ];

    public static bool LooksPersonal(string column)
    {
        var lower = column.ToLowerInvariant();
        // Anonymised forms are allowed: the keyed hashes and the Bloom-filter encoding.
        if (lower.EndsWith("_hmac", StringComparison.Ordinal) || lower.EndsWith("_clk", StringComparison.Ordinal)) return false;
        return Fragments.Any(f => lower.Contains(f, StringComparison.Ordinal));
    }
}
