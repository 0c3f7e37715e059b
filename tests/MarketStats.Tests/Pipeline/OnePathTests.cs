using ClosedXML.Excel;
using MarketStats.Cli;
using MarketStats.Core.Storage;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Pipeline;

/// <summary>
/// The unattended path (the scheduler's jobs) and the commands run the same pipeline steps, so the same exports must
/// give the same marts and the same published survey, cell for cell.
/// </summary>
public sealed class OnePathTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Scheduled_jobs_and_commands_publish_identical_marts_and_survey()
    {
        var exports = temp["exports"];
        await Ok("generate", "--out", exports, "--seed", "5", "--platforms", "6", "--transactions", "8000");
        var platforms = Directory.GetDirectories(exports).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(6, platforms.Count);

        // The scheduler: each platform's exports arrive through its drop folder, then ingest, link, marts, publication.
        var sources = string.Join(",\n", platforms.Select(p => $$"""{ "platform": "{{p}}", "dropFolder": "exports/{{p}}" }"""));
        File.WriteAllText(temp["schedule.json"], $$"""{ "database": "scheduled.duckdb", "output": "published", "sources": [ {{sources}} ] }""");
        foreach (var job in platforms.Select(p => "pull-" + p).Concat(["ingest", "link", "build-marts", "publish-survey"]))
            await Ok("schedule", "trigger", job, "--config", temp["schedule.json"]);
        var scheduledSurvey = Assert.Single(Directory.GetFiles(temp["published"], "survey-FY*.xlsx", SearchOption.AllDirectories));
        var fiscalYear = Path.GetFileNameWithoutExtension(scheduledSurvey)["survey-FY".Length..];

        // The commands, on the same exports.
        var commandsDb = temp["commands.duckdb"];
        await Ok("ingest", "--inbox", exports, "--db", commandsDb, "--quarantine", temp["commands-quarantine"]);
        await Ok("link", "--db", commandsDb);
        await Ok("report", "survey", "--fiscal-year", fiscalYear, "--db", commandsDb, "--out", temp["commands-out"]);
        var commandSurvey = Path.Combine(temp["commands-out"], Path.GetFileName(scheduledSurvey));

        AssertSameTables(temp["scheduled.duckdb"], commandsDb);
        var (cells, differing) = CompareNumbers(scheduledSurvey, commandSurvey);
        Assert.True(cells > 500, $"only {cells} numeric cells: the survey did not fill its tables");
        Assert.True(differing.Count == 0, $"{differing.Count} of {cells} numeric cells differ, first: {string.Join("; ", differing.Take(5))}");
    }

    private static async Task Ok(params string[] args)
    {
        var (code, output, error) = await CliRunner.Run(args);
        Assert.True(code == ExitCodes.Success, $"'{string.Join(' ', args)}' exited {code}: {output}\n{error}");
    }

    /// <summary>Every mart and the linker's output hold the same rows (as multisets) in both databases.</summary>
    internal static void AssertSameTables(string scheduledDb, string commandsDb)
    {
        using var warehouse = Warehouse.OpenReadOnly(scheduledDb);
        warehouse.Execute($"attach {SqlText.Literal(commandsDb)} as commands (read_only)");
        var tables = new List<string>();
        using (var reader = warehouse.Query(
                   "select table_name from information_schema.tables where table_catalog = current_database() and table_schema = 'main' " +
                   "and (table_name like 'mart\\_%' escape '\\' or table_name in ('int_account_persons', 'person_registry')) order by all"))
            while (reader.Read()) tables.Add(reader.GetString(0));
        Assert.Contains("mart_survey_category", tables);
        Assert.Contains("mart_registered_persons", tables);
        foreach (var table in tables.Where(t => t != "mart_build_fingerprints"))
        {
            var rows = warehouse.Scalar<long>($"select count(*) from {table}");
            var onlyScheduled = warehouse.Scalar<long>($"select count(*) from (select * from {table} except all select * from commands.{table})");
            var onlyCommands = warehouse.Scalar<long>($"select count(*) from (select * from commands.{table} except all select * from {table})");
            Assert.True(rows > 0 && onlyScheduled == 0 && onlyCommands == 0,
                $"{table}: {rows} rows, {onlyScheduled} only in the scheduled run, {onlyCommands} only in the commands' run");
        }
    }

    /// <summary>Numeric cells of two workbooks compared by sheet and address.</summary>
    internal static (int Cells, List<string> Differing) CompareNumbers(string expectedPath, string actualPath)
    {
        using var expected = Workbooks.Open(expectedPath);
        using var actual = Workbooks.Open(actualPath);
        Assert.Equal(expected.Worksheets.Select(s => s.Name), actual.Worksheets.Select(s => s.Name));
        var (cells, differing) = (0, new List<string>());
        foreach (var sheet in expected.Worksheets)
        {
            var other = actual.Worksheet(sheet.Name);
            foreach (var cell in sheet.CellsUsed().Where(c => c.DataType == XLDataType.Number))
            {
                cells++;
                var twin = other.Cell(cell.Address.ToString());
                if (twin.DataType != XLDataType.Number || twin.GetDouble() != cell.GetDouble())
                    differing.Add($"{sheet.Name}!{cell.Address}: {cell.GetDouble()} vs {twin.GetString()}");
            }
        }
        return (cells, differing);
    }
}
