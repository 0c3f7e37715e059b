using System.Security.Cryptography;
using System.Text;

namespace MarketStats.Core.Privacy;

/// <summary>HMAC-SHA256 of normalised exact identifiers, each field under its own derived key (the contract's <c>*_hmac</c> columns).</summary>
public sealed class KeyedHasher(AssociationKey key)
{
    private readonly byte[] emailKey = key.DeriveKey("email_hmac");
    private readonly byte[] phoneKey = key.DeriveKey("phone_hmac");
    private readonly byte[] corporateKey = key.DeriveKey("corporate_number_hmac");
    private readonly byte[] birthDateKey = key.DeriveKey("birth_date_hmac", version: 2);
    private readonly byte[] birthYearKey = key.DeriveKey("birth_year_hmac", version: 2);
    private readonly byte[] birthYearMonthKey = key.DeriveKey("birth_year_month_hmac", version: 3);
    private readonly byte[] birthMonthDayKey = key.DeriveKey("birth_month_day_hmac", version: 3);
    private readonly byte[] birthDateUnorderedKey = key.DeriveKey("birth_date_unordered_hmac", version: 3);

    public string? Email(string? raw) => Hash(emailKey, IdentifierNormaliser.Email(raw));

    public string? Phone(string? raw) => Hash(phoneKey, IdentifierNormaliser.Phone(raw));

    public string? CorporateNumber(string? raw) => Hash(corporateKey, IdentifierNormaliser.CorporateNumber(raw));

    /// <summary>Contract v2: the birth date as <c>yyyyMMdd</c> (<see cref="QuasiIdentifierNormaliser.BirthDate"/>).</summary>
    public string? BirthDate(string? raw) => Hash(birthDateKey, QuasiIdentifierNormaliser.BirthDate(raw));

    /// <summary>Contract v2: the year of the normalised birth date, <c>yyyy</c>.</summary>
    public string? BirthYear(string? raw) => Hash(birthYearKey, QuasiIdentifierNormaliser.BirthDate(raw)?[..4]);

    /// <summary>Contract v3: the year and month of the normalised birth date, <c>yyyyMM</c> (agrees when only the day was mistyped).</summary>
    public string? BirthYearMonth(string? raw) => Hash(birthYearMonthKey, QuasiIdentifierNormaliser.BirthDate(raw)?[..6]);

    /// <summary>Contract v3: the month and day of the normalised birth date, <c>MMdd</c> (agrees when only the year was mistyped).</summary>
    public string? BirthMonthDay(string? raw) => Hash(birthMonthDayKey, QuasiIdentifierNormaliser.BirthDate(raw)?[4..]);

    /// <summary>Contract v3: the year, then the month and day in ascending order (<c>yyyy</c> + the smaller + the larger
    /// two-digit number): agrees when day and month were swapped, and is the date itself when the day is above 12.</summary>
    public string? BirthDateUnordered(string? raw) => Hash(birthDateUnorderedKey, QuasiIdentifierNormaliser.BirthDate(raw) is { } d
        ? d[..4] + (string.CompareOrdinal(d[4..6], d[6..]) <= 0 ? d[4..] : d[6..] + d[4..6])
        : null);

    private static string? Hash(byte[] fieldKey, string? normalised) =>
        normalised is null ? null : Convert.ToHexStringLower(HMACSHA256.HashData(fieldKey, Encoding.UTF8.GetBytes(normalised)));
}
