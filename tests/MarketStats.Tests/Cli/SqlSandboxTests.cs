using System.Security.Cryptography;
using MarketStats.Cli;
using MarketStats.Core.Storage;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Cli;

/// <summary>
/// <c>marketstats sql</c> is for reading the warehouse: a query must not change the database, read or write any other
/// file, reach another database or change a setting (issue 11, item 1).
/// </summary>
public sealed class SqlSandboxTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private string Db => temp["warehouse.duckdb"];

    private void SmallDatabase()
    {
        using var warehouse = Warehouse.OpenForWrite(Db);
        warehouse.Execute("create table answers (id integer, label varchar); insert into answers values (1, 'one'), (2, 'two'); " +
                          "create view answer_labels as select label from answers where id > 1");
    }

    /// <summary>Every file under the test folder with its SHA-256: what a refused query must leave as it was.</summary>
    private Dictionary<string, string> Snapshot() =>
        Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    public static TheoryData<string, string> Hostile => new()
    {
        { "overwrite the database", "COPY (select 'x') TO '{db}' (FORMAT csv)" },
        { "read another file", "select * from read_text('{secret}')" },
        { "read a system file", "select * from read_text('/etc/shadow')" },
        { "attach and write", "ATTACH '{other}' AS other (READ_WRITE); CREATE TABLE other.t AS select 1 as x" },
        { "change a setting", "SET memory_limit = '64GB'" },
        { "forge an export in the inbox", "COPY (select 'P01' as platform_id) TO '{inbox}/P01/forged.csv' (FORMAT csv, HEADER)" },
        { "read a csv", "select * from read_csv('{secret}')" },
        { "load an extension from a file", "LOAD '{secret}'" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_query_that_reaches_outside_the_database_is_refused_and_changes_nothing(string what, string template)
    {
        SmallDatabase();
        File.WriteAllText(temp["secret.txt"], "the-secret-line\n");
        Directory.CreateDirectory(temp["inbox/P01"]);
        var before = Snapshot();
        var sql = template.Replace("{db}", Db).Replace("{secret}", temp["secret.txt"]).Replace("{other}", temp["other.duckdb"]).Replace("{inbox}", temp["inbox"]);

        var (code, output, error) = await CliRunner.Run("sql", sql, "--db", Db, "--format", "csv");

        Assert.True(code == ExitCodes.ProblemFound, $"{what}: exit {code}, output {output}, error {error}");
        Assert.StartsWith("The query was refused", error);
        Assert.Single(error.Trim().Split('\n')); // one sentence, one line
        Assert.DoesNotContain("the-secret-line", output + error);
        Assert.DoesNotContain("root:", output + error);
        Assert.Equal(before, Snapshot());        // no file written, created or changed, the database included
        using var warehouse = Warehouse.OpenReadOnly(Db);
        Assert.Equal(2, warehouse.Scalar<long>("select count(*) from answers"));
    }

    [Fact]
    public async Task Selects_on_tables_and_views_still_work()
    {
        SmallDatabase();
        var (code, csv, error) = await CliRunner.Run("sql", "select a.id, v.label from answers a join answer_labels v on v.label = a.label order by 1", "--db", Db, "--format", "csv");
        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal("id,label\n2,two\n", csv.Replace("\r", ""));
        var (_, setting, _) = await CliRunner.Run("sql", "select current_setting('enable_external_access')::varchar as external, current_setting('lock_configuration')::varchar as locked", "--db", Db, "--format", "csv");
        Assert.Equal("external,locked\nfalse,true\n", setting.Replace("\r", ""));
    }
}
