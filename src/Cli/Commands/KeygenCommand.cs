using System.CommandLine;
using MarketStats.Core.Privacy;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats keygen --out FILE</c>: the association's secret key that members hash and encode with.</summary>
public static class KeygenCommand
{
    public static Command Build(CliContext context)
    {
        var outFile = new Option<string>("--out") { Description = "Where to write the new key file (never overwritten).", Required = true };
        var command = new Command("keygen", "Create a new association secret key (32 random bytes) for keyed hashes and Bloom-filter encodings.") { outFile };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(outFile)!;
            var key = AssociationKey.Generate();
            key.Save(path);
            context.Result("key", Path.GetFullPath(path));
            context.Result("fingerprint", key.Fingerprint);
            context.Error.WriteLine("Keep this file secret: share it with member platforms over a secure channel, never inside an export.");
            return ExitCodes.Success;
        });
        return command;
    }
}
