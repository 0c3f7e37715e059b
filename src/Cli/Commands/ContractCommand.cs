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
        var command = new Command("contract", "Print the export contract v1: fields, code lists, status rules and every validation rule.") { format };
        command.SetAction(parse =>
        {
            context.Out.Write(parse.GetValue(format) == "json" ? ExportContract.V1Json : ContractDocument.Markdown());
            return ExitCodes.Success;
        });
        return command;
    }
}
