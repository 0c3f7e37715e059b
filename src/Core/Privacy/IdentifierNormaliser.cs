using System.Text;

namespace MarketStats.Core.Privacy;

/// <summary>Brings exact identifiers to one canonical form before they are hashed, so that every member hashes alike.</summary>
public static class IdentifierNormaliser
{
    /// <summary>NFKC (full-width to half-width), trimmed, lower-cased; null when it is not an address.</summary>
    public static string? Email(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var s = raw.Normalize(NormalizationForm.FormKC).Trim().ToLowerInvariant();
        var at = s.IndexOf('@');
        return at > 0 && at == s.LastIndexOf('@') && at < s.Length - 1 && !s.Any(char.IsWhiteSpace) ? s : null;
    }

    /// <summary>A Japanese phone number in E.164 form (+81…), from 03-1234-5678, ０９０（１２３４）５６７８, +81 90 … and the like.</summary>
    public static string? Phone(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var s = raw.Normalize(NormalizationForm.FormKC);
        var digits = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (c is '-' or ' ' or '(' or ')' or '+' or '.' or '‐' or '−' or 'ー') continue;
            else return null;
        }
        var d = digits.ToString();
        var plus = s.TrimStart().StartsWith('+');
        if (plus || d.StartsWith("81", StringComparison.Ordinal) && d.Length is 11 or 12)
        {
            if (!d.StartsWith("81", StringComparison.Ordinal)) return null;
            d = "0" + d[2..];
        }
        // Domestic numbers: 10 digits (landline, 050 IP) or 11 digits (070/080/090 mobile, 0120 is 10).
        if (d.Length is < 10 or > 11 || d[0] != '0') return null;
        return "+81" + d[1..];
    }

    /// <summary>The 13-digit corporate number (法人番号), with its check digit verified.</summary>
    public static string? CorporateNumber(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var d = new string(raw.Normalize(NormalizationForm.FormKC).Where(c => c != '-' && c != ' ').ToArray());
        if (d.Length != 13 || !d.All(char.IsAsciiDigit)) return null;
        return CorporateNumberCheckDigit(d[1..]) == d[0] - '0' ? d : null;
    }

    /// <summary>The check digit of a corporate number's 12-digit base (National Tax Agency's rule).</summary>
    public static int CorporateNumberCheckDigit(string base12)
    {
        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            var digit = base12[11 - i] - '0'; // i = 0 is the lowest digit
            sum += digit * (i % 2 == 0 ? 1 : 2);
        }
        return 9 - sum % 9;
    }
}
