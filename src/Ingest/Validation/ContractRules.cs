using System.Globalization;
using MarketStats.Core.Contract;
using MarketStats.Core.Domain;
using static MarketStats.Core.Storage.SqlText;

namespace MarketStats.Ingest.Validation;

/// <summary>A row-level rule as SQL over the all-text staging table <c>ingest_raw</c>: a row violates it when <see cref="ViolationSql"/> is true.</summary>
public sealed record RowRule(string Id, string Column, string Message, string ViolationSql);

/// <summary>The context a file is checked in: what its first row declares and what today is.</summary>
public sealed record RuleContext(DateOnly Today, string? ExpectedPlatform, IReadOnlyDictionary<string, string?> FirstRow, ExportPeriod? Period)
{
    /// <summary>
    /// Several files checked in one scan (<see cref="FileGroupValidator"/>): what differs between them (the first row's
    /// constants, the folder's platform, the declared period) is read from the per-file table <see cref="FileTable"/>
    /// joined to each row, instead of being written into the rules as literals.
    /// </summary>
    public bool PerFile { get; init; }

    /// <summary>The alias of the per-file table in <see cref="PerFile"/> rules.</summary>
    public const string FileTable = "f";

    public static RuleContext ForFileGroup(DateOnly today) => new(today, null, new Dictionary<string, string?>(), null) { PerFile = true };

    /// <summary>The per-file column holding the first row's value of a file-constant column.</summary>
    public static string FirstRowColumn(string column) => FileTable + "." + ContractRules.Quote(FirstRowName(column));

    public static string FirstRowName(string column) => "first_" + column;
}

/// <summary>Turns the export contract into row rules, so the validator's checks and the documentation come from one place.</summary>
public static class ContractRules
{
    private static int ClkBits => Core.Privacy.ClkEncoder.FoldedBytes * 8;

    private static int ClkBase64Length => (Core.Privacy.ClkEncoder.FoldedBytes + 2) / 3 * 4;

    /// <summary>Base64 of exactly <see cref="Core.Privacy.ClkEncoder.FoldedBytes"/> bytes, with its padding.</summary>
    private static string ClkBase64Pattern
    {
        get
        {
            var padding = (3 - Core.Privacy.ClkEncoder.FoldedBytes % 3) % 3;
            return $"[A-Za-z0-9+/]{{{ClkBase64Length - padding}}}{new string('=', padding)}";
        }
    }

    /// <summary>Columns whose value must be the same on every row of a file (they describe the file, not the row).</summary>
    public static readonly string[] FileConstantColumns = ["platform_id", "contract_version", "export_period", "export_revision"];

    public static int[] SupportedContractVersions => ExportContract.Versions;

    private static int FieldClkBase64Length => (Core.Privacy.FieldClkEncoder.FoldedBytes + 2) / 3 * 4;

    /// <summary>
    /// The typed twin of a date or money column, computed once when the file is read: the rules compare typed values and
    /// the load copies them, so no value is parsed twice. Null when the text is not a valid value of the type.
    /// </summary>
    public static string Typed(FieldSpec field) => field.Type switch
    {
        FieldType.Date => Date(field.Name),
        FieldType.Yen => Yen(field.Name),
        _ => throw new ArgumentException($"{field.Name} has no typed twin", nameof(field)),
    };

    public static bool HasTypedTwin(FieldSpec field) => field.Type is FieldType.Date or FieldType.Yen;

    /// <summary>The expression computing <see cref="Typed"/> from the text column (strict: ISO dates, digits-only yen).</summary>
    public static string TypedExpression(FieldSpec field, string textColumn) => field.Type switch
    {
        FieldType.Date => $"case when regexp_full_match({textColumn}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') then try_cast({textColumn} as date) end",
        FieldType.Yen => $"case when regexp_full_match({textColumn}, '[0-9]{{1,15}}') then try_cast({textColumn} as bigint) end",
        _ => throw new ArgumentException($"{field.Name} has no typed twin", nameof(field)),
    };

