using System.Globalization;
using System.Text;
using MarketStats.Core.Privacy;

namespace MarketStats.Synthetic;

/// <summary>The comparison the issue cites (issue 13): the name fields compared by bigram Dice of their cleartext, no
/// privacy, under the linker's own rules, to tell how much of the linkage error is the encoding (BLIP, folding, one key
/// per field) and how much the rules. An experiment of the linkage benchmark only (<c>bench --linkage --cleartext</c>):
/// the held-out-like generator writes each record's cleartext names beside its answer key; nothing else reads them.</summary>
public static class CleartextNames
{
    public const string FileName = "cleartext-names.csv";

    /// <summary>Writes the header of the side file the generator fills (platform, account, family and given name as typed).</summary>
    internal static StreamWriter Create(string folder)
    {
        var writer = new StreamWriter(Path.Combine(folder, FileName), false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        writer.WriteLine("platform_id,account_id,family_name,given_name");
        return writer;
    }

    internal static void Write(StreamWriter writer, string platformId, string accountId, IdentityFields typed) =>
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{platformId},{accountId},{typed.FamilyName},{typed.GivenName}"));

    /// <summary>Bigram Dice (sets of padded bigrams of the normalised name, as the encoders tokenise) of two accounts'
    /// name field 0 (family) or 1 (given), by account index; NaN where a side has no such name (kana: always).</summary>
    /// <param name="accounts">Each account's index with its platform and account id.</param>
    public static Func<int, int, int, double> BigramDice(string folder, IEnumerable<(int Index, string PlatformId, string AccountId)> accounts, int count)
    {
        var names = new Dictionary<(string, string), string[]>();
        foreach (var line in File.ReadLines(Path.Combine(folder, FileName)).Skip(1))
        {
            var f = line.Split(',');
            names[(f[0], f[1])] = [f[2], f[3]];
        }
        var bigrams = new HashSet<string>?[2][];
        for (var field = 0; field < 2; field++) bigrams[field] = new HashSet<string>?[count];
        foreach (var (index, platform, account) in accounts)
            if (names.TryGetValue((platform, account), out var typed))
                for (var field = 0; field < 2; field++)
                    if (QuasiIdentifierNormaliser.Name(typed[field]) is { } value) bigrams[field][index] = [.. ClkEncoder.Bigrams(value)];
        return (field, x, y) =>
        {
            if (field > 1 || bigrams[field][x] is not { } a || bigrams[field][y] is not { } b) return double.NaN;
            var common = a.Count <= b.Count ? a.Count(b.Contains) : b.Count(a.Contains);
            return 2.0 * common / (a.Count + b.Count);
        };
    }
}
