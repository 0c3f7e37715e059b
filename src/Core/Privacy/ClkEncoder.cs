using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace MarketStats.Core.Privacy;

/// <summary>The quasi-identifiers a CLK encodes, raw as a platform holds them; any may be missing.</summary>
public sealed record IdentityFields(
    string? FamilyName = null, string? GivenName = null, string? FamilyNameKana = null, string? GivenNameKana = null,
    string? BirthDate = null, string? Postcode = null);

/// <summary>One quasi-identifier of the CLK and how many bit positions each of its bigrams sets.</summary>
public sealed record ClkField(string Name, int HashCount);

/// <summary>What <see cref="ClkEncoder.Encode"/> made of one record: the encoding (null if no field was usable) and
/// the fields that were given but could not be normalised, so the caller can count them.</summary>
public sealed record ClkResult(string? Base64, IReadOnlyList<string> Unusable, int FieldsEncoded);

/// <summary>The <c>identity_clk</c> column: a cryptographic long-term key (CLK, Schnell, Bachteler and Reiher 2009),
/// a Bloom filter of the padded bigrams of each normalised quasi-identifier, hardened by XOR-folding.</summary>
/// <remarks>
/// Each field has its own HMAC key derived from the association secret (HKDF, info <c>marketstats/identity_clk/FIELD/v1</c>),
/// so the same bigram sets different bits in a name and in a reading, and nobody without the secret can rebuild the
/// bit positions of a bigram (the dictionary attack). Positions use double hashing over one HMAC-SHA256 of the bigram:
/// <c>pos_i = (h1 + i·h2) mod 1024</c>, h1 and h2 the first two little-endian 64-bit words of the HMAC.
/// Hardening: the 1024-bit filter is XOR-folded once into 512 bits (Schnell, Borgs and Encheva 2016, "XOR-folding for
/// Bloom encryptions for privacy-preserving record linkage"): a set bit no longer tells which bigram set it, which
/// defeats the pattern-mining and frequency attacks on bit patterns of frequent names (Christen et al. 2017) at a
/// small cost in accuracy, measured in docs/export-contract.md. Tokens repeat (common names, date digits), so the
/// positions of each (field, token) are cached.
/// </remarks>
public sealed class ClkEncoder
{
    public const int FilterBits = 1024;
    public const int FoldedBytes = FilterBits / 8 / 2;
    public const int FoldedWords = FoldedBytes / 8;
    private const int CacheLimit = 2_000_000;

    /// <summary>The fields in encoding order with their hash counts: names weigh most, the postcode least (people move).</summary>
    public static readonly IReadOnlyList<ClkField> Fields =
    [
        new("family_name", 12), new("given_name", 12), new("family_name_kana", 8), new("given_name_kana", 8),
        new("birth_date", 10), new("postcode", 6),
    ];

    private readonly byte[][] fieldKeys;
    private readonly bool xorFold;
    private readonly ConcurrentDictionary<(int Field, string Token), ushort[]> positions = new();

    /// <param name="xorFold">False only to measure what folding costs: the contract's encoding is always folded.</param>
    public ClkEncoder(AssociationKey key, bool xorFold = true)
    {
        fieldKeys = [.. Fields.Select(f => key.DeriveKey("identity_clk/" + f.Name))];
        this.xorFold = xorFold;
    }