    private static string Date(string column) => Quote("__date_" + column);

    private static string Yen(string column) => Quote("__yen_" + column);

    // Raw identifiers a member must never send; checked on every free-form id column.
    internal const string EmailPattern = @"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}";
    internal const string PhonePattern = @"(\+?81|0)[0-9]{9,10}";
    /// <summary>What a phone number is written with besides digits: a <c>tel:</c> scheme, and every separator people use that the id format allows.</summary>
    internal const string PhoneDecoration = @"^[tT][eE][lL]:|[-().:_ ]";
    internal const string JapaneseScriptPattern = @"[\p{Han}\p{Hiragana}\p{Katakana}]";
    /// <summary>Letters only, in two or three words (joined by a separator or CamelCase): the only ids the name checks below look at, so an id with a digit is never a name.</summary>
    internal const string LettersInWordsPattern = @"[A-Za-z]+([._: -][A-Za-z]+){1,2}|([A-Z][a-z]+){2,3}";
    /// <summary>Capitalised words, as any romanised or Western full name is written: <c>Taro.Yamada</c>, <c>John-Smith</c>.</summary>
    internal const string LatinFullNamePattern = @"[A-Z][a-z]+([._: -][A-Z][a-z]+){1,2}";
    /// <summary>
    /// Romanised Japanese in any case: every word made of kana syllables (Hepburn or Kunrei), two or more each, as in
    /// <c>yamada_taro</c> or <c>TaroYamada</c>; English-like ids (<c>admin_user</c>, <c>team.alpha</c>) do not split so.
    /// </summary>
    internal const string RomajiNamePattern = RomajiWord + "([._: -]" + RomajiWord + "){1,2}";
    private const string RomajiWord = @"((kk|ss|tt|pp|cch|tch)?([kgsztdnhbpmr]y?|sh|ch|ts|j|f|w|y)?[aiueo]|n){2,}";

    public static IReadOnlyList<RowRule> For(string recordKind, RuleContext context, ExportContract? contract = null)
    {
        contract ??= ExportContract.Latest;
        var rules = new List<RowRule>();
        foreach (var field in contract.ColumnsOf(recordKind))
            rules.AddRange(FieldRules(field, contract, context));
        rules.AddRange(recordKind == RecordKind.Transactions
            ? TransactionRules(contract, context)
            : RegistrationRules(contract, context));
        return rules;
    }

