using System.IO.Compression;
using System.Text;
using MarketStats.Core.Contract;

namespace MarketStats.Tests.Support;

/// <summary>Builds small export files for tests: valid rows by default, each test breaking exactly what it tests.</summary>
public sealed class ExportFile
{
    public string RecordKind { get; }
    public List<string> Columns { get; }
    public List<Dictionary<string, string>> Rows { get; } = [];

    private ExportFile(string recordKind)
    {
        RecordKind = recordKind;
        Columns = ExportContract.V1.ColumnsOf(recordKind).Select(f => f.Name).ToList();
    }

    /// <summary>Valid transactions for platform P01, FY2024: a mix of paid, contracted, posted-only and cancelled lines.</summary>
    public static ExportFile Transactions(int rows = 4, string platform = "P01", string period = "FY2024", int revision = 1, string idPrefix = "T")
    {
        var file = new ExportFile(MarketStats.Core.Contract.RecordKind.Transactions);
        for (var i = 0; i < rows; i++)
        {
            var row = new Dictionary<string, string>
            {
                ["contract_version"] = "1", ["export_period"] = period, ["export_revision"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["platform_id"] = platform, ["transaction_id"] = $"{idPrefix}{i:D6}", ["job_id"] = $"J{i / 2:D6}",
                ["form"] = "project", ["category"] = "web_design", ["status"] = "paid",
                ["posted_on"] = "2024-05-01", ["contracted_on"] = "2024-05-03", ["paid_on"] = "2024-06-01",
                ["posted_jpy"] = "50000", ["contracted_jpy"] = "48000", ["paid_jpy"] = "48000", ["fee_jpy"] = "4800",
                ["client_account_id"] = $"C{i % 3:D4}", ["worker_account_id"] = $"W{i % 5:D4}",
                ["client_prefecture"] = "13", ["worker_prefecture"] = "27",
            };
            switch (i % 4)
            {
                case 1: // contracted, not yet paid
                    row["status"] = "contracted"; row["paid_on"] = ""; row["paid_jpy"] = ""; row["fee_jpy"] = "";
                    break;
                case 2: // posted only: no contract, no worker
                    row["form"] = "task"; row["category"] = "tasks"; row["status"] = "posted"; row["posted_jpy"] = "300";
                    foreach (var c in new[] { "contracted_on", "paid_on", "contracted_jpy", "paid_jpy", "fee_jpy", "worker_account_id", "worker_prefecture" }) row[c] = "";
                    break;
                case 3: // cancelled after contract
                    row["status"] = "cancelled"; row["paid_on"] = ""; row["paid_jpy"] = ""; row["fee_jpy"] = "";
                    break;
            }
            file.Rows.Add(row);
        }
        return file;
    }

    /// <summary>Valid transactions of one month of FY2024 (dates inside it), ids prefixed (default <c>M05</c> for May) so that months do not share them.</summary>
    public static ExportFile TransactionsOfMonth(int month, int rows = 8, string platform = "P01", string? idPrefix = null)
    {
        var file = Transactions(rows: rows, platform: platform, period: $"2024-{month:D2}", idPrefix: idPrefix ?? $"M{month:D2}");
        foreach (var row in file.Rows)
        {
            row["posted_on"] = $"2024-{month:D2}-01";
            if (row["contracted_on"] != "") row["contracted_on"] = $"2024-{month:D2}-03";
            if (row["paid_on"] != "") row["paid_on"] = $"2024-{month:D2}-10";
        }
        return file;
    }

    /// <summary>Valid registrations for platform P01, FY2024: workers and clients.</summary>
    public static ExportFile Registrations(int rows = 4, string platform = "P01", string period = "FY2024")
    {
        var file = new ExportFile(MarketStats.Core.Contract.RecordKind.Registrations);
        for (var i = 0; i < rows; i++)
        {
            var worker = i % 2 == 0;
            file.Rows.Add(new Dictionary<string, string>
            {
                ["contract_version"] = "1", ["export_period"] = period, ["export_revision"] = "1",
                ["platform_id"] = platform, ["account_id"] = $"A{i:D6}", ["kind"] = worker ? "worker" : "client",
                ["client_type"] = worker ? "" : "corporation", ["prefecture"] = "13",
                ["registered_on"] = "2024-04-10", ["last_active_on"] = "2024-09-01",
                ["age_band"] = worker ? "40s" : "", ["gender"] = worker ? "female" : "",
                ["email_hmac"] = new string('a', 63) + (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["phone_hmac"] = "", ["corporate_number_hmac"] = "", ["identity_clk"] = "",
            });
        }
        return file;
    }

    /// <summary>Valid registrations of contract v2: <see cref="Registrations"/> with the per-field encodings and birth-date hashes.</summary>
    public static ExportFile RegistrationsV2(int rows = 4, string platform = "P01", string period = "FY2024")
    {
        var file = Registrations(rows, platform, period);
        file.Columns.Clear();
        file.Columns.AddRange(ExportContract.V2.ColumnsOf(MarketStats.Core.Contract.RecordKind.Registrations).Select(f => f.Name));
        for (var i = 0; i < rows; i++)
        {
            var row = file.Rows[i];
            row["contract_version"] = "2";
            foreach (var field in ExportContract.V2.Registrations.Fields.Where(f => f.Since == 2))
                row[field.Name] = field.Type == FieldType.FieldClk
                    ? Convert.ToBase64String(Enumerable.Range(0, 16).Select(b => (byte)((b * 17 + i) % 256)).ToArray())
                    : new string('b', 63) + (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return file;
    }

    /// <summary>Valid registrations of contract v3: <see cref="RegistrationsV2"/> with the keyed hashes of the birth date's parts.</summary>
    public static ExportFile RegistrationsV3(int rows = 4, string platform = "P01", string period = "FY2024")
    {
        var file = RegistrationsV2(rows, platform, period);
        file.Columns.Clear();
        file.Columns.AddRange(ExportContract.V3.ColumnsOf(MarketStats.Core.Contract.RecordKind.Registrations).Select(f => f.Name));
        for (var i = 0; i < rows; i++)
        {
            file.Rows[i]["contract_version"] = "3";
            foreach (var field in ExportContract.V3.Registrations.Fields.Where(f => f.Since == 3))
                file.Rows[i][field.Name] = new string('c', 63) + (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return file;
    }

    public ExportFile Set(int row, string column, string value)
    {
        Rows[row][column] = value;
        return this;
    }

    public ExportFile AddColumn(string column, string value)
    {
        Columns.Add(column);
        foreach (var row in Rows) row[column] = value;
        return this;
    }

    public ExportFile DropColumn(string column)
    {
        Columns.Remove(column);
        return this;
    }

    public string ToCsv()
    {
        var text = new StringBuilder();
        text.Append(string.Join(",", Columns)).Append('\n');
        foreach (var row in Rows)
            text.Append(string.Join(",", Columns.Select(c => row.GetValueOrDefault(c, "")))).Append('\n');
        return text.ToString();
    }

    /// <summary>Writes the file as delivered: UTF-8 (optionally with BOM), or CP932; optionally gzip-compressed.</summary>
    public string Write(string path, string encoding = "utf-8", bool gzip = false)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = encoding switch
        {
            "utf-8" => new UTF8Encoding(false).GetBytes(ToCsv()),
            "utf-8-bom" => [.. Encoding.UTF8.GetPreamble(), .. new UTF8Encoding(false).GetBytes(ToCsv())],
            "cp932" => Encoding.GetEncoding(932).GetBytes(ToCsv()),
            _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
        };
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (gzip)
        {
            using var output = new GZipStream(File.Create(path), CompressionLevel.Fastest);
            output.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }
        return path;
    }
}
