using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using MarketStats.Core.Diagnostics;
using MarketStats.Core.Contract;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Pipeline;
using MarketStats.Reports.Survey;
using MarketStats.Synthetic;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats bench</c>: each stage's speed and memory beside its baseline, measured in one run.</summary>
public static class BenchCommand
{
    private const int Repetitions = 3;

    public static Command Build(CliContext context)
    {
        var quick = new Option<bool>("--quick") { Description = "A smoke run (seconds): 20,000 transactions and 10,000 linkage registrations instead of 1,000,000 and 200,000; with --survey 100,000 transactions instead of 10,000,000." };
        var survey = new Option<bool>("--survey") { Description = "Benchmark the yearly survey instead: build a database (generate, ingest, link), then time 'report survey' (workbook and all charts) in its own process, against one DuckDB aggregate over stg_transactions." };
        var transactions = new Option<long?>("--transactions") { Description = "Rows in the benchmark export (overrides --quick)." };
        var work = new Option<string>("--work") { Description = "Scratch folder (default: data/bench; emptied first).", DefaultValueFactory = _ => Path.Combine(DefaultPaths.Data, "bench") };
        var linkage = new Option<bool>("--linkage") { Description = "Benchmark linkage instead: exact-only baseline vs the full linker on --registrations accounts over 30 platforms, 20% cross-registered." };
        var registrations = new Option<long?>("--registrations") { Description = "Accounts in the linkage benchmark (default 2,000,000 with --linkage, 200,000 in the stage run; 100,000 / 10,000 with --quick)." };
        var market = new Option<string>("--market") { Description = "With --linkage: 'survey-scale' (Japanese identities over 30 platforms) or 'heldout-like' (Western names with typos, about 4 records per person over 3 platforms, duplicates within a platform; try --registrations 1000) or 'heldout-pairs' (like the first held-out set: two files of one record per person, the second with typos; try --registrations 10000).", DefaultValueFactory = _ => LinkageBenchmark.SurveyScale };
        market.AcceptOnlyFromAmong(LinkageBenchmark.SurveyScale, LinkageBenchmark.HeldOutLike, LinkageBenchmark.HeldOutPairs);
        var cleartext = new Option<bool>("--cleartext") { Description = "With --linkage on a held-out-like market: an experiment, the name fields compared by bigram Dice of the generator's cleartext names instead of their encodings, under the same rules (what the encoding costs)." };
        var ingestOnly = new Option<bool>("--ingest-only") { Description = "Stop after the ingest stage and its baselines (a profile of ingest: its trace_* lines)." };
        var peer = new Option<string?>("--peer") { Description = "The pandas peer script (default: ../shared/peers/pandas_survey.py beside the checkout); skipped when absent or when python3 lacks pandas, matplotlib or openpyxl." };
        var incremental = new Option<bool>("--incremental") { Description = "Benchmark the refresh instead: the cold build (ingest, link, marts, survey) of a market whose largest platform sends monthly exports, its newest month held back, then the refresh after that month lands, in one run (1,000,000 transactions; 20,000 with --quick)." };
        var scale = new Option<string?>("--scale") { Description = "The scale curve: the --incremental stages at each of these sizes (comma-separated transactions, e.g. 1000000,10000000), each stage's time and peak memory, then a table." };
        var keepCold = new Option<string?>("--keep-cold") { Description = "With --incremental or --scale: copy each size's cold database and its held-back month into this folder (a subfolder per size with --scale), for --refresh-from." };
        var refreshFrom = new Option<string?>("--refresh-from") { Description = "Time the refresh alone, on a copy (in --work) of a cold database kept by --keep-cold: the held-back month lands and the refresh's parts and slowest steps are printed." };
        var command = new Command("bench", "Performance benchmark of MarketStats itself (a member's market benchmark is 'benchmark'): on a generated 30-platform inbox, every stage beside its baseline from the same run, with peak memory: ingest vs DuckDB reading the same transaction files, exports → published survey vs the pandas peer, linkage vs exact-only; or, with --linkage, linkage alone; or, with --survey, the survey's time and memory.")
        {
            quick, survey, transactions, work, linkage, registrations, peer, market, ingestOnly, incremental, scale, cleartext, keepCold, refreshFrom,
        };
        command.SetAction((parse, ct) =>
        {
            var kept = parse.GetValue(keepCold) is { } keepFolder ? Path.GetFullPath(keepFolder) : null;
            if (parse.GetValue(refreshFrom) is { } from)
            {
                IncrementalBenchmark.RunRefresh(context, Path.GetFullPath(from), Path.GetFullPath(parse.GetValue(work)!), ct);
                return Task.FromResult(ExitCodes.Success);
            }
            if (parse.GetValue(scale) is { } sizes)
            {
                IncrementalBenchmark.RunCurve(context, [.. sizes.Split(',').Select(s => long.Parse(s.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture))],
                    Path.GetFullPath(parse.GetValue(work)!), kept, ct);
                return Task.FromResult(ExitCodes.Success);
            }
            if (parse.GetValue(incremental))
            {
                IncrementalBenchmark.Run(context, parse.GetValue(transactions) ?? (parse.GetValue(quick) ? 20_000 : 1_000_000), Path.GetFullPath(parse.GetValue(work)!), kept, ct);
                return Task.FromResult(ExitCodes.Success);
            }
            if (parse.GetValue(linkage))
            {
                LinkageBenchmark.Run(context, parse.GetValue(registrations) ?? (parse.GetValue(quick) ? 100_000 : 2_000_000),
                    Path.GetFullPath(parse.GetValue(work)!), ct, parse.GetValue(market)!, parse.GetValue(cleartext));
                return Task.FromResult(ExitCodes.Success);
            }
            if (parse.GetValue(survey))
            {
                RunSurvey(context, parse.GetValue(transactions) ?? (parse.GetValue(quick) ? 100_000 : 10_000_000), Path.GetFullPath(parse.GetValue(work)!), ct);
                return Task.FromResult(ExitCodes.Success);
            }
            var rows = parse.GetValue(transactions) ?? (parse.GetValue(quick) ? 20_000 : 1_000_000);
            RunStages(context, rows, parse.GetValue(registrations) ?? (parse.GetValue(quick) ? 10_000 : 200_000),
                Path.GetFullPath(parse.GetValue(work)!), parse.GetValue(peer), parse.GetValue(ingestOnly), ct);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>
    /// Every stage of the path from a real inbox to the published survey, each beside its baseline from the same run
    /// (the machine may be busy: only a ratio within one run means anything): ingest against DuckDB reading the same
    /// transaction files into a table; exports → survey (ingest + link + report survey) against the pandas peer; and
    /// the production linker against the exact-only baseline (<see cref="LinkageBenchmark"/>).
    /// </summary>
    private static void RunStages(CliContext context, long rows, long registrations, string work, string? peerOption, bool ingestOnly, CancellationToken ct)
    {
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        var inbox = Path.Combine(work, "inbox");
        var db = Path.Combine(work, "bench.duckdb");
        var timer = Stopwatch.StartNew();
        var generated = new MarketGenerator(context.Clock).Generate(
            new GeneratorOptions(inbox, Seed: 7, FirstFiscalYear: 2023, LastFiscalYear: SurveyYear, Transactions: rows), null, ct);
        var generateSeconds = timer.Elapsed.TotalSeconds;
        var transactionFiles = generated.ExportFiles.Where(f => Path.GetFileName(f).StartsWith("transactions_", StringComparison.Ordinal)).ToList();
        context.Result("inbox", string.Create(CultureInfo.InvariantCulture,
            $"{generated.ExportFiles.Count} files ({transactionFiles.Count} transactions, {generated.Platforms} platforms, FY2023-FY{SurveyYear}; gzip and CP932 among them), {generated.ExportFiles.Sum(f => new FileInfo(f).Length) / 1e6:F0} MB"));
        context.Result("transactions", generated.TransactionRows);
        context.Result("registrations", generated.RegistrationRows);
        context.Result("generate_seconds", F(generateSeconds));

        // Ingest: the baseline reads the transaction files first, so both find them in the page cache.
        var rawSource = $"read_csv([{string.Join(", ", transactionFiles.Select(SqlText.Literal))}])";
        var rawCpu = CpuSeconds();
        var (rawSeconds, rawPeak) = Stage(() => RawRead(work, 0, rawSource));
        rawCpu = CpuSeconds() - rawCpu;
        // The same files each in a statement of its own: what a reader that takes one file at a time pays.
        var (rawPerFileSeconds, _) = Stage(() => RawRead(work, 1, [.. transactionFiles.Select(f => $"read_csv({SqlText.Literal(f)})")]));
        var timings = new IngestTimings();
        var steps = new PipelineSteps(context.Clock, context.Progress);
        double ingestSeconds, linkSeconds, ingestPeak, linkPeak, ingestCpu;
        using (var warehouse = PipelineSteps.OpenWarehouse(db))
        {
            ingestCpu = CpuSeconds();
            (ingestSeconds, ingestPeak) = Stage(() =>
            {
                var summary = steps.Ingest(warehouse, inbox, Path.Combine(work, "quarantine"), ct, timings);
                if (summary.AnyProblem || summary.Count(FileOutcomeKind.Loaded) != generated.ExportFiles.Count)
                    throw new InvalidOperationException("A benchmark export did not load: " + string.Join("; ", summary.Files.Where(f => f.Kind != FileOutcomeKind.Loaded).Select(f => f.Detail)));
            });
            ingestCpu = CpuSeconds() - ingestCpu;
            (linkSeconds, linkPeak) = ingestOnly ? (0, 0) : Stage(() => steps.Link(warehouse, ct));
        }
        context.Result("ingest_seconds", F(ingestSeconds));
        context.Result("ingest_peak_rss_mb", F(ingestPeak / 1e6, "F0"));
        context.Result("ingest_cpu_seconds", F(ingestCpu));
        context.Result("ingest_baseline", $"duckdb read_csv of the {transactionFiles.Count} transaction files into one table (auto-detected types)");
        context.Result("ingest_baseline_seconds", F(rawSeconds));
        context.Result("ingest_baseline_peak_rss_mb", F(rawPeak / 1e6, "F0"));
        context.Result("ingest_baseline_cpu_seconds", F(rawCpu));
        context.Result("ingest_vs_baseline", F(ingestSeconds / rawSeconds));
        context.Result("ingest_baseline_per_file_seconds", F(rawPerFileSeconds));
        context.Result("ingest_vs_baseline_per_file", F(ingestSeconds / rawPerFileSeconds));
        IngestCommand.PrintTimings(context, timings);
        if (ingestOnly)
        {
            Directory.Delete(work, recursive: true);
            return;
        }

        // Exports → published survey. The peer runs first, so the children's peak memory read after it is its own.
        var peer = RunPeer(peerOption, inbox, Path.Combine(work, "peer"));
        var surveyWall = Stopwatch.StartNew();
        var lines = RunCli(["report", "survey", "--fiscal-year", SurveyYear.ToString(CultureInfo.InvariantCulture), "--db", db, "--out", Path.Combine(work, "survey")]);
        var surveySeconds = surveyWall.Elapsed.TotalSeconds;
        var surveyPeak = lines.First(l => l.StartsWith("peak_rss_mb: ", StringComparison.Ordinal))["peak_rss_mb: ".Length..];
        var total = ingestSeconds + linkSeconds + surveySeconds;
        context.Result("link_seconds_in_pipeline", F(linkSeconds));
        context.Result("link_peak_rss_mb_in_pipeline", F(linkPeak / 1e6, "F0"));
        context.Result("survey_seconds", F(surveySeconds));
        context.Result("survey_peak_rss_mb", surveyPeak);
        context.Result("exports_to_survey_seconds", F(total));
        context.Result("exports_to_survey_peak_rss_mb", F(Math.Max(Math.Max(ingestPeak, linkPeak) / 1e6, double.Parse(surveyPeak, CultureInfo.InvariantCulture)), "F0"));
        if (peer.Skipped is { } why)
            context.Result("peer", "skipped: " + why);
        else
        {
            context.Result("peer", "pandas_survey.py (pandas + openpyxl + matplotlib; no validation, linkage or disclosure control)");
            context.Result("peer_seconds", F(peer.Seconds));
            context.Result("peer_peak_rss_mb", F(peer.PeakBytes / 1e6, "F0"));
            context.Result("exports_to_survey_vs_peer", F(total / peer.Seconds));
        }
        Directory.Delete(inbox, recursive: true); // loaded; free the disk before the linkage stage writes its own

        // Linkage: the production linker against exact keyed hashes only, on its own market of registrations.
        LinkageBenchmark.Run(context, registrations, Path.Combine(work, "linkage"), ct);
        Directory.Delete(work, recursive: true);
    }

    /// <summary>This process's CPU seconds so far (DuckDB's threads included): on a shared machine the steadier figure.</summary>
    private static double CpuSeconds() => PhaseTimings.ProcessCpuTime().TotalSeconds;

    /// <summary>Runs one stage in this process: its wall seconds and its own peak resident memory.</summary>
    internal static (double Seconds, double PeakBytes) Stage(Action stage) => Stage(() => { stage(); return -1; });

    private static (double Seconds, double PeakBytes) Stage(Func<double> stage)
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true); // the previous stage's garbage is not this one's
        ProcessMemory.ResetPeakRss();
        var timer = Stopwatch.StartNew();
        var reported = stage();
        var seconds = reported >= 0 ? reported : timer.Elapsed.TotalSeconds;
        return (seconds, ProcessMemory.PeakRssBytes());
    }

    private sealed record PeerRun(double Seconds, long PeakBytes, string? Skipped);

    /// <summary>The pandas peer (<c>../shared/peers/pandas_survey.py</c>) on the same inbox, or why it was skipped.</summary>
    private static PeerRun RunPeer(string? peerOption, string inbox, string outDir)
    {
        var script = peerOption ?? new[] { Path.Combine(DefaultPaths.Home, "..", "shared", "peers", "pandas_survey.py"), Path.Combine(DefaultPaths.Home, "shared", "peers", "pandas_survey.py") }
            .Select(Path.GetFullPath).FirstOrDefault(File.Exists);
        if (script is null || !File.Exists(script))
            return new(0, 0, "peer script not found (../shared/peers/pandas_survey.py; --peer FILE names it)");
        // The first python3 on PATH may be another install (pyenv) than Debian's, which the peer's packages come with.
        var python = new[] { "python3", "/usr/bin/python3" }.FirstOrDefault(p => Python(p, ["-c", "import pandas, matplotlib, openpyxl"]) is (0, _));
        if (python is null)
            return new(0, 0, "python3 pandas not found (Debian: python3-pandas python3-matplotlib python3-openpyxl)");
        var timer = Stopwatch.StartNew();
        var (code, error) = Python(python, [script, inbox, SurveyYear.ToString(CultureInfo.InvariantCulture), outDir]);
        var seconds = timer.Elapsed.TotalSeconds;
        if (code != 0) throw new InvalidOperationException($"The pandas peer exited {code}: {error}");
        return new(seconds, ProcessMemory.ChildrenPeakRssBytes(), null);
    }

    /// <summary>Runs a Python and returns its exit code and stderr; exit code -1 when it cannot be started.</summary>
    private static (int Code, string Error) Python(string python, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(info);
            if (process is null) return (-1, "python3 did not start");
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }

    private static string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);

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
                $"{$"report survey run {i + 1}, {(run.Cold ? "cold: marts rebuilt" : "warm: marts current")} + workbook + charts",-66} {run.Wall,7:F2} s wall ({run.Reported:F2} s in-process)  peak {run.PeakMb,6:F0} MB"));
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

    private static double RawRead(string work, int run, string source) => RawRead(work, run, [source]);

    /// <summary>A fresh DuckDB file and one table per source, each created in its own statement; the seconds of it all.</summary>
    private static double RawRead(string work, int run, IReadOnlyList<string> sources)
    {
        var db = Path.Combine(work, $"raw-{run}-{Guid.NewGuid():N}.duckdb");
        var timer = Stopwatch.StartNew();
        using (var connection = new DuckDBConnection($"Data Source={db}"))
        {
            connection.Open();
            for (var i = 0; i < sources.Count; i++)
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"create table t{i} as select * from {sources[i]}";
                command.ExecuteNonQuery();
            }
        }
        var seconds = timer.Elapsed.TotalSeconds;
        File.Delete(db);
        return seconds;
    }
}