    private static IEnumerable<RowRule> FieldRules(FieldSpec field, ExportContract contract, RuleContext context)
    {
        var c = Quote(field.Name);
        if (field.Required)
            yield return new(RuleIds.Required, field.Name, "a value is required", $"{c} is null");

        switch (field.Type)
        {
            case FieldType.Id:
                // Each check is gated by a cheap test (CASE evaluates its branch only for the rows that pass), because
                // every id column of every row goes through them.
                yield return new(RuleIds.PiiEmail, field.Name, "looks like a raw e-mail address; only pseudonymous ids may be sent",
                    $"case when contains({c}, '@') then regexp_matches({c}, {Literal(EmailPattern)}) else false end");
                yield return new(RuleIds.PiiPhone, field.Name,
                    "looks like a raw phone number (digits of a Japanese number, whatever the separators or a tel: prefix); only pseudonymous ids may be sent",
                    // Only a 0, 8, +, ( or the t of a leading tel: can begin a phone number. A tighter gate (t followed by
                    // el:) cost more CPU than the patterns it skips: row rules 11.4 s against 9.4 s at 1M (A/B, session 21).
                    // The first character is tested by byte ranges (c >= '0' and c < '1': it starts with 0), which compare
                    // the string's inlined prefix: left(c, 1) in (…) built a string per id and cost 1.7 s of CPU per 8M ids
                    // against 0.6 s (micro-benchmark, session 22).
                    $"case when {StartsWithAny(c, '0', '8', '+', '(', 't', 'T')} then regexp_full_match(regexp_replace({c}, {Literal(PhoneDecoration)}, '', 'g'), {Literal(PhonePattern)}) else false end");
                yield return new(RuleIds.PiiName, field.Name,
                    "looks like a personal name (Japanese script; or two or three words of letters only that are capitalised or romanised Japanese, joined by . _ - : a space or CamelCase); only pseudonymous ids may be sent",
                    $"case when strlen({c}) <> length({c}) then regexp_matches({c}, {Literal(JapaneseScriptPattern)}) " +
                    // The letters-in-words pattern fails at the first digit or dash of an opaque id, sooner than a gate on
                    // its first and last characters would (same A/B).
                    $"when regexp_full_match({c}, {Literal(LettersInWordsPattern)}) then regexp_full_match({c}, {Literal(LatinFullNamePattern)}) " +
                    $"or regexp_full_match(lower(regexp_replace({c}, '([a-z])([A-Z])', '\\1_\\2', 'g')), {Literal(RomajiNamePattern)}) else false end");
                yield return new(RuleIds.IdFormat, field.Name, $"must match {contract.Limits.IdPattern}",
                    $"not regexp_full_match({c}, {Literal(contract.Limits.IdPattern.TrimStart('^').TrimEnd('$'))})");
                break;
            case FieldType.Code:
                var codes = contract.CodeLists[field.CodeList!];
                yield return new(RuleIds.CodeList, field.Name, $"must be one of: {string.Join(", ", codes)}",
                    $"{c} not in ({string.Join(", ", codes.Select(Literal))})");
                break;
            case FieldType.Prefecture:
                yield return new(RuleIds.CodeList, field.Name, "must be a JIS X 0401 prefecture code 01-47",
                    $"{c} not in ({string.Join(", ", Prefecture.All.Select(p => Literal(p.Code)))})");
                break;
            case FieldType.Date:
                yield return new(RuleIds.DateFormat, field.Name, "must be a date YYYY-MM-DD", $"{c} is not null and {Typed(field)} is null");
                yield return new(RuleIds.DateRange, field.Name,
                    $"must be between {contract.Limits.EarliestDate} and today ({context.Today:yyyy-MM-dd})",
                    $"{Typed(field)} not between date {Literal(contract.Limits.EarliestDate)} and date {Literal(Iso(context.Today))}");
                break;
            case FieldType.Yen:
                // A value with a typed twin is digits only, so only one without runs the pattern (every amount ran it).
                yield return new(RuleIds.AmountNegative, field.Name, "amounts must not be negative", $"{Typed(field)} is null and regexp_full_match({c}, '-[0-9]+')");
                yield return new(RuleIds.AmountFormat, field.Name, "must be a whole number of yen (digits only, no separators)",
                    $"{c} is not null and {Typed(field)} is null and not regexp_full_match({c}, '-[0-9]+')");
                yield return new(RuleIds.AmountLimit, field.Name, $"exceeds the per-line limit of {contract.Limits.MaxYenPerLine:N0} yen",
                    $"{Typed(field)} > {contract.Limits.MaxYenPerLine.ToString(CultureInfo.InvariantCulture)}");
                break;
            case FieldType.Hmac:
                yield return new(RuleIds.HmacFormat, field.Name, "must be an HMAC-SHA256 as 64 lower-case hex digits",
                    $"not regexp_full_match({c}, '[0-9a-f]{{64}}')");
                break;
            case FieldType.Clk:
                // Exactly the encoder's filter (512 bits = 88 characters with padding): an encoding of another size
                // cannot be compared with the others and would only ever fail to link.
                yield return new(RuleIds.ClkFormat, field.Name, $"must be base64 of {ClkBits} bits ({ClkBase64Length} characters)",
                    $"not regexp_full_match({c}, '{ClkBase64Pattern}')");
                break;
            case FieldType.FieldClk:
                // 16 bytes = 22 base64 characters and "==": one field's folded filter (contract v2).
                yield return new(RuleIds.ClkFormat, field.Name,
                    $"must be base64 of {Core.Privacy.FieldClkEncoder.FoldedBits} bits ({FieldClkBase64Length} characters)",
                    $"not regexp_full_match({c}, '[A-Za-z0-9+/]{{{FieldClkBase64Length - 3}}}[AQgw]==')");
                break;
            case FieldType.Int:
                yield return new(RuleIds.IntFormat, field.Name, "must be a whole number", $"not regexp_full_match({c}, '[0-9]{{1,9}}')");
                break;
            case FieldType.Period:
                yield return new(RuleIds.PeriodFormat, field.Name, "must be a fiscal year FY2024 or a month 2024-04",
                    $"not regexp_full_match({c}, 'FY[0-9]{{4}}|[0-9]{{4}}-(0[1-9]|1[0-2])')");
                break;
        }

        if (FileConstantColumns.Contains(field.Name) && context.PerFile)
            yield return new(RuleIds.FileConstant, field.Name, "must be the same on every row (as on the first row)",
                $"{RuleContext.FirstRowColumn(field.Name)} is not null and {c} is distinct from {RuleContext.FirstRowColumn(field.Name)}");
        else if (FileConstantColumns.Contains(field.Name) && context.FirstRow.TryGetValue(field.Name, out var first) && first is not null)
            yield return new(RuleIds.FileConstant, field.Name, $"must be the same on every row (the first row has '{first}')",
                $"{c} is distinct from {Literal(first)}");
        if (field.Name == "platform_id" && context.PerFile)
            yield return new(RuleIds.PlatformFolder, field.Name, "must equal the inbox folder's platform id",
                $"{c} <> {RuleContext.FileTable}.expected_platform");
        else if (field.Name == "platform_id" && context.ExpectedPlatform is { } platform)
            yield return new(RuleIds.PlatformFolder, field.Name, $"must equal the inbox folder's platform id '{platform}'",
                $"{c} <> {Literal(platform)}");
        if (field.Name == "contract_version")
            yield return new(RuleIds.ContractVersion, field.Name,
                $"contract version not supported (supported: {string.Join(", ", SupportedContractVersions)})",
                $"try_cast({c} as integer) not in ({string.Join(", ", SupportedContractVersions)})");
    }

