using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using MarketStats.Core.Privacy;

namespace MarketStats.Linkage;

/// <summary>The accounts as compact arrays: about 90 bytes each, so two million fit in under 200 MB.</summary>
/// <remarks>The encodings sit in one pinned array, each on its own 64-byte cache line, so that a Dice comparison
/// touches two lines and the blocking can prefetch them by address.</remarks>
internal sealed class LinkAccounts
{
    public const int Words = ClkEncoder.FoldedWords;
    private readonly ulong[] clk;
    private readonly int clkStart; // first word of account 0: aligned to a cache line

    public LinkAccounts(int count)
    {
        Count = count;
        IsWorker = new bool[count];
        Platform = new short[count];
        Prefecture = new byte[count];
        Email = new long[count];
        Phone = new long[count];
        Corporate = new long[count];
        EmailCount = new int[count];
        PhoneCount = new int[count];
        CorporateCount = new int[count];
        HasClk = new bool[count];
        ClkBits = new ushort[count];
        BirthDate = new long[count];
        BirthYear = new long[count];
        BirthYearMonth = new long[count];
        BirthMonthDay = new long[count];
        BirthDateUnordered = new long[count];
        BirthDateCount = new int[count];
        fieldClk = GC.AllocateArray<ulong>(checked(count * NameFields * FieldWords + Words), pinned: true);
        FieldBits = new byte[count * NameFields];
        AgeBand = new sbyte[count];
        Gender = new sbyte[count];
        clk = GC.AllocateArray<ulong>(checked(count * Words + Words), pinned: true);
        unsafe
        {
            var address = (long)Unsafe.AsPointer(ref clk[0]);
            clkStart = (int)((64 - address % 64) % 64 / sizeof(ulong));
            address = (long)Unsafe.AsPointer(ref fieldClk[0]);
            fieldStart = (int)((64 - address % 64) % 64 / sizeof(ulong));
        }
    }

    public int Count { get; }
    public bool[] IsWorker { get; }
    public short[] Platform { get; }
    public byte[] Prefecture { get; }
    public long[] Email { get; }
    public long[] Phone { get; }
    public long[] Corporate { get; }
    /// <summary>How many accounts of the kind hold this account's value of the keyed hash (0 when it has none): the
    /// term frequency that weakens an agreement on a common value.</summary>
    public int[] EmailCount { get; }
    public int[] PhoneCount { get; }
    public int[] CorporateCount { get; }
    public bool[] HasClk { get; }
    /// <summary>Set bits of each encoding (|A| in Dice's 2|A∩B| / (|A|+|B|)), counted once at load.</summary>
    public ushort[] ClkBits { get; }
    public sbyte[] AgeBand { get; }

    /// <summary>Contract v2: keyed hashes of the birth date and year as ids (0 when missing: every v1 account), and how
    /// many accounts of the kind share the date (its term frequency).</summary>
    public long[] BirthDate { get; }
    public long[] BirthYear { get; }
    public int[] BirthDateCount { get; }

    /// <summary>Contract v3: keyed hashes of the birth date's parts as ids (0 when missing: every v1 and v2 account): year
    /// and month, month and day, and the date with day and month in ascending order (a swap agrees).</summary>
    public long[] BirthYearMonth { get; }
    public long[] BirthMonthDay { get; }
    public long[] BirthDateUnordered { get; }

    /// <summary>Contract v2's per-field name encodings (family, given, family kana, given kana: <see cref="NameFieldColumns"/>),
    /// 128 bits each; a field with no set bit is missing.</summary>
    public const int NameFields = 4;
    public const int FieldWords = FieldClkEncoder.FoldedBytes / sizeof(ulong);
    public static readonly string[] NameFieldColumns = [.. FieldClkEncoder.Fields.Select(f => FieldClkEncoder.ColumnOf(f.Name))];
    private readonly ulong[] fieldClk; // pinned; an account's four fields fill one 64-byte cache line from fieldStart
    private readonly int fieldStart;
    public byte[] FieldBits { get; }

    /// <summary>The pinned address of account 0's name fields: the four fields of an account follow one another in
    /// <see cref="Words"/> words (512 bits, like a record encoding), accounts every <see cref="Words"/> words.</summary>
    public unsafe ulong* FieldClkBase => (ulong*)Unsafe.AsPointer(ref fieldClk[fieldStart]);

