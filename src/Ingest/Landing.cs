using MarketStats.Core.Storage;

namespace MarketStats.Ingest;

/// <summary>The landing tables ingest owns and writes (<c>ingest_files</c>, <c>ingest_rejections</c>, <c>raw_*</c>):
/// the only tables that hold delivered data; everything downstream is derived from them and can be rebuilt.</summary>
public static class Landing
{
    /// <summary>Creates the landing tables when missing; returns <paramref name="warehouse"/> for use in initialisers.</summary>
    public static Warehouse EnsureSchema(Warehouse warehouse)
    {
        warehouse.Execute(SqlScripts.Read(typeof(Landing).Assembly, "landing.sql"));
        return warehouse;
    }
}
