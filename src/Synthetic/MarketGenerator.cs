using System.Collections.Concurrent;
using System.Globalization;
using MarketStats.Core.Domain;
using MarketStats.Core;
using MarketStats.Core.Contract;
using MarketStats.Core.Privacy;

namespace MarketStats.Synthetic;

/// <summary>Generates a synthetic crowdsourcing market: every member platform's exports, as an inbox, plus the
/// ground truth (which accounts belong to the same person) for testing linkage.</summary>
/// <remarks>
/// Deterministic: the same options give byte-identical files, provided the cut-off (the earlier of today and the
/// end of the last fiscal year) is the same. Transactions are streamed to disk; only accounts are held in memory.
/// </remarks>
public sealed class MarketGenerator(TimeProvider? clock = null)
{
    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    public GeneratorResult Generate(GeneratorOptions options, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Transactions);
        if (options.FirstFiscalYear < 2000 || options.LastFiscalYear < options.FirstFiscalYear)
            throw new ArgumentException($"Fiscal years {options.FirstFiscalYear}-{options.LastFiscalYear} are not a range from 2000 on.", nameof(options));

        var outDir = Path.GetFullPath(options.OutDir);
        var truthPath = Path.GetFullPath(options.TruthPath ?? DefaultTruthPath(outDir));
        if (IsInside(truthPath, outDir))
            throw new ArgumentException($"The ground truth {truthPath} must not be inside the inbox {outDir}: ingest would read it.", nameof(options));

        var cutoffDay = CutoffDay(options.LastFiscalYear);
        var firstDay = FiscalYear.Start(options.FirstFiscalYear).DayNumber;
        if (firstDay > cutoffDay)
            throw new ArgumentException($"FY{options.FirstFiscalYear} has not started yet: nothing to generate.", nameof(options));
        var years = Enumerable.Range(options.FirstFiscalYear, options.LastFiscalYear - options.FirstFiscalYear + 1)
            .Where(fy => FiscalYear.Start(fy).DayNumber <= cutoffDay).ToArray();

        var platforms = PlatformProfile.Build(options.Platforms, options.Seed);
        var budgets = LineBudgets(platforms, years, options.Transactions, cutoffDay);
        var population = PopulationModel.Build(platforms, [.. budgets.Select(b => b.Sum())], options.Seed, firstDay, cutoffDay);
        progress?.Report(string.Create(CultureInfo.InvariantCulture,
            $"{platforms.Count} platforms, FY{years[0]}-FY{years[^1]} (cut-off {DateOnly.FromDayNumber(cutoffDay):yyyy-MM-dd}), {options.Transactions:N0} transaction rows"));

        var key = options.Key ?? AssociationKey.FromSeed(options.Seed);
        var hasher = new KeyedHasher(key);
        var encoder = new ClkEncoder(key);
        var fieldEncoder = new FieldClkEncoder(key);
        _ = ExportContract.Of(options.ContractVersion); // an unknown version fails here, before anything is written
        var files = new string[platforms.Count][];
        var registrationRows = new long[platforms.Count];
        var transactionRows = new long[platforms.Count];
        // Platforms are independent (own random streams, own accounts), so they run in parallel, largest first.
        var order = Enumerable.Range(0, platforms.Count).OrderByDescending(p => budgets[p].Sum()).ThenBy(p => p).ToArray();
        // No buffering: an array would otherwise be split into fixed ranges, leaving one core with all the big platforms.
        var queue = Partitioner.Create(order, EnumerablePartitionerOptions.NoBuffering);
        long rowsDone = 0;
        progress.Advance("generate", 0, options.Transactions, "rows");
        Parallel.ForEach(queue, new ParallelOptions { CancellationToken = ct }, p =>
        {
            var platform = platforms[p];
            var dir = Path.Combine(outDir, platform.PlatformId);
            Directory.CreateDirectory(dir);
            var written = new List<string>();
            var transactions = new TransactionWriter(platform, population, cutoffDay, options.Seed);
            for (var y = 0; y < years.Length; y++)
            {
                var path = Path.Combine(dir, $"transactions_FY{years[y]}{platform.FileExtension}");
                var rows = transactions.WriteFiscalYear(path, years[y], budgets[p][y], ct);
                transactionRows[p] += rows;
                KeepIfNotEmpty(path, rows, written);
            }
            var registrations = new RegistrationWriter(platform, population, hasher, encoder, fieldEncoder, options.ContractVersion, cutoffDay, options.Seed);
            registrations.SettleDates();
            foreach (var fy in years)
            {
                var path = Path.Combine(dir, $"registrations_FY{fy}{platform.FileExtension}");
                var rows = registrations.WriteFiscalYear(path, fy);
                registrationRows[p] += rows;
                KeepIfNotEmpty(path, rows, written);
            }
            files[p] = [.. written];
            progress.Advance("generate", Interlocked.Add(ref rowsDone, transactionRows[p]), options.Transactions, "rows");
            progress?.Report(string.Create(CultureInfo.InvariantCulture,
                $"{platform.PlatformId}: {transactionRows[p]:N0} transaction rows, {registrationRows[p]:N0} registrations"));
        });

