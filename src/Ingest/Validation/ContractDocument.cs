using System.Text;
using MarketStats.Core.Contract;
using MarketStats.Core.Domain;

namespace MarketStats.Ingest.Validation;

/// <summary>The reference part of <c>docs/export-contract.md</c>, generated from the contract definition and the validator's rules.</summary>
/// <remarks>A test holds the document's generated section equal to this output, so the published text cannot drift from what is enforced.</remarks>
public static class ContractDocument
{
    public const string BeginMarker = "<!-- BEGIN GENERATED: marketstats contract --format markdown -->";
    public const string EndMarker = "<!-- END GENERATED -->";

    private static readonly (string Rule, string What)[] FileRules =
    [
        (RuleIds.Unreadable, "The bytes decode as UTF-8 (with or without BOM) or as CP932; otherwise the file is refused with the line of the first bad byte. UTF-16 (with or without its byte-order mark), text holding NUL bytes, and Latin-1 (accented letters standing alone between ASCII, which CP932 would misread as kanji) are refused as such. Line ends may be LF or CRLF, even mixed."),
        (RuleIds.NotRegular, "A delivered file is a regular file: a symbolic link, named pipe, device or socket is refused by what it is (never followed or read), reported by name and left where it lies; a drop-folder pull does not copy it."),
        (RuleIds.Changed, "A delivered file stays as it is while it is read: ingest reads it through one open handle into a private copy and hashes it twice; a file whose bytes change in between (still being written, or rewritten in place) is refused whole. Swapping the file at its path after it was opened has no effect: the bytes opened are the bytes loaded."),
        (RuleIds.GzipIntegrity, "A gzip file is whole: every member (several in a row are allowed) ends with its final deflate block and a CRC-32 and length that match its data, and nothing follows the last member. A file cut off or corrupt is refused whole, never loaded in part."),
        (RuleIds.TooLarge, $"A file holds at most {DecompressionLimits.Size(DecompressionLimits.DefaultMaxBytes)} of text, and a gzip file expands to at most {DecompressionLimits.DefaultMaxRatio} times its compressed size (checked beyond {DecompressionLimits.Size(DecompressionLimits.DefaultRatioFloorBytes)}); decompression stops at the limit and the file is refused. A Parquet file is held to the same size and ratio by the uncompressed size its footer declares, and to {DecompressionLimits.DefaultMaxRows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} rows, before any of it is read. These are the association's defaults ({DecompressionLimits.MaxBytesVariable}, {DecompressionLimits.MaxRatioVariable}, {DecompressionLimits.MaxRowsVariable})."),
        (RuleIds.CsvStructure, "Every CSV row has as many fields as the header (DuckDB's strict CSV reader); quotes are `\"`, escaped by doubling."),
        (RuleIds.UnknownKind, "The header holds `transaction_id` (transactions) or `account_id` (registrations)."),
        (RuleIds.MissingColumn, "Every required column is in the header."),
        (RuleIds.UnknownColumn, "No column outside the contract (ask the association to add one)."),
        (RuleIds.ColumnVersion, "No column newer than the version the file declares in `contract_version` (absent means 1): a v1 file carrying a v2 column is refused whole."),
        (RuleIds.PiiColumn, "No column whose name suggests a raw personal identifier (mail, phone, tel, name, address, birth, postcode, 氏名, 住所, …); the whole file is refused."),
        (RuleIds.Empty, "The file holds a header and at least one row (the rows declare the file's period); an empty file, or one of blank lines only, is refused."),
        (RuleIds.UniqueKey, "The record key is unique within the file."),
        (RuleIds.UniqueAcrossFiles, "The record key is not already loaded from another file of the same platform (a corrected re-export of the same period is the exception: it replaces)."),
        (RuleIds.StaleRevision, "A file for a platform, record kind and period that is already loaded with different rows must carry a higher `export_revision`. The same rows sent again in other bytes (gzipped or not, CRLF or LF, with or without BOM, UTF-8 or CP932) are recognised as already loaded and skipped."),
        (RuleIds.PeriodOverlap, "Periods of one platform and record kind do not overlap (`FY2024` and `2024-05` cannot both be loaded)."),
    ];

