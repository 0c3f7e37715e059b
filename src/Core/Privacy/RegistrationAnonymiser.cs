using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MarketStats.Core.Contract;
using MarketStats.Core.Domain;
using MarketStats.Core.IO;
using MarketStats.Core.Text;

namespace MarketStats.Core.Privacy;

/// <summary>What to anonymise: a platform's raw account file, how its columns map to the raw fields, and where to write.</summary>
/// <param name="Map">Raw field (<see cref="RegistrationAnonymiser.RawFields"/>) → column name in the raw file.</param>
/// <param name="Constants">Contract or raw field → one value for every row (a field the raw file lacks).</param>
public sealed record AnonymiseRequest(
    string InputPath, string PlatformId, string Kind, IReadOnlyDictionary<string, string> Map,
    IReadOnlyDictionary<string, string> Constants, string OutputPath);

/// <summary>What an anonymise run did: rows read and written, and every value it had to leave out, counted by reason.</summary>
public sealed record AnonymiseSummary(long RowsRead, long RowsWritten, string ExportPeriod, string Encoding, IReadOnlyDictionary<string, long> Problems);

/// <summary>The platform side of linkage: turns a raw account file into the contract's registrations export (v2), with
/// keyed hashes of exact identifiers and of the birth date, a CLK of quasi-identifiers and one short encoding per name
/// field; no raw identifier is written.</summary>
/// <remarks>
/// Bad input never stops the run: a value that does not normalise is left out (of its hash or of the encoding) and
/// counted; a row that lacks something the contract requires (account id, prefecture, registration date) is
/// skipped and counted, because the validator would refuse the whole file for it.
/// </remarks>
public sealed partial class RegistrationAnonymiser(AssociationKey key)
{
    /// <summary>The raw fields a column may be mapped to.</summary>
    public static readonly IReadOnlyList<string> RawFields =
    [
        "account_id", "kind", "client_type", "prefecture", "registered_on", "last_active_on", "age_band", "gender",
        "email", "phone", "corporate_number", "family_name", "given_name", "family_name_kana", "given_name_kana",
        "birth_date", "postcode", "export_period", "export_revision",
    ];

    private readonly KeyedHasher hasher = new(key);
    private readonly ClkEncoder encoder = new(key);
    private readonly FieldClkEncoder fieldEncoder = new(key);

    /// <summary>The contract version this writes: the newest, whose columns are a superset of every older one's.</summary>
    public static int ContractVersion => ExportContract.Latest.Version;

    public AnonymiseSummary Run(AnonymiseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var unknown = request.Map.Keys.Concat(request.Constants.Keys).Where(f => !RawFields.Contains(f)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"Unknown field(s) {string.Join(", ", unknown)}; known: {string.Join(", ", RawFields)}.");
        var encodingName = DetectEncoding(request.InputPath);
        using var input = OpenText(request.InputPath, encodingName);
        var rows = RawCsv.Parse(input).GetEnumerator();
        if (!rows.MoveNext()) throw new InvalidDataException($"{request.InputPath} is empty: no header line.");
        var header = rows.Current;
        var problems = new SortedDictionary<string, long>(StringComparer.Ordinal);
        void Count(string what) => problems[what] = problems.GetValueOrDefault(what) + 1;

        var columnOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (field, column) in request.Map)
        {
            var index = Array.FindIndex(header, h => string.Equals(h.Trim(), column, StringComparison.OrdinalIgnoreCase));
            if (index < 0) problems[$"{field}: column '{column}' is not in the file (field left out)"] = 1;
            else columnOf[field] = index;
        }

        // Streamed: converted rows (already anonymised) are spooled beside the output, because the export period
        // (when not given) is known only after the last row; the raw file is never held in memory.
        var output = Path.GetFullPath(request.OutputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var spool = output + ".rows.tmp";
        long read = 0;
        var fiscalYears = new SortedSet<int>();
        try
        {
            using (var writer = new StreamWriter(spool, false, new UTF8Encoding(false)) { NewLine = "\n" })
            {
                while (rows.MoveNext())
                {
                    read++;
                    var row = rows.Current;
                    string? Raw(string field) =>
                        columnOf.TryGetValue(field, out var i) ? (i < row.Length && row[i].Trim().Length > 0 ? row[i].Trim() : null)
                        : request.Constants.GetValueOrDefault(field);
                    if (Convert(Raw, request, Count) is not { } record) continue;
                    fiscalYears.Add(FiscalYear.Of(DateOnly.Parse(record["registered_on"]!, CultureInfo.InvariantCulture)));
                    writer.WriteLine(Line(record));
                }
            }
            var period = PeriodOf(fiscalYears, request);
            var written = Write(spool, output, period, request.Constants.GetValueOrDefault("export_revision") ?? "1", Count);
            return new AnonymiseSummary(read, written, period.Code, encodingName, problems);
        }
        finally
        {
            File.Delete(spool);
        }
    }