        GroundTruth.Write(truthPath, platforms, population);
        progress?.Report($"Ground truth: {truthPath}");
        return new GeneratorResult([.. files.SelectMany(f => f)], truthPath, transactionRows.Sum(), registrationRows.Sum(), platforms.Count);
    }

    /// <summary>A platform with nothing in a year sends no file: a header-only export declares no period and is refused by ingest.</summary>
    private static void KeepIfNotEmpty(string path, long rows, List<string> written)
    {
        if (rows > 0) written.Add(path);
        else File.Delete(path);
    }

    public static string DefaultTruthPath(string outDir) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir)) + "-ground-truth.csv";

    /// <summary>The day the exports are taken: the end of the last fiscal year, or today if that is earlier.</summary>
    private int CutoffDay(int lastFiscalYear)
    {
        // The earlier of the UTC and the local date, so no date is "in the future" for a validator in either.
        var today = Math.Min(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).DayNumber,
                             DateOnly.FromDateTime(clock.GetLocalNow().DateTime).DayNumber);
        return Math.Min(today, FiscalYear.End(lastFiscalYear).DayNumber);
    }

    /// <summary>Rows per platform and fiscal year, summing exactly to <paramref name="total"/>: each platform's share,
    /// modest year-on-year growth, and a part year where the cut-off falls inside it.</summary>
    private static long[][] LineBudgets(IReadOnlyList<PlatformProfile> platforms, int[] years, long total, int cutoffDay)
    {
        var yearWeights = years.Select((fy, i) =>
        {
            var start = FiscalYear.Start(fy).DayNumber;
            var end = FiscalYear.End(fy).DayNumber;
            var covered = (Math.Min(end, cutoffDay) - start + 1) / (double)(end - start + 1);
            return Math.Pow(1.15, i) * covered;
        }).ToArray();
        var yearSum = yearWeights.Sum();
        var cells = new List<(int Platform, int Year, double Exact)>();
        for (var p = 0; p < platforms.Count; p++)
            for (var y = 0; y < years.Length; y++)
                cells.Add((p, y, total * platforms[p].LineShare * yearWeights[y] / yearSum));

        // Largest remainder, ties broken by position, so the split is exact and deterministic.
        var budgets = platforms.Select(_ => new long[years.Length]).ToArray();
        foreach (var (p, y, exact) in cells) budgets[p][y] = (long)Math.Floor(exact);
        var shortfall = total - budgets.Sum(b => b.Sum());
        foreach (var (p, y, _) in cells.OrderByDescending(c => c.Exact - Math.Floor(c.Exact)).ThenBy(c => c.Platform).ThenBy(c => c.Year))
        {
            if (shortfall-- <= 0) break;
            budgets[p][y]++;
        }
        return budgets;
    }

    private static bool IsInside(string path, string directory)
    {
        var dir = Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar;
        return path.StartsWith(dir, StringComparison.Ordinal);
    }
}
