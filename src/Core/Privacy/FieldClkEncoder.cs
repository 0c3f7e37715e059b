using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace MarketStats.Core.Privacy;

/// <summary>The per-field encodings of contract v2 (<c>family_name_clk</c>, <c>given_name_clk</c>,
/// <c>family_name_kana_clk</c>, <c>given_name_kana_clk</c>): one short Bloom filter per name field, so the linker can
/// weigh a typo in the given name apart from a different family name.</summary>
/// <remarks>
/// Same tokens and double hashing as <see cref="ClkEncoder"/> (padded bigrams of the normalised value; positions
/// <c>(h1 + i·h2) mod 256</c> from one HMAC-SHA256 per bigram), with each field under its own HKDF key (info
/// <c>marketstats/field_clk/FIELD/v2</c>), then XOR-folded from 256 to 128 bits. A filter of one short field is a
/// deterministic function of the name, so whoever holds the table would see each name's frequency even without the
/// key (a frequency attack); the hardening is BLIP (Schnell and Borgs 2016): every output bit is flipped with
/// probability <see cref="FlipProbability"/>, so one name encodes differently on every account and equal encodings no
/// longer mark equal names. The flips are keyed to the account (HMAC under <c>marketstats/field_clk/blip/v2</c> of
/// platform, account and field): unpredictable without the key, yet the same on a re-export, so sending a file again
/// gives the same rows (ingest recognises them) and repeated exports cannot be averaged to undo the noise.
/// docs/export-contract.md ("Privacy") gives the parameters and the measurements.
/// </remarks>
public sealed class FieldClkEncoder
{
    public const int FilterBits = 256;
    public const int FoldedBits = FilterBits / 2;
    public const int FoldedBytes = FoldedBits / 8;

    /// <summary>A bit flips when its random byte is below this: p = 13/256 ≈ 0.051 (randomised response with f ≈ 0.10).</summary>
    public const int FlipThreshold = 13;

    public const double FlipProbability = FlipThreshold / 256.0;

    /// <summary>The encoded fields in contract order, each with how many bit positions one of its bigrams sets.</summary>
    public static readonly IReadOnlyList<ClkField> Fields =
    [
        new("family_name", 8), new("given_name", 8), new("family_name_kana", 6), new("given_name_kana", 6),
    ];

    /// <summary>The contract column that holds a field's encoding.</summary>
    public static string ColumnOf(string field) => field + "_clk";

    private readonly byte[][] fieldKeys;
    private readonly byte[] blipKey;
    private readonly int flipThreshold;
    private bool Blip => flipThreshold > 0;
    private readonly ConcurrentDictionary<(int Field, string Token), ushort[]> positions = new();

    /// <param name="flipThreshold">The contract's <see cref="FlipThreshold"/>; another (0: no BLIP) only to measure what BLIP costs and protects.</param>
    public FieldClkEncoder(AssociationKey key, int flipThreshold = FlipThreshold)
    {
        ArgumentNullException.ThrowIfNull(key);
        fieldKeys = [.. Fields.Select(f => key.DeriveKey("field_clk/" + f.Name, version: 2))];
        blipKey = key.DeriveKey("field_clk/blip", version: 2);
        this.flipThreshold = flipThreshold;
    }

    /// <summary>The account's encodings of the four name fields, in <see cref="Fields"/> order; null where a field is missing or does not normalise.</summary>
    /// <param name="account">The account the flips are keyed to: platform, account id and kind, as a member exports them.</param>
    public string?[] Encode(IdentityFields identity, (string PlatformId, string AccountId, string Kind) account)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var raw = Raw(identity);
        var result = new string?[raw.Length];
        Span<byte> flips = stackalloc byte[FoldedBits];
        for (var f = 0; f < raw.Length; f++)
        {
            if (Blip) KeyedFlips(account, f, flips);
            result[f] = Encode(f, raw[f], flips);
        }
        return result;
    }

    /// <summary>As the other overload, with the flips drawn from <paramref name="noise"/>: the synthetic generator's
    /// seeded stream, for reproducible files at speed (no member data is involved).</summary>
    public string?[] Encode(IdentityFields identity, Random noise)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(noise);
        var raw = Raw(identity);
        var result = new string?[raw.Length];
        Span<byte> flips = stackalloc byte[FoldedBits];
        for (var f = 0; f < raw.Length; f++)
        {
            if (Blip) noise.NextBytes(flips);
            result[f] = Encode(f, raw[f], flips);
        }
        return result;
    }

    private static string?[] Raw(IdentityFields identity) => [identity.FamilyName, identity.GivenName, identity.FamilyNameKana, identity.GivenNameKana];

    /// <summary>One field's encoding (base64 of 16 bytes, 24 characters); null when the value is missing or does not normalise.</summary>
    /// <param name="flips">One random byte per output bit (ignored without BLIP).</param>
    private string? Encode(int field, string? raw, ReadOnlySpan<byte> flips)
    {
        if (QuasiIdentifierNormaliser.Name(raw) is not { } value) return null;
        Span<byte> filter = stackalloc byte[FilterBits / 8];
        foreach (var token in ClkEncoder.Bigrams(value))
            foreach (var position in Positions(field, token))
                filter[position >> 3] |= (byte)(1 << (position & 7));
        Span<byte> folded = stackalloc byte[FoldedBytes];
        for (var i = 0; i < FoldedBytes; i++) folded[i] = (byte)(filter[i] ^ filter[i + FoldedBytes]);
        if (Blip)
        {
            for (var bit = 0; bit < FoldedBits; bit++)
                if (flips[bit] < flipThreshold) folded[bit >> 3] ^= (byte)(1 << (bit & 7));
        }
        return Convert.ToBase64String(folded);
    }

    /// <summary>128 bytes of HMAC-SHA256 in counter mode over (platform, account, kind, field, block).</summary>
    private void KeyedFlips((string PlatformId, string AccountId, string Kind) account, int field, Span<byte> flips)
    {
        var input = Encoding.UTF8.GetBytes($"{account.PlatformId}\n{account.AccountId}\n{account.Kind}\n{Fields[field].Name}\n0");
        for (var block = 0; block * 32 < flips.Length; block++)
        {
            input[^1] = (byte)('0' + block);
            HMACSHA256.HashData(blipKey, input, flips[(block * 32)..]);
        }
    }

    private ushort[] Positions(int field, string token)
    {
        if (positions.TryGetValue((field, token), out var cached)) return cached;
        var result = ClkEncoder.BitPositions(fieldKeys[field], token, Fields[field].HashCount, FilterBits);
        if (positions.Count < 1_000_000) positions.TryAdd((field, token), result);
        return result;
    }
}
