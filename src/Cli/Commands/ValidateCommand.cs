using System.CommandLine;
using MarketStats.Ingest;
using MarketStats.Ingest.Validation;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats validate FILE...</c>: checks export files against the contract without loading anything.</summary>
public static class ValidateCommand
{
    public static Command Build(CliContext context)
    {
        var files = new Argument<string[]>("FILE") { Description = "Export files (CSV, CSV.gz, Parquet) to check.", Arity = ArgumentArity.OneOrMore };
        var platform = new Option<string?>("--platform") { Description = "Also check that platform_id equals this code (as ingest checks it against the inbox folder)." };
        var command = new Command("validate", "Check export files against the export contract (types, code lists, dates, amounts, status coherence, PII guard) without loading them.")
        {
            files, platform,
        };
        command.SetAction(parse =>
        {
            var checker = new FileChecker(context.Clock);
            var invalid = 0;
            var paths = parse.GetValue(files)!;
            foreach (var path in paths)
            {
                if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist.", path);
                var check = checker.Check(path, parse.GetValue(platform));
                context.Out.WriteLine($"{path}\t{(check.IsValid ? "valid" : "invalid")}\t{check.RecordKind ?? "-"}\t{check.Rows} rows\t{check.ErrorCount} errors");
                foreach (var error in check.Examples) context.Out.WriteLine("  " + error);
                if (!check.IsValid) invalid++;
            }
            if (invalid > 0)
                context.Error.WriteLine($"{invalid} of {paths.Length} file(s) do not meet the export contract; see the errors above.");
            return invalid > 0 ? ExitCodes.ProblemFound : ExitCodes.Success;
        });
        return command;
    }

    internal static void PrintOutcome(CliContext context, FileOutcome outcome)
    {
        context.Out.WriteLine($"{outcome.Kind.ToString().ToLowerInvariant()}\t{outcome.PlatformId}/{Path.GetFileName(outcome.Path)}\t{outcome.Rows}\t{outcome.Detail}");
        if (outcome.Check is { IsValid: false } check && outcome.Kind == FileOutcomeKind.Rejected)
            foreach (var error in check.Examples.Take(FileValidator.ExamplesPerRule)) context.Out.WriteLine("  " + error);
    }
}
