using MarketStats.Core.Storage;

namespace MarketStats.Linkage;

/// <summary>The tables linkage owns (<c>int_account_persons</c>, <c>int_account_links</c>, <c>person_registry</c>): their schema and data tests.</summary>
public static class LinkageTables
{
    /// <summary>A person mapped twice would fan out every join to persons and double the money.</summary>
    public static readonly DataTest[] Tests =
    [
        DataTest.Unique("int_account_persons", "platform_id, account_id, kind"),
        DataTest.Unique("person_registry", "platform_id, account_id, kind"),
    ];

    /// <summary>Creates the tables, empty, when missing: marts can then be built before any linkage (an account
    /// without a person counts as its own person).</summary>
    public static void EnsureSchema(Warehouse warehouse) => warehouse.Execute(Sql("schema.sql"));

    internal static string Sql(string file) => SqlScripts.Read(typeof(LinkageTables).Assembly, file);
}
