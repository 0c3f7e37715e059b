using System.Globalization;

namespace MarketStats.Ingest;

/// <summary>
/// How far a delivered file may expand when it is decompressed, so a gzip bomb is refused within seconds instead of
/// filling memory and the spill folder. A file is refused once its decompressed text exceeds <see cref="MaxBytes"/>,
/// or exceeds both <see cref="RatioFloorBytes"/> and <see cref="MaxRatio"/> times its compressed size. The same size
/// caps what a drop-folder pull copies and an uncompressed file. A Parquet file is held to the same size and ratio by
/// the uncompressed size its footer declares, and to <see cref="MaxRows"/> rows, before any of it is read.
/// </summary>
/// <remarks>
/// Real exports compress 5-20 times (a 10-million-line transactions export is about 2 GB of text); defaults leave
/// wide room: 16 GiB and 100 times. Override with MARKETSTATS_MAX_DECOMPRESSED_BYTES (bytes, or with a KiB/MiB/GiB
/// suffix), MARKETSTATS_MAX_EXPANSION_RATIO and MARKETSTATS_MAX_ROWS.
/// </remarks>
public sealed record DecompressionLimits(long MaxBytes, int MaxRatio, long RatioFloorBytes = DecompressionLimits.DefaultRatioFloorBytes)
{
    public const long DefaultMaxBytes = 16L << 30;
    public const int DefaultMaxRatio = 100;
    /// <summary>Below this much text the ratio is not checked: a small file of repeated rows may compress very well.</summary>
    public const long DefaultRatioFloorBytes = 64L << 20;

    public const string MaxBytesVariable = "MARKETSTATS_MAX_DECOMPRESSED_BYTES";
    public const string MaxRatioVariable = "MARKETSTATS_MAX_EXPANSION_RATIO";
    public const string MaxRowsVariable = "MARKETSTATS_MAX_ROWS";

    /// <summary>The most rows a Parquet file may declare: 10 times a 10-million-line export.</summary>
    public const long DefaultMaxRows = 100_000_000;

    /// <summary>The most rows a Parquet file may declare in its footer (CSV text is bounded by <see cref="MaxBytes"/>).</summary>
    public long MaxRows { get; init; } = DefaultMaxRows;

    /// <summary>The defaults, or what the environment sets.</summary>
    public static DecompressionLimits Default => new(
        Environment.GetEnvironmentVariable(MaxBytesVariable) is { Length: > 0 } bytes ? ParseBytes(bytes, MaxBytesVariable) : DefaultMaxBytes,
        Environment.GetEnvironmentVariable(MaxRatioVariable) is { Length: > 0 } ratio
            ? int.TryParse(ratio, NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r > 0 ? r
              : throw new ArgumentException($"{MaxRatioVariable}={ratio} is not a positive whole number.")
            : DefaultMaxRatio)
    {
        MaxRows = Environment.GetEnvironmentVariable(MaxRowsVariable) is { Length: > 0 } rows
            ? long.TryParse(rows, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
              : throw new ArgumentException($"{MaxRowsVariable}={rows} is not a positive whole number.")
            : DefaultMaxRows,
    };

    /// <summary>The most text a file of <paramref name="compressedBytes"/> may expand to.</summary>
    public long AllowedFor(long compressedBytes) =>
        Math.Min(MaxBytes, Math.Max(RatioFloorBytes, compressedBytes > long.MaxValue / MaxRatio ? long.MaxValue : compressedBytes * MaxRatio));

    /// <summary>"16 GiB", "64 KiB": a size as people read it.</summary>
    public static string Size(long bytes) =>
        bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? $"{bytes >> 30} GiB"
        : bytes >= 1L << 20 && bytes % (1L << 20) == 0 ? $"{bytes >> 20} MiB"
        : bytes >= 1L << 10 && bytes % (1L << 10) == 0 ? $"{bytes >> 10} KiB"
        : $"{bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes";

    private static long ParseBytes(string text, string variable)
    {
        var t = text.Trim();
        var (digits, shift) = t.EndsWith("GiB", StringComparison.OrdinalIgnoreCase) ? (t[..^3], 30)
            : t.EndsWith("MiB", StringComparison.OrdinalIgnoreCase) ? (t[..^3], 20)
            : t.EndsWith("KiB", StringComparison.OrdinalIgnoreCase) ? (t[..^3], 10)
            : (t, 0);
        if (!long.TryParse(digits.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > long.MaxValue >> shift)
            throw new ArgumentException($"{variable}={text} is not a size (bytes, or a number with KiB, MiB or GiB).");
        return n << shift;
    }
}