    /// <summary>One name field's encoding of an account (all zeros when missing).</summary>
    public Span<ulong> FieldClk(int account, int field) => fieldClk.AsSpan(fieldStart + (account * NameFields + field) * FieldWords, FieldWords);

    public void SetFieldClk(int account, int field, ReadOnlySpan<byte> bytes)
    {
        var words = FieldClk(account, field);
        var bits = 0;
        for (var w = 0; w < FieldWords; w++)
        {
            words[w] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[(w * sizeof(ulong))..]);
            bits += BitOperations.PopCount(words[w]);
        }
        FieldBits[account * NameFields + field] = (byte)bits;
    }

    /// <summary>Whether the account carries contract v2's per-field evidence (a name-field encoding or a birth date).</summary>
    public bool HasFields(int account)
    {
        if (BirthDate[account] != 0) return true;
        for (var f = 0; f < NameFields; f++)
            if (FieldBits[account * NameFields + f] != 0) return true;
        return false;
    }

    /// <summary>Whether the account is a person's: every worker, and a client whose export gives a birth date or a given
    /// name (kanji or kana), fields a firm's export cannot carry (a sole proprietor; issue 13). A firm's name travels in
    /// the family-name fields, so a family name alone says nothing.</summary>
    public bool IsPerson(int account) =>
        IsWorker[account] || BirthDate[account] != 0 || HasField(GivenNameField, account) || HasField(GivenNameKanaField, account);

    /// <summary>Whether two accounts are compared on contract v2's fields (names, birth date) instead of the record
    /// encoding: both carry them and both are persons' (a firm's encoding holds its postcode, which tells apart firms
    /// of one name, so a client pair with a firm on either side keeps the record encoding).</summary>
    public bool ComparedOnFields(int x, int y) => ComparedOnFields(x) && ComparedOnFields(y);

    /// <summary>Whether the account is compared on its fields with any other that is (<see cref="ComparedOnFields(int, int)"/>).</summary>
    public bool ComparedOnFields(int account) => HasFields(account) && IsPerson(account);

    /// <summary>The name fields' positions in <see cref="NameFieldColumns"/> (a given name is a person's).</summary>
    public const int FamilyNameField = 0, GivenNameField = 1, FamilyNameKanaField = 2, GivenNameKanaField = 3;

    /// <summary>Whether the account has this name field's encoding (with a set bit).</summary>
    public bool HasField(int field, int account) => FieldBits[account * NameFields + field] != 0;

    /// <summary>Whether the account has a name-field encoding with a set bit.</summary>
    public bool HasNameFields(int account)
    {
        for (var f = 0; f < NameFields; f++)
            if (FieldBits[account * NameFields + f] != 0) return true;
        return false;
    }

    /// <summary>An experiment only (<c>bench --linkage --cleartext</c>): the name fields compared by bigram Dice of the
    /// cleartext names the generator knows, in place of their encodings, under the same rules; null in every run.</summary>
    internal Func<int, int, int, double>? CleartextFieldDice { get; set; }

    /// <summary>Dice of two accounts' encodings of one name field; NaN when either lacks it.</summary>
    public double FieldDice(int field, int x, int y)
    {
        var (bx, by) = (FieldBits[x * NameFields + field], FieldBits[y * NameFields + field]);
        if (bx == 0 || by == 0) return double.NaN;
        if (CleartextFieldDice is { } cleartext) return cleartext(field, x, y);
        var (ox, oy) = (fieldStart + (x * NameFields + field) * FieldWords, fieldStart + (y * NameFields + field) * FieldWords);
        var common = 0;
        for (var w = 0; w < FieldWords; w++) common += BitOperations.PopCount(fieldClk[ox + w] & fieldClk[oy + w]);
        return DiceOfBits(common, bx + by);
    }
    public sbyte[] Gender { get; }

    public Span<ulong> Clk(int account) => clk.AsSpan(clkStart + account * Words, Words);

    public void SetClk(int account, ReadOnlySpan<ulong> words)
    {
        words.CopyTo(Clk(account));
        var bits = 0;
        foreach (var word in words) bits += BitOperations.PopCount(word);
        ClkBits[account] = (ushort)bits;
        HasClk[account] = true;
    }

    /// <summary>The pinned address of the first encoding (account 0); encodings follow every <see cref="Words"/> words.</summary>
    public unsafe ulong* ClkBase => (ulong*)Unsafe.AsPointer(ref clk[clkStart]);

    /// <summary>Dice of two accounts' encodings, exactly as <see cref="ClkEncoder.Dice(ReadOnlySpan{ulong}, ReadOnlySpan{ulong})"/>
    /// computes it; NaN when one has none.</summary>
    public double Dice(int x, int y) => HasClk[x] && HasClk[y] ? DiceOfBits(CommonBits(Clk(x), Clk(y)), ClkBits[x] + ClkBits[y]) : double.NaN;

    /// <summary>The contract v2 fields the account gives, one bit each: the four name fields (bit f) and the birth date
    /// (bit <see cref="NameFields"/>); 0 for a v1 account, of which nothing is known.</summary>
    public int GivenFields(int account)
    {
        var given = BirthDate[account] != 0 ? 1 << NameFields : 0;
        for (var f = 0; f < NameFields; f++)
            if (FieldBits[account * NameFields + f] != 0) given |= 1 << f;
        return given;
    }

    /// <summary>The name fields given on one side of the pair only, one bit each (bit f: <see cref="NameFieldColumns"/>[f]).</summary>
    public int OneSidedNameFields(int x, int y) => (GivenFields(x) ^ GivenFields(y)) & ((1 << NameFields) - 1);

    /// <summary>For two contract v2 accounts of which one gives a strict subset of the other's fields and whose record
    /// Dice reaches <paramref name="partialFloor"/>: the share of that side's set bits the other has too (the containment
    /// of its record in the other's); NaN for any other pair (then Dice says all).</summary>
    /// <remarks>A field given on one side only (a kana reading is optional on some sign-up forms) adds bits to that side
    /// alone, and Dice counts them as disagreement: one firm's two accounts fall from about 0.9 to 0.7–0.8 though nothing
    /// disagrees. The subset side's bits are what both sides were asked for; two firms of one name with different
    /// postcodes still differ there. Below the floor the bits the larger side adds are more than the known missing
    /// fields explain: the smaller side most likely lacks the postcode too, which has no field of its own, and its
    /// record is contained in any namesake's (docs/linkage.md). XOR-folding lets the extra field clear a few of the
    /// subset side's bits (a folded bit is the parity of two filter bits), so one firm's containment stays a little
    /// below 1. A v1 side tells nothing of which fields it gives.</remarks>
    public double PartialContainment(int x, int y, double partialFloor)
    {
        if (!HasClk[x] || !HasClk[y]) return double.NaN;
        var (given, other) = (GivenFields(x), GivenFields(y));
        if (given == other || given == 0 || other == 0 || (given & other) != given && (given & other) != other) return double.NaN;
        var common = CommonBits(Clk(x), Clk(y));
        if (DiceOfBits(common, ClkBits[x] + ClkBits[y]) < partialFloor) return double.NaN;
        return (double)common / ClkBits[(given & other) == given ? x : y];
    }

    /// <summary>Asks the cache for every line a comparison of the account reads (its attributes sit in a dozen arrays):
    /// scoring and u's random pairs reach accounts in random order, and waited on each array's miss in turn (issue 12).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(int account)
    {
        if (!Sse.IsSupported) return;
        Sse.Prefetch0(Unsafe.AsPointer(ref Email[account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref Phone[account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref Corporate[account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref BirthDate[account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref BirthYear[account]));
        // Contract v3's birth-date parts: the birth-date comparison reads them for every pair whose full dates differ.
        Sse.Prefetch0(Unsafe.AsPointer(ref BirthYearMonth[account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref BirthMonthDay[account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref BirthDateUnordered[account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref Prefecture[account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref AgeBand[account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref Gender[account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref HasClk[account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref ClkBits[account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref FieldBits[account * NameFields]));
        Sse.Prefetch0(ClkBase + (long)account * Words);
        Sse.Prefetch0(FieldClkBase + (long)account * Words);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double DiceOfBits(int common, int total) => total == 0 ? 0 : 2.0 * common / total;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CommonBits(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        var both = 0;
        for (var w = 0; w < Words; w++) both += BitOperations.PopCount(a[w] & b[w]);
        return both;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int CommonBits(ulong* a, ulong* b)
    {
        var both = 0;
        for (var w = 0; w < Words; w++) both += BitOperations.PopCount(a[w] & b[w]);
        return both;
    }
}