    public ClkResult Encode(IdentityFields identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        string?[] raw = [identity.FamilyName, identity.GivenName, identity.FamilyNameKana, identity.GivenNameKana, identity.BirthDate, identity.Postcode];
        Span<ulong> filter = stackalloc ulong[FilterBits / 64];
        List<string>? unusable = null;
        var encoded = 0;
        for (var f = 0; f < Fields.Count; f++)
        {
            if (string.IsNullOrWhiteSpace(raw[f])) continue;
            var value = f switch
            {
                4 => QuasiIdentifierNormaliser.BirthDate(raw[f]),
                5 => QuasiIdentifierNormaliser.Postcode(raw[f]),
                _ => QuasiIdentifierNormaliser.Name(raw[f]),
            };
            if (value is null)
            {
                (unusable ??= []).Add(Fields[f].Name);
                continue;
            }
            encoded++;
            foreach (var token in Bigrams(value))
                foreach (var position in Positions(f, token))
                    filter[position >> 6] |= 1UL << (position & 63);
        }
        if (encoded == 0) return new ClkResult(null, unusable ?? [], 0);
        if (!xorFold)
        {
            var full = new byte[FilterBits / 8];
            for (var w = 0; w < filter.Length; w++) BinaryPrimitives.WriteUInt64LittleEndian(full.AsSpan(w * 8), filter[w]);
            return new ClkResult(Convert.ToBase64String(full), unusable ?? [], encoded);
        }
        Span<byte> folded = stackalloc byte[FoldedBytes];
        for (var w = 0; w < FoldedWords; w++)
            BinaryPrimitives.WriteUInt64LittleEndian(folded[(w * 8)..], filter[w] ^ filter[w + FoldedWords]);
        return new ClkResult(Convert.ToBase64String(folded), unusable ?? [], encoded);
    }

    /// <summary>Padded bigrams (q = 2): <c>サトウ</c> → <c>_サ サト トウ ウ_</c>; padding lets one-character names count.</summary>
    public static IEnumerable<string> Bigrams(string value)
    {
        var padded = "_" + value + "_";
        for (var i = 0; i + 1 < padded.Length; i++)
            yield return padded.Substring(i, 2);
    }

    private ushort[] Positions(int field, string token)
    {
        if (positions.TryGetValue((field, token), out var cached)) return cached;
        var result = BitPositions(fieldKeys[field], token, Fields[field].HashCount, FilterBits);
        if (positions.Count < CacheLimit) positions.TryAdd((field, token), result);
        return result;
    }

    /// <summary>The bits one token sets: <c>(h1 + i·h2) mod filterBits</c>, h1 and h2 the first two little-endian
    /// 64-bit words of HMAC-SHA256(field key, UTF-8 token); the record-level and the per-field encodings share it.</summary>
    internal static ushort[] BitPositions(byte[] fieldKey, string token, int hashCount, int filterBits)
    {
        Span<byte> digest = stackalloc byte[32];
        HMACSHA256.HashData(fieldKey, Encoding.UTF8.GetBytes(token), digest);
        var h1 = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        var h2 = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]);
        var result = new ushort[hashCount];
        for (var i = 0; i < result.Length; i++)
            result[i] = (ushort)(unchecked(h1 + (ulong)i * h2) % (ulong)filterBits);
        return result;
    }

    /// <summary>Decodes an <c>identity_clk</c> into its 512 bits; false if it is not a valid encoding.</summary>
    public static bool TryDecode(string? base64, Span<ulong> words)
    {
        Span<byte> bytes = stackalloc byte[FoldedBytes + 3];
        if (base64 is null || !Convert.TryFromBase64String(base64, bytes, out var written) || written != FoldedBytes) return false;
        for (var w = 0; w < FoldedWords; w++) words[w] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(w * 8)..]);
        return true;
    }

    /// <summary>Dice coefficient of two base64 encodings of any (equal) length; for measurements, not the linker's hot path.</summary>
    public static double Dice(string a, string b)
    {
        var (x, y) = (Convert.FromBase64String(a), Convert.FromBase64String(b));
        var words = x.Length / 8;
        var (u, v) = (new ulong[words], new ulong[words]);
        for (var w = 0; w < words; w++) (u[w], v[w]) = (BinaryPrimitives.ReadUInt64LittleEndian(x.AsSpan(w * 8)), BinaryPrimitives.ReadUInt64LittleEndian(y.AsSpan(w * 8)));
        return Dice(u, v);
    }

    /// <summary>Dice coefficient 2|A∩B| / (|A|+|B|) of two encodings.</summary>
    public static double Dice(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        int both = 0, total = 0;
        for (var w = 0; w < a.Length; w++)
        {
            both += BitOperations.PopCount(a[w] & b[w]);
            total += BitOperations.PopCount(a[w]) + BitOperations.PopCount(b[w]);
        }
        return total == 0 ? 0 : 2.0 * both / total;
    }
}