    private static IEnumerable<RowRule> TransactionRules(ExportContract contract, RuleContext context)
    {
        foreach (var rule in PeriodRule(contract.Transactions, context)) yield return rule;
        yield return new(RuleIds.DateOrder, "contracted_on", "must not be before posted_on",
            $"{Date("contracted_on")} < {Date("posted_on")}");
        yield return new(RuleIds.DateOrder, "paid_on", "must not be before contracted_on",
            $"{Date("paid_on")} < {Date("contracted_on")}");
        yield return new(RuleIds.PaidWithinContracted, "paid_jpy", "paid value must not exceed the contracted value",
            $"{Yen("paid_jpy")} > {Yen("contracted_jpy")}");
        yield return new(RuleIds.FeeWithinValue, "fee_jpy", "fee must not exceed the paid (or, if unpaid, the contracted) value",
            $"{Yen("fee_jpy")} > coalesce({Yen("paid_jpy")}, {Yen("contracted_jpy")}, 0)");
        foreach (var (status, stage) in contract.Stages)
        {
            foreach (var column in stage.Requires)
                yield return new(RuleIds.StatusRequires, column, $"status '{status}' requires {column}",
                    $"status = {Literal(status)} and {Quote(column)} is null");
            foreach (var column in stage.Forbids)
                yield return new(RuleIds.StatusForbids, column, $"status '{status}' must not carry {column}",
                    $"status = {Literal(status)} and {Quote(column)} is not null");
        }
    }

