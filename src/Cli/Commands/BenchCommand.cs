using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using MarketStats.Core.Contract;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Synthetic;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats bench</c>: ingest speed against raw DuckDB <c>read_csv</c> of the same file, measured in one run.</summary>
public static class BenchCommand
{
    private const int Repetitions = 3;

    public static Command Build(CliContext context)
    {
        var quick = new Option<bool>("--quick") { Description = "A smoke run on 100,000 transactions (seconds), instead of 1,000,000." };
        var transactions = new Option<long?>("--transactions") { Description = "Rows in the benchmark export (overrides --quick)." };
        var work = new Option<string>("--work") { Description = "Scratch folder (default: data/bench; emptied first).", DefaultValueFactory = _ => Path.Combine(DefaultPaths.Data, "bench") };
        var linkage = new Option<bool>("--linkage") { Description = "Benchmark linkage instead: exact-only baseline vs the full linker on --registrations accounts over 30 platforms, 20% cross-registered." };
        var registrations = new Option<long?>("--registrations") { Description = "Accounts in the linkage benchmark (default 2,000,000; 100,000 with --quick)." };
        var command = new Command("bench", "Benchmark: ingest with validation vs raw DuckDB read_csv of the same export (best of 3 each), with peak memory; or, with --linkage, linkage time and memory.")
        {
            quick, transactions, work, linkage, registrations,
        };
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(linkage))
            {
                LinkageBenchmark.Run(context, parse.GetValue(registrations) ?? (parse.GetValue(quick) ? 100_000 : 2_000_000),
                    Path.GetFullPath(parse.GetValue(work)!), ct);
                return Task.FromResult(ExitCodes.Success);
            }
            var rows = parse.GetValue(transactions) ?? (parse.GetValue(quick) ? 100_000 : 1_000_000);
            Run(context, rows, Path.GetFullPath(parse.GetValue(work)!), ct);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static void Run(CliContext context, long rows, string work, CancellationToken ct)
    {
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        var inbox = Path.Combine(work, "inbox");
        var timer = Stopwatch.StartNew();
        var generated = new MarketGenerator(context.Clock).Generate(
            new GeneratorOptions(inbox, Seed: 7, FirstFiscalYear: 2024, LastFiscalYear: 2024, Platforms: 1, Transactions: rows), null, ct);
        var generateSeconds = timer.Elapsed.TotalSeconds;
        // Only the transactions export is measured; registrations would blur the comparison.
        foreach (var file in generated.ExportFiles.Where(f => !Path.GetFileName(f).StartsWith("transactions_", StringComparison.Ordinal)))
            File.Delete(file);
        var export = generated.ExportFiles.Single(f => Path.GetFileName(f).StartsWith("transactions_", StringComparison.Ordinal));
        var sizeMb = new FileInfo(export).Length / 1e6;
        context.Progress?.Report($"generated {generated.TransactionRows:N0} rows ({sizeMb:F0} MB) in {generateSeconds:F1} s");

        var typedColumns = string.Join(", ", ExportContract.V1.ColumnsOf(RecordKind.Transactions).Select(f =>
            $"'{f.Name}': '{f.Type switch { FieldType.Date => "DATE", FieldType.Yen => "BIGINT", FieldType.Int => "INTEGER", _ => "VARCHAR" }}'"));
        // Ingest runs first so that the peak memory read after it is ingest's own (DuckDB capped as in production);
        // the raw baselines run with DuckDB's defaults. The file was just written, so every reader finds it cached.
        var ingest = Best(i => Ingest(context, work, i, inbox));
        var ingestPeakRss = PeakRssBytes();
        var results = new List<(string Name, double Seconds)>
        {
            ("duckdb read_csv (auto-detect) into a table", Best(i => RawRead(work, i, $"read_csv('{export}')"))),
            ("duckdb read_csv (typed columns) into a table", Best(i => RawRead(work, i, $"read_csv('{export}', header = true, columns = {{{typedColumns}}})"))),
            ("marketstats ingest (hash, encoding, validation, load)", ingest),
        };

        var baseline = results[0].Seconds;
        context.Out.WriteLine($"export: {generated.TransactionRows:N0} transaction rows, {sizeMb:F1} MB ({Path.GetFileName(export)})");
        context.Out.WriteLine($"generate: {generateSeconds:F2} s ({generated.TransactionRows / generateSeconds:N0} rows/s, all files)");
        foreach (var (name, seconds) in results)
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-56} {seconds,7:F2} s  {generated.TransactionRows / seconds,12:N0} rows/s  {seconds / baseline,5:F2}x baseline"));
        context.Result("ingest_vs_raw_read_csv", (results[2].Seconds / baseline).ToString("F2", CultureInfo.InvariantCulture));
        context.Result("ingest_vs_typed_read_csv", (results[2].Seconds / results[1].Seconds).ToString("F2", CultureInfo.InvariantCulture));
        context.Result("ingest_peak_rss_mb", (ingestPeakRss / 1e6).ToString("F0", CultureInfo.InvariantCulture));
        Directory.Delete(work, recursive: true);
    }

    private static double Best(Func<int, double> measure) => Enumerable.Range(0, Repetitions).Select(measure).Min();

    private static double RawRead(string work, int run, string source)
    {
        var db = Path.Combine(work, $"raw-{run}-{Guid.NewGuid():N}.duckdb");
        var timer = Stopwatch.StartNew();
        using (var connection = new DuckDBConnection($"Data Source={db}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"create table t as select * from {source}";
            command.ExecuteNonQuery();
        }
        var seconds = timer.Elapsed.TotalSeconds;
        File.Delete(db);
        return seconds;
    }

    private static double Ingest(CliContext context, string work, int run, string inbox)
    {
        var db = Path.Combine(work, $"ingest-{run}-{Guid.NewGuid():N}.duckdb");
        var timer = Stopwatch.StartNew();
        using (var warehouse = Warehouse.OpenForWrite(db))
        {
            var summary = new Ingestor(warehouse, context.Clock).IngestInbox(inbox, Path.Combine(work, "quarantine"));
            if (summary.Count(FileOutcomeKind.Loaded) != 1)
                throw new InvalidOperationException("The benchmark export did not load: " + string.Join("; ", summary.Files.Select(f => f.Detail)));
        }
        var seconds = timer.Elapsed.TotalSeconds;
        File.Delete(db);
        return seconds;
    }

    /// <summary>The process's peak resident memory (VmHWM), native DuckDB memory included.</summary>
    internal static long PeakRssBytes()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
