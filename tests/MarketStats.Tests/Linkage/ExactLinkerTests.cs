using MarketStats.Core.Storage;
using MarketStats.Linkage.Baseline;
using MarketStats.Models;
using MarketStats.Pipeline;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Linkage;

public sealed class ExactLinkerTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private static string Hash(char c) => new(c, 64);

    /// <summary>Registers accounts straight into the landing table (ingest is tested elsewhere).</summary>
    private Warehouse WithAccounts(params (string Platform, string Account, string Kind, string? Email, string? Phone)[] accounts)
    {
        var warehouse = PipelineSteps.OpenWarehouse(temp["w.duckdb"]);
        var line = 2;
        foreach (var a in accounts)
            warehouse.Execute(
                "insert into raw_registrations (file_id, source_line, platform_id, account_id, kind, client_type, prefecture, registered_on, email_hmac, phone_hmac) " +
                "values (1, $1, $2, $3, $4, $5, '13', date '2024-04-01', $6, $7)",
                line++, a.Platform, a.Account, a.Kind, a.Kind == "client" ? "corporation" : null, a.Email, a.Phone);
        Staging.Build(warehouse);
        return warehouse;
    }

    [Fact]
    public void Links_transitively_through_any_shared_hash_but_never_across_kinds()
    {
        using var w = WithAccounts(
            ("P01", "a", "worker", Hash('a'), null),
            ("P02", "b", "worker", Hash('a'), Hash('1')),   // same e-mail as P01/a
            ("P03", "c", "worker", Hash('c'), Hash('1')),   // same phone as P02/b, so the same person as P01/a
            ("P03", "d", "worker", Hash('d'), null),        // alone
            ("P04", "e", "client", Hash('a'), null));       // same e-mail, but a client: a separate organisation

        var summary = new ExactLinker(w).Link();
        var persons = LinkedPersons.PersonOfAccount(w);

        Assert.Equal(persons[("P01", "a", "worker")], persons[("P02", "b", "worker")]);
        Assert.Equal(persons[("P01", "a", "worker")], persons[("P03", "c", "worker")]);
        Assert.NotEqual(persons[("P01", "a", "worker")], persons[("P03", "d", "worker")]);
        Assert.NotEqual(persons[("P01", "a", "worker")], persons[("P04", "e", "client")]);
        Assert.Equal((5L, 3L, 2L, 1L), (summary.Accounts, summary.Persons, summary.WorkerPersons, summary.ClientPersons));
        Assert.Equal(2, summary.Links);
        Assert.Equal(["exact:email_hmac", "exact:phone_hmac"],
            w.Scalar<string>("select string_agg(rule, ',' order by rule) from int_account_links")!.Split(','));
    }

    [Fact]
    public void A_rerun_gives_the_same_person_ids()
    {
        using var w = WithAccounts(("P01", "a", "worker", Hash('a'), null), ("P02", "b", "worker", Hash('a'), null), ("P02", "c", "worker", null, null));
        new ExactLinker(w).Link();
        var first = LinkedPersons.PersonOfAccount(w);
        new ExactLinker(w).Link();
        Assert.Equal(first, LinkedPersons.PersonOfAccount(w));
        Assert.Equal(3, w.Scalar<long>("select count(*) from int_account_persons"));
    }
}