    private static IEnumerable<RowRule> RegistrationRules(ExportContract contract, RuleContext context)
    {
        foreach (var rule in PeriodRule(contract.Registrations, context)) yield return rule;
        yield return new(RuleIds.KindAttributes, "client_type", "is required for clients",
            "kind = 'client' and client_type is null");
        yield return new(RuleIds.KindAttributes, "client_type", "is only for clients",
            "kind = 'worker' and client_type is not null");
        foreach (var workerOnly in new[] { "age_band", "gender" })
            yield return new(RuleIds.KindAttributes, workerOnly, "is only for workers",
                $"kind = 'client' and {workerOnly} is not null");
        yield return new(RuleIds.DateOrder, "last_active_on", "must not be before registered_on",
            $"{Date("last_active_on")} < {Date("registered_on")}");
    }

    private static IEnumerable<RowRule> PeriodRule(RecordSpec record, RuleContext context)
    {
        if (context.PerFile)
        {
            var f = RuleContext.FileTable;
            yield return new(RuleIds.DateInPeriod, record.PeriodDate, "must fall inside the declared export_period",
                $"{Date(record.PeriodDate)} not between {f}.period_start and {f}.period_end");
            yield break;
        }
        if (context.Period is not { } period) yield break;
        yield return new(RuleIds.DateInPeriod, record.PeriodDate,
            $"must fall inside the declared export_period {period.Code} ({Iso(period.Start)} to {Iso(period.End)})",
            $"{Date(record.PeriodDate)} not between date {Literal(Iso(period.Start))} and date {Literal(Iso(period.End))}");
    }

    /// <summary>SQL that is true when <paramref name="column"/> begins with one of <paramref name="firsts"/> (ASCII): a byte-range test per character.</summary>
    private static string StartsWithAny(string column, params char[] firsts) =>
        "(" + string.Join(" or ", firsts.Select(f => $"({column} >= {Literal(f.ToString())} and {column} < {Literal(((char)(f + 1)).ToString())})")) + ")";

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";


    internal static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>The stable names of every validation rule; they appear in error reports and in the contract document.</summary>
public static class RuleIds
{
    public const string Unreadable = "file.encoding";
    public const string GzipIntegrity = "file.gzip";
    public const string TooLarge = "file.too_large";
    public const string NotRegular = "file.not_regular";
    public const string Changed = "file.changed";
    public const string CsvStructure = "file.csv_structure";
    public const string Empty = "file.empty";
    public const string UnknownKind = "contract.record_kind";
    public const string MissingColumn = "contract.missing_column";
    public const string UnknownColumn = "contract.unknown_column";
    public const string ContractVersion = "contract.version";
    public const string ColumnVersion = "contract.column_version";
    public const string Required = "required";
    public const string IdFormat = "type.id";
    public const string CodeList = "code_list";
    public const string DateFormat = "type.date";
    public const string DateRange = "date.range";
    public const string DateInPeriod = "date.in_period";
    public const string DateOrder = "date.order";
    public const string AmountFormat = "type.yen";
    public const string AmountNegative = "amount.non_negative";
    public const string AmountLimit = "amount.limit";
    public const string PaidWithinContracted = "amount.paid_le_contracted";
    public const string FeeWithinValue = "amount.fee_le_value";
    public const string StatusRequires = "status.requires";
    public const string StatusForbids = "status.forbids";
    public const string KindAttributes = "kind.attributes";
    public const string HmacFormat = "type.hmac";
    public const string ClkFormat = "type.clk";
    public const string IntFormat = "type.int";
    public const string PeriodFormat = "type.period";
    public const string FileConstant = "file.constant";
    public const string PlatformFolder = "platform.folder";
    public const string UniqueKey = "unique.key";
    public const string UniqueAcrossFiles = "unique.across_files";
    public const string PeriodOverlap = "period.overlap";
    public const string StaleRevision = "revision.not_newer";
    public const string PiiColumn = "pii.column";
    public const string PiiEmail = "pii.email";
    public const string PiiPhone = "pii.phone";
    public const string PiiName = "pii.name";
}
