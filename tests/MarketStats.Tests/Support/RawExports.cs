using System.IO.Compression;

namespace MarketStats.Tests.Support;

/// <summary>
/// Reads generated transaction exports straight from the inbox, without DuckDB or the ingestor: the independent side
/// of the reconciliation tests. Generated exports have no quoted fields, so a split on ',' is exact.
/// </summary>
public static class RawExports
{
    /// <summary>Every row of every transactions export under <paramref name="inbox"/> (plain or gzip), as a lookup of
    /// its fields by column name.</summary>
    public static IEnumerable<Func<string, string>> Transactions(string inbox) => Rows(inbox, "transactions_*");

    /// <summary>Every row of every registrations export under <paramref name="inbox"/>, as <see cref="Transactions"/>.</summary>
    public static IEnumerable<Func<string, string>> Registrations(string inbox) => Rows(inbox, "registrations_*");

    private static IEnumerable<Func<string, string>> Rows(string inbox, string pattern)
    {
        foreach (var path in Directory.GetFiles(inbox, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var text = Lines(path).GetEnumerator();
            if (!text.MoveNext()) continue;
            var column = text.Current.TrimStart('\uFEFF').Split(',').Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
            while (text.MoveNext() && text.Current is { Length: > 0 } line)
            {
                var fields = line.Split(',');
                yield return name => fields[column[name]];
            }
        }
    }

    /// <summary>A delivered export's lines (gzip or not; CP932 only differs in bytes that are not line breaks).</summary>
    public static IEnumerable<string> Lines(string path)
    {
        using Stream raw = File.OpenRead(path);
        using var text = new StreamReader(path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(raw, CompressionMode.Decompress) : raw);
        while (text.ReadLine() is { } line) yield return line;
    }
}
