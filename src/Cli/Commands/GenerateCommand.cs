using System.CommandLine;
using System.Globalization;
using MarketStats.Core.Contract;
using MarketStats.Core.Domain;
using MarketStats.Core.Privacy;
using MarketStats.Synthetic;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats generate --out DIR</c>: a synthetic, deterministic market as member exports, plus its ground truth.</summary>
public static class GenerateCommand
{
    public static Command Build(CliContext context)
    {
        var outDir = new Option<string>("--out") { Description = "The inbox to write: one folder per platform id. Must be empty or absent (see --clean).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed and options give byte-identical files.", DefaultValueFactory = _ => 42 };
        var years = new Option<string>("--fiscal-years") { Description = "Fiscal years (April–March) to cover, e.g. 2023-2025 or 2024.", DefaultValueFactory = _ => "2023-2025" };
        var platforms = new Option<int>("--platforms") { Description = "Number of member platforms.", DefaultValueFactory = _ => 30 };
        var transactions = new Option<long>("--transactions") { Description = "Total transaction rows across all platforms and years (a few thousand for tests, 10,000,000 for benchmarks).", DefaultValueFactory = _ => 20_000 };
        var key = new Option<string?>("--key") { Description = "Association key file for the keyed hashes (default: a key derived from the seed, for synthetic data only)." };
        var truth = new Option<string?>("--truth") { Description = "Ground-truth CSV (default: <DIR>-ground-truth.csv, beside the inbox, never inside it)." };
        var clean = new Option<bool>("--clean") { Description = "Delete the --out folder first if it exists." };
        var contractVersion = new Option<int>("--contract-version") { Description = "Contract version of the registrations: 1, 2 with per-field encodings, or 3 with the birth date's parts too.", DefaultValueFactory = _ => 1 };
        contractVersion.AcceptOnlyFromAmong([.. ExportContract.Versions.Select(v => v.ToString(CultureInfo.InvariantCulture))]);
        var command = new Command("generate", "Write a synthetic crowdsourcing market as per-platform export files (the inbox layout ingest reads) and a separate ground-truth file.")
        {
            outDir, seed, years, platforms, transactions, key, truth, clean, contractVersion,
        };
        command.SetAction((parse, ct) =>
        {
            // Checked here, not in a command validator: there, options left at their default read as 0.
            if (parse.GetValue(platforms) is < 1 or > 999) throw new CliUsageException("--platforms must be between 1 and 999.");
            if (parse.GetValue(transactions) < 0) throw new CliUsageException("--transactions must not be negative.");
            (int first, int last) range;
            try { range = FiscalYear.ParseRange(parse.GetValue(years)!); }
            catch (FormatException e) { throw new CliUsageException(e.Message); }
            var options = new GeneratorOptions(
                parse.GetValue(outDir)!, parse.GetValue(seed), range.first, range.last, parse.GetValue(platforms), parse.GetValue(transactions),
                parse.GetValue(truth), parse.GetValue(key) is { } keyPath ? AssociationKey.Load(keyPath) : null, parse.GetValue(contractVersion));
            var result = Run(context, options, parse.GetValue(clean), ct);
            context.Result("inbox", Path.GetFullPath(options.OutDir));
            context.Result("ground_truth", result.TruthPath);
            context.Result("files", result.ExportFiles.Count);
            context.Result("transaction_rows", result.TransactionRows);
            context.Result("registration_rows", result.RegistrationRows);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    internal static GeneratorResult Run(CliContext context, GeneratorOptions options, bool clean, CancellationToken ct)
    {
        if (Directory.Exists(options.OutDir) && Directory.EnumerateFileSystemEntries(options.OutDir).Any())
        {
            if (!clean)
                throw new CliUsageException($"{options.OutDir} is not empty; files left from an earlier run would be ingested with the new ones. Use --clean to empty it first.");
            Directory.Delete(options.OutDir, recursive: true);
        }
        return new MarketGenerator(context.Clock).Generate(options, context.Progress, ct);
    }
}
