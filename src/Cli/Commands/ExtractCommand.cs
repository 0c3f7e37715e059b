using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MarketStats.Core.Storage;
using MarketStats.Pipeline;
using MarketStats.Reports.Disclosure;
using MarketStats.Reports.Extracts;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats extract --spec REQUEST.yaml</c>: a researcher's custom table under the extract disclosure policy.</summary>
public static class ExtractCommand
{
    public static Command Build(CliContext context)
    {
        var spec = new Option<string>("--spec")
        {
            Description = "The request (YAML, at most 64 KB): requester, purpose, measures, dimensions, filters, format (csv, xlsx or parquet). See README, \"A researcher's extract\".",
            Required = true,
        };
        var db = CommonOptions.Database();
        var outDir = new Option<string?>("--out") { Description = "Folder for the extract and its notes (default: data/out/extracts)." };
        var command = new Command("extract",
            "A custom table on request, under statistical disclosure control (at least 10 persons and 3 platforms per cell, no dominant platform, "
            + "complementary suppression audited together with the requester's earlier releases); records the release in the audit log.")
        {
            spec, db, outDir,
        };
        command.SetAction((parse, ct) =>
        {
            var code = Run(context, Path.GetFullPath(parse.GetValue(spec)!), Path.GetFullPath(parse.GetValue(db)!),
                Path.GetFullPath(parse.GetValue(outDir) ?? Path.Combine(DefaultPaths.Output, "extracts")));
            return Task.FromResult(code);
        });
        return command;
    }

    /// <summary>Reads the request, takes the database and calls the step; prints <c>key: value</c> lines.</summary>
    public static int Run(CliContext context, string specPath, string dbPath, string outDir)
    {
        var clock = Stopwatch.StartNew();
        ExtractRequest request;
        try
        {
            request = ExtractRequest.Read(specPath);
        }
        catch (ExtractRequestException e)
        {
            throw new CliUsageException($"{specPath}: {e.Message}");
        }
        if (!File.Exists(dbPath))
            throw new WarehouseUnavailableException($"No database at {dbPath}: run 'marketstats ingest' or 'marketstats demo' first.");
        using var warehouse = PipelineSteps.OpenWarehouse(dbPath);
        ExtractOutput output;
        try
        {
            output = new PipelineSteps(context.Clock, context.Progress).Extract(warehouse, request, outDir);
        }
        catch (ExtractRequestException e)
        {
            throw new CliUsageException($"{specPath}: {e.Message}");
        }
        catch (ExtractRefusedException e)
        {
            context.Error.WriteLine(e.Message);
            return ExitCodes.ProblemFound;
        }
        catch (DisclosureAuditException e)
        {
            context.Error.WriteLine("The extract cannot be released: no suppression pattern protects it together with the requester's earlier releases; nothing was written. "
                + e.Message);
            return ExitCodes.ProblemFound;
        }
        context.Result("extract_file", output.ExtractFile);
        foreach (var file in output.Files.Where(f => f != output.ExtractFile)) context.Result("notes_file", file);
        context.Result("requester", request.Requester.ReplaceLineEndings(" "));
        context.Result("rows", output.Rows);
        context.Result("cells", output.Cells);
        context.Result("suppressed_primary", output.SuppressedPrimary);
        context.Result("suppressed_complementary", output.SuppressedComplementary);
        context.Result("earlier_releases", output.EarlierReleases);
        context.Result("release_id", output.ReleaseId);
        context.Result("disclosure_seconds", output.DisclosureSeconds.ToString("F2", CultureInfo.InvariantCulture));
        context.Result("seconds", clock.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
        return ExitCodes.Success;
    }
}