    public static string Markdown(ExportContract? contract = null)
    {
        contract ??= ExportContract.Latest;
        var md = new StringBuilder();
        md.AppendLine(BeginMarker);
        md.AppendLine($"### Envelope columns (every file, contract `{contract.Contract}` v{contract.Version})");
        md.AppendLine();
        FieldTable(md, contract.Envelope);
        foreach (var (kind, record) in contract.Records)
        {
            md.AppendLine($"### `{kind}`: {record.Grain}");
            md.AppendLine();
            md.AppendLine($"Key: `({string.Join(", ", record.Key)})`. The date that must fall inside `export_period`: `{record.PeriodDate}`.");
            md.AppendLine();
            FieldTable(md, record.Fields);
        }
        md.AppendLine("### Code lists");
        md.AppendLine();
        md.AppendLine("| list | codes |");
        md.AppendLine("|---|---|");
        foreach (var (name, codes) in contract.CodeLists)
            md.AppendLine($"| `{name}` | {string.Join(", ", codes.Select(c => $"`{c}`"))} |");
        md.AppendLine($"| prefecture | JIS X 0401 two-digit codes `01` ({Prefecture.All[0].NameEn}) to `47` ({Prefecture.All[^1].NameEn}); see `data/prefectures.csv` |");
        md.AppendLine();
        md.AppendLine("### Status and the stages it implies (transactions)");
        md.AppendLine();
        md.AppendLine("| status | requires | must be empty |");
        md.AppendLine("|---|---|---|");
        foreach (var (status, stage) in contract.Stages)
            md.AppendLine($"| `{status}` | {Codes(stage.Requires)} | {Codes(stage.Forbids)} |");
        md.AppendLine();
        md.AppendLine("### Validation rules");
        md.AppendLine();
        md.AppendLine("Every error names the file, line, column, value and one of these rule ids. A file that breaks any rule is refused whole.");
        md.AppendLine();
        md.AppendLine("| rule | applies to | check |");
        md.AppendLine("|---|---|---|");
        foreach (var (rule, what) in FileRules)
            md.AppendLine($"| `{rule}` | file | {what} |");
        var sample = new RuleContext(new DateOnly(2026, 1, 1), "P01",
            ContractRules.FileConstantColumns.ToDictionary(c => c, _ => (string?)"…"), ExportPeriod.Parse("FY2024"));
        foreach (var kind in contract.Records.Keys)
        {
            var rules = ContractRules.For(kind, sample, contract).Where(r => r.Id is not (RuleIds.StatusRequires or RuleIds.StatusForbids));
            foreach (var group in rules.GroupBy(r => (r.Id, r.Message)))
            {
                var message = group.Key.Message.Replace("2026-01-01", "the day of ingest").Replace("FY2024 (2024-04-01 to 2025-03-31)", "(its first and last day)")
                    .Replace("'P01'", "(the folder name)").Replace("'…'", "…").Replace("|", "\\|");
                md.AppendLine($"| `{group.Key.Id}` | {kind}: {Codes([.. group.Select(r => r.Column).Distinct()])} | {message} |");
            }
        }
        md.AppendLine($"| `{RuleIds.StatusRequires}` | transactions | a column the status table above lists as required for the line's status is empty |");
        md.AppendLine($"| `{RuleIds.StatusForbids}` | transactions | a column the status table above lists as empty for the line's status has a value |");
        md.AppendLine();
        md.AppendLine(EndMarker);
        return md.ToString();
    }

    private static void FieldTable(StringBuilder md, IEnumerable<FieldSpec> fields)
    {
        md.AppendLine("| field | since | type | required | meaning | 意味 |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var f in fields)
        {
            var type = f.Type switch
            {
                FieldType.Code => $"code (`{f.CodeList}`)",
                FieldType.FieldClk => "field clk",
                _ => f.Type.ToString().ToLowerInvariant(),
            };
            md.AppendLine($"| `{f.Name}` | v{f.Since} | {type} | {(f.Required ? "yes" : "no")} | {f.En} | {f.Ja} |");
        }
        md.AppendLine();
    }

    private static string Codes(IEnumerable<string> names) => names.Any() ? string.Join(", ", names.Select(n => $"`{n}`")) : "—";
}
