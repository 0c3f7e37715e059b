using System.Globalization;
using System.Text;

namespace MarketStats.Core.Privacy;

/// <summary>Brings the quasi-identifiers (names, kana, birth date, postcode) to one canonical form before they are
/// encoded, so that the same person typed differently on two platforms encodes alike.</summary>
public static class QuasiIdentifierNormaliser
{
    /// <summary>A name or its reading: NFKC (half-width kana and full-width Latin folded), hiragana to katakana, small
    /// kana to large, upper-case Latin; spaces, middle dots, long-vowel marks and punctuation removed. Null if nothing is left.</summary>
    /// <remarks>Long-vowel marks and small kana are dropped or folded because platforms and people write the same
    /// reading both ways (ユウコ / ユーコ, キョウコ / キヨウコ in old systems).</remarks>
    public static string? Name(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var s = raw.Normalize(NormalizationForm.FormKC);
        var folded = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            var ch = c;
            if (ch is >= '\u3041' and <= '\u3096') ch = (char)(ch + 0x60); // hiragana → katakana
            if (char.IsWhiteSpace(ch) || char.IsPunctuation(ch) || char.IsSymbol(ch) || ch is 'ー' or '・' or '-') continue;
            folded.Append(SmallKanaToLarge(char.ToUpperInvariant(ch)));
        }
        return folded.Length == 0 ? null : folded.ToString();
    }

    /// <summary>A birth date as <c>yyyyMMdd</c> from <c>1985-03-12</c>, <c>1985/3/12</c>, <c>19850312</c> or full-width
    /// digits; null for an impossible date or one outside 1900 to 2030.</summary>
    public static string? BirthDate(string? raw)
    {
        var date = Date(raw);
        return date is { Year: >= 1900 and <= 2030 } d ? d.ToString("yyyyMMdd", CultureInfo.InvariantCulture) : null;
    }

    /// <summary>A calendar date in any of the common shapes (ISO, slashes, dots, 8 digits, 年月日); null if impossible.</summary>
    public static DateOnly? Date(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var s = raw.Normalize(NormalizationForm.FormKC).Trim().Replace('年', '-').Replace('月', '-').Replace("日", "", StringComparison.Ordinal)
            .Replace('/', '-').Replace('.', '-');
        string[] formats = ["yyyy-M-d", "yyyyMMdd", "yyyy-MM-dd"];
        return DateOnly.TryParseExact(s, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
    }

    /// <summary>A Japanese postcode as its 7 digits (<c>〒100-0001</c> → <c>1000001</c>); null if not 7 digits.</summary>
    public static string? Postcode(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var digits = new StringBuilder(7);
        foreach (var c in raw.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (c is not ('-' or ' ' or '〒' or '−' or 'ー' or '‐')) return null;
        }
        return digits.Length == 7 ? digits.ToString() : null;
    }

    private static char SmallKanaToLarge(char c) => c switch
    {
        'ァ' => 'ア', 'ィ' => 'イ', 'ゥ' => 'ウ', 'ェ' => 'エ', 'ォ' => 'オ', 'ッ' => 'ツ', 'ャ' => 'ヤ', 'ュ' => 'ユ', 'ョ' => 'ヨ',
        'ヮ' => 'ワ', 'ヵ' => 'カ', 'ヶ' => 'ケ',
        _ => c,
    };
}
