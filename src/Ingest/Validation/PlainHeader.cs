using System.Text;

namespace MarketStats.Ingest.Validation;

/// <summary>
/// A CSV header read without DuckDB's sniffer, which costs a read of the file's head on every file (twice: once to
/// name the columns, once to load). Only a plain header is taken: ASCII names, no quotes, no spaces around a name, no
/// name twice in any case. Anything else returns null and is left to DuckDB, so an unusual header is judged exactly as
/// before. One leading UTF-8 byte-order mark is not part of the first name: DuckDB skips the header line whole when the
/// columns are given, so a file with a mark is read like one without (and can share a group's statement).
/// </summary>
internal static class PlainHeader
{
    private const int MaxHeaderBytes = 64 * 1024;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static List<string>? Of(string utf8Csv)
    {
        var buffer = new byte[MaxHeaderBytes];
        int length;
        using (var file = new FileStream(utf8Csv, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None))
            length = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var end = Array.IndexOf(buffer, (byte)'\n', 0, length);
        if (end <= 0) return null; // no line end in reach, or a blank first line
        var line = buffer.AsSpan(0, end);
        if (line[^1] == '\r') line = line[..^1];
        if (line.StartsWith(Utf8Bom)) line = line[Utf8Bom.Length..];
        foreach (var b in line)
            if (b is < 0x21 and not (byte)' ' || b >= 0x7F || b == '"') return null;
        var names = Encoding.ASCII.GetString(line).Split(',');
        if (names.Any(n => n.Length == 0 || n.Trim() != n)) return null;
        return names.Distinct(StringComparer.OrdinalIgnoreCase).Count() == names.Length ? [.. names] : null;
    }
}
