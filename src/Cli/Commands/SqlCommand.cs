using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using MarketStats.Core.Storage;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats sql "SELECT …"</c>: a read-only look inside the database for analysts and scripts.</summary>
public static class SqlCommand
{
    private const int MaxTableRows = 10_000;

    public static Command Build(CliContext context)
    {
        var query = new Argument<string>("QUERY") { Description = "A SQL query (DuckDB dialect). The database is opened read-only, with no access to files, other databases or settings." };
        var db = CommonOptions.Database();
        var format = new Option<string>("--format")
        {
            Description = "table (aligned, for people), csv or json (for scripts).",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var command = new Command("sql", "Run a read-only SQL query against the database and print its result.") { query, db, format };
        command.SetAction(parse =>
        {
            using var warehouse = Warehouse.OpenSandboxed(parse.GetValue(db)!);
            try
            {
                using var reader = warehouse.Query(parse.GetValue(query)!);
                switch (parse.GetValue(format))
                {
                    case "csv": WriteCsv(reader, context.Out); break;
                    case "json": WriteJson(reader, context.Out); break;
                    default: WriteTable(reader, context.Out, context.Error); break;
                }
            }
            catch (DuckDBException e) // also while reading rows: DuckDB streams, so an error can come after the first row
            {
                context.Error.WriteLine(Refusal(e.Message.Split('\n')[0]));
                return ExitCodes.ProblemFound;
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>One sentence for a failed query; a statement the sandbox stopped says why, since DuckDB's own text does not.</summary>
    internal static string Refusal(string duckDbMessage)
    {
        string[] sandbox = ["Permission Error", "read-only", "read only", "lock_configuration", "configuration has been locked", "external access", "file system operations are disabled"];
        return sandbox.Any(s => duckDbMessage.Contains(s, StringComparison.OrdinalIgnoreCase))
            ? $"The query was refused: sql is read-only and cannot write, read files, attach databases, load extensions or change settings ({duckDbMessage})."
            : "The query failed: " + duckDbMessage;
    }

    /// <summary>Culture-free text for any DuckDB value (dates ISO, numbers invariant).</summary>
    public static string? Text(object? value) => value switch
    {
        null or DBNull => null,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static void WriteCsv(DbDataReader reader, TextWriter output)
    {
        output.WriteLine(string.Join(",", Enumerable.Range(0, reader.FieldCount).Select(i => CsvField(reader.GetName(i)))));
        while (reader.Read())
            output.WriteLine(string.Join(",", Enumerable.Range(0, reader.FieldCount).Select(i => CsvField(Text(reader.GetValue(i)) ?? ""))));
    }

    private static string CsvField(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    private static void WriteJson(DbDataReader reader, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            while (reader.Read())
            {
                json.WriteStartObject();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    json.WritePropertyName(reader.GetName(i));
                    var value = reader.GetValue(i);
                    switch (value)
                    {
                        case null or DBNull: json.WriteNullValue(); break;
                        case bool b: json.WriteBooleanValue(b); break;
                        case byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal or System.Numerics.BigInteger:
                            json.WriteRawValue(Text(value)!); break;
                        default: json.WriteStringValue(Text(value)); break;
                    }
                }
                json.WriteEndObject();
                if (buffer.Length > 1 << 20) { json.Flush(); output.Write(Encoding.UTF8.GetString(buffer.ToArray())); buffer.SetLength(0); }
            }
            json.WriteEndArray();
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteTable(DbDataReader reader, TextWriter output, TextWriter error)
    {
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        var rows = new List<string[]>();
        var truncated = false;
        while (reader.Read())
        {
            if (rows.Count == MaxTableRows) { truncated = true; break; }
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Text(reader.GetValue(i)) ?? "NULL").ToArray());
        }
        var widths = names.Select((n, i) => Math.Max(DisplayWidth(n), rows.Count == 0 ? 0 : rows.Max(r => DisplayWidth(r[i])))).ToArray();
        output.WriteLine(string.Join(" | ", names.Select((n, i) => Pad(n, widths[i]))));
        output.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
            output.WriteLine(string.Join(" | ", row.Select((v, i) => Pad(v, widths[i]))));
        output.WriteLine($"({rows.Count} row{(rows.Count == 1 ? "" : "s")})");
        if (truncated) error.WriteLine($"Only the first {MaxTableRows:N0} rows are shown; use --format csv for all of them.");
    }

    // Japanese (East Asian wide) characters take two terminal columns.
    private static int DisplayWidth(string s) => s.Sum(c => c >= 0x1100 && (c <= 0x115F || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6)) ? 2 : 1);

    private static string Pad(string s, int width) => s + new string(' ', Math.Max(0, width - DisplayWidth(s)));
}
