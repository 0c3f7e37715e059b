using System.CommandLine;
using MarketStats.Core.Privacy;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats anonymise</c>: what a member platform runs on its raw account file before export.</summary>
public static class AnonymiseCommand
{
    public static Command Build(CliContext context)
    {
        var input = new Option<string>("--input") { Description = "The raw account CSV (UTF-8 or CP932, any column layout).", Required = true };
        var platform = new Option<string>("--platform") { Description = "Your platform id, as registered with the association.", Required = true };
        var kind = new Option<string>("--kind") { Description = "worker or client (a mapped 'kind' column overrides it per row).", Required = true };
        kind.AcceptOnlyFromAmong("worker", "client");
        var key = new Option<string>("--key") { Description = "The association key file (from 'marketstats keygen').", Required = true };
        var map = new Option<string[]>("--map")
        {
            Description = "FIELD=COLUMN: which raw column holds a field (" + string.Join(", ", RegistrationAnonymiser.RawFields) + "). Repeat.",
            AllowMultipleArgumentsPerToken = true,
        };
        var constant = new Option<string[]>("--const") { Description = "FIELD=VALUE: one value for every row, for a field the raw file lacks (e.g. export_period=FY2024). Repeat.", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "The registrations export to write (save it as INBOX/<platform>/<name>.csv).", Required = true };
        var command = new Command("anonymise", "Turn a raw account file into the contract's registrations export: keyed hashes of e-mail, phone and corporate number, and a Bloom-filter encoding (identity_clk) of names, kana, birth date and postcode. No raw identifier is written.")
        {
            input, platform, kind, key, map, constant, output,
        };
        command.SetAction((parse, ct) =>
        {
            var request = new AnonymiseRequest(parse.GetValue(input)!, parse.GetValue(platform)!, parse.GetValue(kind)!,
                Pairs(parse.GetValue(map), "--map"), Pairs(parse.GetValue(constant), "--const"), parse.GetValue(output)!);
            var keyFile = AssociationKey.Load(parse.GetValue(key)!);
            AnonymiseSummary summary;
            try { summary = new RegistrationAnonymiser(keyFile).Run(request); }
            catch (ArgumentException e) { throw new CliUsageException(e.Message); }
            context.Result("export", Path.GetFullPath(request.OutputPath));
            context.Result("encoding", summary.Encoding);
            context.Result("export_period", summary.ExportPeriod);
            context.Result("key_fingerprint", keyFile.Fingerprint);
            context.Result("rows_read", summary.RowsRead);
            context.Result("rows_written", summary.RowsWritten);
            context.Result("values_left_out", summary.Problems.Values.Sum());
            foreach (var (problem, count) in summary.Problems)
                context.Out.WriteLine($"  {count,8}  {problem}");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Dictionary<string, string> Pairs(string[]? values, string option)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var at = value.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0) throw new CliUsageException($"{option} {value}: expected FIELD=VALUE.");
            pairs[value[..at].Trim()] = value[(at + 1)..];
        }
        return pairs;
    }
}
