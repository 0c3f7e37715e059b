using System.Runtime.CompilerServices;

namespace MarketStats.Linkage;

/// <summary>Least-significant-digit radix sort of 64-bit keys on chosen bytes: stable, a few sequential passes, several
/// times faster than a comparison sort on the millions of keys the blocking sorts per band.</summary>
internal static class RadixSort
{
    /// <summary>Sorts the first <paramref name="count"/> keys of <paramref name="keys"/> by the bytes starting at each of
    /// <paramref name="byteShifts"/> (lowest first); the other bits do not take part. The two arrays may be swapped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called once per band: optimised from the first call
    public static void Sort(ref ulong[] keys, ref ulong[] scratch, int count, ReadOnlySpan<int> byteShifts)
    {
        Span<int> counts = stackalloc int[byteShifts.Length * 256];
        counts.Clear();
        for (var e = 0; e < count; e++)
            for (var p = 0; p < byteShifts.Length; p++) counts[p * 256 + (int)(keys[e] >> byteShifts[p] & 0xFF)]++;
        for (var p = 0; p < byteShifts.Length; p++)
        {
            var digit = counts.Slice(p * 256, 256);
            if (digit.Contains(count)) continue; // every key has the same byte here
            var offset = 0;
            for (var d = 0; d < 256; d++) (digit[d], offset) = (offset, offset + digit[d]);
            var shift = byteShifts[p];
            for (var e = 0; e < count; e++) scratch[digit[(int)(keys[e] >> shift & 0xFF)]++] = keys[e];
            (keys, scratch) = (scratch, keys);
        }
    }
}
