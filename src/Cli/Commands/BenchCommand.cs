using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using MarketStats.Core.Contract;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Pipeline;
using MarketStats.Reports.Survey;
using MarketStats.Synthetic;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats bench</c>: ingest speed against raw DuckDB <c>read_csv</c> of the same file, measured in one run.</summary>
public static class BenchCommand
{
    private const int Repetitions = 3;

    public static Command Build(CliContext context)
    {
        var quick = new Option<bool>("--quick") { Description = "A smoke run on 100,000 transactions (seconds), instead of 1,000,000 (10,000,000 with --survey)." };
        var survey = new Option<bool>("--survey") { Description = "Benchmark the yearly survey instead: build a database (generate, ingest, link), then time 'report survey' (workbook and all charts) in its own process, against one DuckDB aggregate over stg_transactions." };
        var transactions = new Option<long?>("--transactions") { Description = "Rows in the benchmark export (overrides --quick)." };
        var work = new Option<string>("--work") { Description = "Scratch folder (default: data/bench; emptied first).", DefaultValueFactory = _ => Path.Combine(DefaultPaths.Data, "bench") };
        var linkage = new Option<bool>("--linkage") { Description = "Benchmark linkage instead: exact-only baseline vs the full linker on --registrations accounts over 30 platforms, 20% cross-registered." };
        var registrations = new Option<long?>("--registrations") { Description = "Accounts in the linkage benchmark (default 2,000,000; 100,000 with --quick)." };
        var command = new Command("bench", "Performance benchmark of MarketStats itself (a member's market benchmark is 'benchmark'): ingest with validation vs raw DuckDB read_csv of the same export (best of 3 each), with peak memory; or, with --linkage, linkage time and memory; or, with --survey, the survey's time and memory.")
        {
            quick, survey, transactions, work, linkage, registrations,
        };
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(linkage))
            {
                LinkageBenchmark.Run(context, parse.GetValue(registrations) ?? (parse.GetValue(quick) ? 100_000 : 2_000_000),
                    Path.GetFullPath(parse.GetValue(work)!), ct);
                return Task.FromResult(ExitCodes.Success);
            }
            if (parse.GetValue(survey))
            {
                RunSurvey(context, parse.GetValue(transactions) ?? (parse.GetValue(quick) ? 100_000 : 10_000_000), Path.GetFullPath(parse.GetValue(work)!), ct);
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
        var ingestPeakRss = ProcessMemory.PeakRssBytes();
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

    /// <summary>The survey's fiscal year in the benchmark market (FY2023–FY2025, generated as of a fixed day after FY2025).</summary>
    private const int SurveyYear = 2025;

    private static void RunSurvey(CliContext context, long rows, string work, CancellationToken ct)
    {
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        var inbox = Path.Combine(work, "inbox");
        var db = Path.Combine(work, "survey.duckdb");
        var timer = Stopwatch.StartNew();
        var generated = new MarketGenerator(context.Clock).Generate(
            new GeneratorOptions(inbox, Seed: 7, FirstFiscalYear: 2023, LastFiscalYear: SurveyYear, Transactions: rows), null, ct);
        var generateSeconds = timer.Elapsed.TotalSeconds;
        context.Progress?.Report($"generated {generated.TransactionRows:N0} transactions in {generateSeconds:F1} s");

        timer.Restart();
        using (var warehouse = PipelineSteps.OpenWarehouse(db))
        {
            var steps = new PipelineSteps(context.Clock, context.Progress);
            var summary = steps.Ingest(warehouse, inbox, Path.Combine(work, "quarantine"), ct);
            if (summary.AnyRejected)
                throw new InvalidOperationException("A benchmark export was rejected: " + string.Join("; ", summary.Files.Where(f => f.Kind == FileOutcomeKind.Rejected).Select(f => f.Detail)));
            steps.Link(warehouse, ct);
        }
        var buildSeconds = timer.Elapsed.TotalSeconds;
        Directory.Delete(inbox, recursive: true); // the exports are in the database now; free the disk
        context.Progress?.Report($"ingested and linked in {buildSeconds:F1} s");

        // Baseline: the cheapest honest question of the same data, one aggregate over every transaction.
        var baseline = Best(_ =>
        {
            using var warehouse = Warehouse.OpenReadOnly(db);
            var t = Stopwatch.StartNew();
            using var reader = warehouse.Query("select paid_fiscal_year, form, sum(paid_jpy), count(*) from stg_transactions group by all");
            while (reader.Read()) { }
            return t.Elapsed.TotalSeconds;
        });

        // The survey runs as the command users run, in its own process, so its peak memory is its own. The first run
        // builds the marts (cold), the second rebuilds them (--rebuild-marts, cold again: one cold figure is noisy on a
        // shared machine), the last finds them current (warm), as a re-run on an unchanged warehouse would.
        var runs = new List<(double Wall, double Reported, double PeakMb, bool Cold)>();
        for (var i = 0; i < Repetitions; i++)
        {
            var outDir = Path.Combine(work, $"survey-{i}");
            var wall = Stopwatch.StartNew();
            string[] rebuild = i == 1 ? ["--rebuild-marts"] : [];
            var lines = RunCli(["report", "survey", "--fiscal-year", SurveyYear.ToString(CultureInfo.InvariantCulture), "--db", db, "--out", outDir, .. rebuild]);
            var seconds = wall.Elapsed.TotalSeconds;
            string Text(string key) => lines.First(l => l.StartsWith(key + ": ", StringComparison.Ordinal))[(key.Length + 2)..];
            double Value(string key) => double.Parse(Text(key), CultureInfo.InvariantCulture);
            runs.Add((seconds, Value("seconds"), Value("peak_rss_mb"), Text("marts") == "rebuilt"));
            context.Progress?.Report($"survey run {i + 1} ({(runs[^1].Cold ? "cold" : "warm")}): {seconds:F1} s wall, {Value("peak_rss_mb"):F0} MB peak");
        }
        var stgRows = 0L;
        using (var warehouse = Warehouse.OpenReadOnly(db))
            stgRows = warehouse.Scalar<long>("select count(*) from stg_transactions");

        // The release side (issue 10): the survey's disclosure control (complements and the audit, against an outsider
        // and every member as an attacker), the audit alone, and every member's benchmark from that one release.
        double solveSeconds, auditSeconds, membersSeconds;
        int members, attackers;
        using (var warehouse = PipelineSteps.OpenWarehouse(db))
        {
            var data = SurveyData.Read(warehouse, SurveyYear, DateOnly.FromDateTime(context.Clock.GetLocalNow().DateTime));
            solveSeconds = data.DisclosureSeconds;
            var release = data.Release ?? throw new InvalidOperationException("The survey data carries no release.");
            attackers = release.Attackers.Count;
            var t = Stopwatch.StartNew();
            var findings = release.Audit();
            auditSeconds = t.Elapsed.TotalSeconds;
            if (findings.Count > 0) throw new InvalidOperationException($"The survey release fails its audit: {findings[0]}");
            var platforms = new List<string>();
            using (var reader = warehouse.Query("select distinct platform_id from mart_member_benchmark where fiscal_year = $1 order by 1", SurveyYear))
                while (reader.Read()) platforms.Add(reader.GetString(0));
            var steps = new PipelineSteps(context.Clock, null);
            t.Restart();
            foreach (var platform in platforms)
                steps.PublishBenchmark(warehouse, platform, SurveyYear, Path.Combine(work, "benchmarks"), "ja", data);
            membersSeconds = t.Elapsed.TotalSeconds;
            members = platforms.Count;
        }

        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"database: {stgRows:N0} transactions (FY2023-FY{SurveyYear}, {generated.Platforms} platforms), {new FileInfo(db).Length / 1e6:F0} MB"));
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"build: generate {generateSeconds:F1} s, ingest + staging + linkage {buildSeconds:F1} s"));
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"duckdb: one aggregate over stg_transactions (best of 3)",-66} {baseline,7:F2} s"));
        foreach (var (run, i) in runs.Select((r, i) => (r, i)))
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{$"report survey run {i + 1}, {(run.Cold ? "cold: marts rebuilt" : "warm: marts current")} + workbook + 8 charts",-66} {run.Wall,7:F2} s wall ({run.Reported:F2} s in-process)  peak {run.PeakMb,6:F0} MB"));
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{$"release: survey disclosure control (outsider + {attackers} members as attackers)",-66} {solveSeconds,7:F2} s"));
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{$"release: attack audit alone (outsider + {attackers} members)",-66} {auditSeconds,7:F2} s"));
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{$"release: {members} member benchmarks from the same release",-66} {membersSeconds,7:F2} s"));
        var cold = runs.Where(r => r.Cold).ToList();
        var warm = runs.Where(r => !r.Cold).ToList();
        context.Result("survey_transactions", stgRows);
        if (cold.Count > 0) context.Result("survey_cold_seconds", cold.Min(r => r.Wall).ToString("F2", CultureInfo.InvariantCulture));
        if (warm.Count > 0) context.Result("survey_warm_seconds", warm.Min(r => r.Wall).ToString("F2", CultureInfo.InvariantCulture));
        context.Result("survey_peak_rss_mb", runs.Max(r => r.PeakMb).ToString("F0", CultureInfo.InvariantCulture));
        context.Result("baseline_aggregate_seconds", baseline.ToString("F2", CultureInfo.InvariantCulture));
        context.Result("release_disclosure_seconds", solveSeconds.ToString("F2", CultureInfo.InvariantCulture));
        context.Result("release_audit_seconds", auditSeconds.ToString("F2", CultureInfo.InvariantCulture));
        context.Result("member_benchmarks", members);
        context.Result("member_benchmarks_seconds", membersSeconds.ToString("F2", CultureInfo.InvariantCulture));
        Directory.Delete(work, recursive: true);
    }

    /// <summary>Runs this same program as a child process and returns its stdout lines; throws if it fails.</summary>
    private static List<string> RunCli(IEnumerable<string> args)
    {
        // Under 'dotnet marketstats.dll' or a test host, ProcessPath is not the CLI: start the CLI's assembly with dotnet.
        var self = Environment.ProcessPath;
        var direct = self is not null && Path.GetFileNameWithoutExtension(self) == "marketstats";
        var info = new ProcessStartInfo(direct ? self! : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (!direct) info.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start marketstats");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != ExitCodes.Success)
            throw new InvalidOperationException($"'marketstats {string.Join(' ', args)}' exited {process.ExitCode}: {error.Result}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
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
        using (var warehouse = PipelineSteps.OpenWarehouse(db))
        {
            var summary = new PipelineSteps(context.Clock).Ingest(warehouse, inbox, Path.Combine(work, "quarantine"), CancellationToken.None);
            if (summary.Count(FileOutcomeKind.Loaded) != 1)
                throw new InvalidOperationException("The benchmark export did not load: " + string.Join("; ", summary.Files.Select(f => f.Detail)));
        }
        var seconds = timer.Elapsed.TotalSeconds;
        File.Delete(db);
        return seconds;
    }
}
