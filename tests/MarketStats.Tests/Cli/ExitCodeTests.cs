using MarketStats.Cli;
using MarketStats.Core.Storage;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Cli;

/// <summary>The documented exit codes: 0 success, 1 a problem found, 2 wrong usage, 3 could not run.</summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private string SmallDatabase()
    {
        var db = temp["small.duckdb"];
        using var warehouse = Warehouse.OpenForWrite(db);
        warehouse.Execute("create table answers (id integer, label varchar, day date, amount bigint); " +
                          "insert into answers values (1, '東京都, 本社', date '2024-04-01', 100), (2, null, null, 9007199254740993)");
        return db;
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("generate")]
    [InlineData("keygen")]
    [InlineData("validate")]
    [InlineData("ingest")]
    [InlineData("sql")]
    [InlineData("bench")]
    public async Task Every_command_has_help(string command)
    {
        var (code, output, _) = await CliRunner.Run(command, "--help");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("Usage:", output);
        Assert.Contains(command, output);
    }

    [Theory]
    [InlineData("ingest", "--no-such-option")]
    [InlineData("no-such-command")]
    [InlineData("generate")]                                  // --out is required
    [InlineData("sql", "select 1", "--format", "xml")]        // not one of table, csv, json
    [InlineData("generate", "--out", "x", "--fiscal-years", "2025-2023")]
    [InlineData("generate", "--out", "x", "--platforms", "0")]
    public async Task Wrong_usage_exits_2(params string[] args)
    {
        var (code, _, error) = await CliRunner.Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Generate_with_only_its_required_option_uses_the_documented_defaults()
    {
        var (code, output, error) = await CliRunner.Run("generate", "--out", temp["inbox"], "--transactions", "300");
        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal(30, Directory.GetDirectories(temp["inbox"]).Length);
        Assert.Equal("300", CliRunner.Results(output)["transaction_rows"].Single());
    }

    [Fact]
    public async Task A_missing_database_exits_3_with_one_clear_sentence()
    {
        var (code, _, error) = await CliRunner.Run("sql", "select 1", "--db", temp["absent.duckdb"]);
        Assert.Equal(ExitCodes.CouldNotRun, code);
        Assert.StartsWith($"No database at {temp["absent.duckdb"]}", error);
    }

    [Fact]
    public async Task Sql_is_read_only()
    {
        var db = SmallDatabase();
        var (code, _, error) = await CliRunner.Run("sql", "delete from answers", "--db", db);
        Assert.Equal(ExitCodes.ProblemFound, code);
        Assert.Contains("read-only", error);
        using var warehouse = Warehouse.OpenReadOnly(db);
        Assert.Equal(2, warehouse.Scalar<long>("select count(*) from answers"));
    }

    [Fact]
    public async Task Sql_prints_csv_and_json_for_scripts()
    {
        var db = SmallDatabase();
        var (_, csv, _) = await CliRunner.Run("sql", "select * from answers order by id", "--db", db, "--format", "csv");
        Assert.Equal("id,label,day,amount\n1,\"東京都, 本社\",2024-04-01,100\n2,,,9007199254740993\n", csv.Replace("\r", ""));
        var (_, json, _) = await CliRunner.Run("sql", "select * from answers order by id", "--db", db, "--format", "json");
        Assert.Equal("[{\"id\":1,\"label\":\"東京都, 本社\",\"day\":\"2024-04-01\",\"amount\":100},{\"id\":2,\"label\":null,\"day\":null,\"amount\":9007199254740993}]", json.Trim());
    }

    [Fact]
    public async Task Validate_exits_1_for_an_invalid_file_and_0_for_a_valid_one()
    {
        var good = ExportFile.Transactions().Write(temp["good.csv"]);
        var bad = ExportFile.Transactions().Set(0, "status", "finished").Write(temp["bad.csv"]);
        Assert.Equal(ExitCodes.Success, (await CliRunner.Run("validate", good)).Code);
        var (code, output, error) = await CliRunner.Run("validate", good, bad);
        Assert.Equal(ExitCodes.ProblemFound, code);
        Assert.Contains("bad.csv:2: column 'status' value 'finished' [code_list]", output);
        Assert.StartsWith("1 of 2 file(s) do not meet the export contract", error);
    }

    [Fact]
    public async Task Ingest_exits_1_when_a_file_is_quarantined_and_still_loads_the_rest()
    {
        ExportFile.Transactions().Write(Path.Combine(temp["inbox"], "P01", "good.csv"));
        ExportFile.Transactions(platform: "P02").Write(Path.Combine(temp["inbox"], "P02", "wrong-folder.csv"));
        Directory.Move(Path.Combine(temp["inbox"], "P02"), Path.Combine(temp["inbox"], "P03"));

        var (code, output, _) = await CliRunner.Run("ingest", "--inbox", temp["inbox"], "--db", temp["w.duckdb"], "--quarantine", temp["q"]);

        Assert.Equal(ExitCodes.ProblemFound, code);
        var results = CliRunner.Results(output);
        Assert.Equal(("1", "1", "4"), (results["files_loaded"].Single(), results["files_rejected"].Single(), results["rows_loaded"].Single()));
        Assert.True(File.Exists(Path.Combine(temp["q"], "P03", "wrong-folder.csv.errors.txt")));
    }

    [Fact]
    public async Task Generate_refuses_a_non_empty_folder_unless_asked_to_clean_it()
    {
        Directory.CreateDirectory(temp["inbox/P99"]);
        File.WriteAllText(temp["inbox/P99/old.csv"], "stale");
        var (code, _, error) = await CliRunner.Run("generate", "--out", temp["inbox"], "--transactions", "500", "--platforms", "3");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--clean", error);

        (code, _, _) = await CliRunner.Run("generate", "--out", temp["inbox"], "--transactions", "500", "--platforms", "3", "--clean");
        Assert.Equal(ExitCodes.Success, code);
        Assert.False(File.Exists(temp["inbox/P99/old.csv"]));
    }

    [Fact]
    public async Task Keygen_never_overwrites_a_key()
    {
        Assert.Equal(ExitCodes.Success, (await CliRunner.Run("keygen", "--out", temp["a.key"])).Code);
        var key = File.ReadAllText(temp["a.key"]);
        var (code, _, error) = await CliRunner.Run("keygen", "--out", temp["a.key"]);
        Assert.Equal(ExitCodes.CouldNotRun, code);
        Assert.Contains("refusing to overwrite", error);
        Assert.Equal(key, File.ReadAllText(temp["a.key"]));
    }
}