    private Dictionary<string, string?>? Convert(Func<string, string?> raw, AnonymiseRequest request, Action<string> count)
    {
        var kind = raw("kind")?.ToLowerInvariant() ?? request.Kind;
        if (kind is not ("worker" or "client")) { count("row skipped: kind is not worker or client"); return null; }
        var account = raw("account_id");
        if (account is null || !IdPattern().IsMatch(account)) { count("row skipped: account_id missing or not a contract id"); return null; }
        var prefecture = Prefecture(raw("prefecture"));
        if (prefecture is null) { count("row skipped: prefecture missing or unknown"); return null; }
        var registered = QuasiIdentifierNormaliser.Date(raw("registered_on"));
        if (registered is null) { count("row skipped: registered_on missing or impossible"); return null; }
        var clientType = kind == "client" ? Code("client_type", raw("client_type"), count) : null;
        if (kind == "client" && clientType is null) { count("row skipped: client without a valid client_type"); return null; }

        var lastActive = QuasiIdentifierNormaliser.Date(raw("last_active_on"));
        if (raw("last_active_on") is not null && (lastActive is null || lastActive < registered))
        {
            count("last_active_on: impossible or before registered_on (left empty)");
            lastActive = null;
        }
        var record = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["platform_id"] = request.PlatformId, ["account_id"] = account, ["kind"] = kind, ["client_type"] = clientType,
            ["prefecture"] = prefecture, ["registered_on"] = registered.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["last_active_on"] = lastActive?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["age_band"] = kind == "worker" ? Code("age_band", raw("age_band"), count) : null,
            ["gender"] = kind == "worker" ? Code("gender", raw("gender"), count) : null,
            ["email_hmac"] = Hash("email", raw("email"), hasher.Email, count),
            ["phone_hmac"] = Hash("phone", raw("phone"), hasher.Phone, count),
            ["corporate_number_hmac"] = Hash("corporate_number", raw("corporate_number"), hasher.CorporateNumber, count),
        };
        var identity = new IdentityFields(raw("family_name"), raw("given_name"), raw("family_name_kana"),
            raw("given_name_kana"), raw("birth_date"), raw("postcode"));
        var clk = encoder.Encode(identity);
        foreach (var field in clk.Unusable) count($"{field}: could not be normalised (left out of identity_clk)");
        record["identity_clk"] = clk.Base64;
        // v2: the same fields one by one (a value that did not normalise is already counted above, once).
        var fields = fieldEncoder.Encode(identity, (request.PlatformId, account, kind));
        for (var f = 0; f < fields.Length; f++)
            record[FieldClkEncoder.ColumnOf(FieldClkEncoder.Fields[f].Name)] = fields[f];
        record["birth_date_hmac"] = hasher.BirthDate(identity.BirthDate);
        record["birth_year_hmac"] = hasher.BirthYear(identity.BirthDate);
        // v3: the date's parts, so that a mistyped day or year, or a day and month swapped, still agrees in part.
        record["birth_year_month_hmac"] = hasher.BirthYearMonth(identity.BirthDate);
        record["birth_month_day_hmac"] = hasher.BirthMonthDay(identity.BirthDate);
        record["birth_date_unordered_hmac"] = hasher.BirthDateUnordered(identity.BirthDate);
        return record;
    }

    private static string? Hash(string field, string? value, Func<string?, string?> hash, Action<string> count)
    {
        if (value is null) return null;
        var hashed = hash(value);
        if (hashed is null) count($"{field}: could not be normalised (hash left empty)");
        return hashed;
    }

    private static string? Code(string list, string? value, Action<string> count)
    {
        if (value is null) return null;
        var code = value.Normalize(NormalizationForm.FormKC).Trim().ToLowerInvariant();
        if (ExportContract.V1.CodeLists[list].Contains(code)) return code;
        count($"{list}: not a contract code (left empty)");
        return null;
    }

    /// <summary>A JIS X 0401 code from a code (<c>13</c>, <c>1</c>) or a name (<c>東京都</c>, <c>東京</c>, <c>Tokyo</c>).</summary>
    public static string? Prefecture(string? value)
    {
        if (value is null) return null;
        var s = value.Normalize(NormalizationForm.FormKC).Trim();
        if (s.Length is 1 or 2 && s.All(char.IsAsciiDigit)) s = s.PadLeft(2, '0');
        if (Domain.Prefecture.IsCode(s)) return s;
        var match = Domain.Prefecture.All.FirstOrDefault(p => p.NameJa == s || p.NameJa.TrimEnd('都', '府', '県') == s
            || string.Equals(p.NameEn, s, StringComparison.OrdinalIgnoreCase));
        return match?.Code;
    }

    private static ExportPeriod PeriodOf(IReadOnlyCollection<int> fiscalYears, AnonymiseRequest request)
    {
        if (request.Constants.GetValueOrDefault("export_period") is { } given)
            return ExportPeriod.TryParse(given, out var p) ? p : throw new ArgumentException($"export_period '{given}' is not FY2024 or 2024-04.");
        if (fiscalYears.Count == 1) return ExportPeriod.ForFiscalYear(fiscalYears.First());
        throw new ArgumentException(fiscalYears.Count == 0
            ? "No usable row: nothing to export (see the problems counted)."
            : $"Accounts were registered in {fiscalYears.Count} fiscal years; give --const export_period=FY{fiscalYears.Max()} (one file per period).");
    }

    /// <summary>The contract's registration columns after the envelope, in order; the spool holds these.</summary>
    private static string[] RecordColumns => SpoolColumns.Value;

    // Lazy, not a static field: every command's start-up reads RawFields (the CLI's help text), and a field would parse
    // the contract's JSON in this type's static constructor for commands that never anonymise.
    private static readonly Lazy<string[]> SpoolColumns = new(() => [.. ExportContract.Latest.Registrations.Fields.Select(f => f.Name)]);

    // Every value is an id, code, date, hex or base64: none holds a comma or a quote.
    private static string Line(Dictionary<string, string?> record) => string.Join(",", RecordColumns.Select(c => record.GetValueOrDefault(c) ?? ""));

    /// <summary>Copies the spooled rows registered inside <paramref name="period"/> into the export, envelope first.</summary>
    /// <returns>The rows written.</returns>
    private static long Write(string spool, string path, ExportPeriod period, string revision, Action<string> count)
    {
        var envelope = ExportContract.Latest.Envelope.Select(f => f.Name).ToArray();
        var values = new Dictionary<string, string> { ["contract_version"] = ContractVersion.ToString(CultureInfo.InvariantCulture), ["export_period"] = period.Code, ["export_revision"] = revision };
        var prefix = string.Join(",", envelope.Select(c => values[c])) + ",";
        var registeredOn = Array.IndexOf(RecordColumns, "registered_on");
        long written = 0;
        // Whole or not at all: an inbox must never see half a file.
        AtomicFile.Write(path, temporary =>
        {
            using var writer = new StreamWriter(temporary, false, new UTF8Encoding(false)) { NewLine = "\n" };
            writer.WriteLine(string.Join(",", envelope.Concat(RecordColumns)));
            foreach (var line in File.ReadLines(spool))
            {
                var day = DateOnly.Parse(line.Split(',')[registeredOn], CultureInfo.InvariantCulture);
                if (day < period.Start || day > period.End) { count($"row skipped: registered_on outside {period.Code}"); continue; }
                writer.WriteLine(prefix + line);
                written++;
            }
        });
        return written;
    }

    /// <summary>UTF-8 (BOM or not) if the whole file decodes as UTF-8, else CP932, as ingest reads exports.</summary>
    private static string DetectEncoding(string path)
    {
        using var stream = File.OpenRead(path);
        return Utf8Scan.Of(stream).IsUtf8 ? "utf-8" : "cp932";
    }

    private static StreamReader OpenText(string path, string encoding)
    {
        if (encoding == "utf-8") return new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return new StreamReader(path, System.Text.Encoding.GetEncoding(932), detectEncodingFromByteOrderMarks: false);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
    private static partial Regex IdPattern();
}

/// <summary>A small RFC 4180 reader for raw files of any layout: quoted fields, doubled quotes, CR/LF line ends.</summary>
public static class RawCsv
{
    public static IEnumerable<string[]> Parse(string text) => Parse(new StringReader(text));

    /// <summary>Reads records one at a time from <paramref name="reader"/> (streamed; a leading BOM is skipped).</summary>
    public static IEnumerable<string[]> Parse(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        if (reader.Peek() == '\uFEFF') reader.Read();
        int next;
        while ((next = reader.Read()) >= 0)
        {
            var c = (char)next;
            if (quoted)
            {
                if (c == '"' && reader.Peek() == '"') { field.Append('"'); reader.Read(); }
                else if (c == '"') quoted = false;
                else field.Append(c);
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; any = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    if (any || field.Length > 0) { fields.Add(field.ToString()); yield return [.. fields]; }
                    fields.Clear(); field.Clear(); any = false;
                    break;
                default: field.Append(c); any = true; break;
            }
        }
        if (any || field.Length > 0) { fields.Add(field.ToString()); yield return [.. fields]; }
    }
}
