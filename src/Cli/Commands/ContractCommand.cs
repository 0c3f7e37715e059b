using System.CommandLine;
using MarketStats.Core.Contract;
using MarketStats.Ingest.Validation;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats contract</c>: prints the export contract members write against, as JSON or as the document's reference tables.</summary>
public static class ContractCommand
{
    public static Command Build(CliContext context)
    {
        var format = new Option<string>("--format") { Description = "json (the machine-readable definition) or markdown (the reference tables of docs/export-contract.md).", DefaultValueFactory = _ => "markdown" };
        format.AcceptOnlyFromAmong("json", "markdown");
        var version = new Option<int>("--contract-version") { Description = "With json: 1 prints the whole v1 definition, 2 the fields v2 adds to it.", DefaultValueFactory = _ => 1 };
        version.AcceptOnlyFromAmong([.. ExportContract.Versions.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        var command = new Command("contract", "Print the export contract (v1 and v2): fields, code lists, status rules and every validation rule.") { format, version };
        command.SetAction(parse =>
        {
            context.Out.Write(parse.GetValue(format) == "json" ? ExportContract.JsonOf(parse.GetValue(version)) : ContractDocument.Markdown());
            return ExitCodes.Success;
        });
        return command;
    }
}
