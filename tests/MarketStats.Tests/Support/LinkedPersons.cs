using MarketStats.Core.Storage;

namespace MarketStats.Tests.Support;

/// <summary>Reads the linker's output for assertions.</summary>
public static class LinkedPersons
{
    /// <summary>Each account's person id, from <c>int_account_persons</c>.</summary>
    public static Dictionary<(string Platform, string Account, string Kind), long> PersonOfAccount(Warehouse warehouse)
    {
        var map = new Dictionary<(string, string, string), long>();
        using var reader = warehouse.Query("select platform_id, account_id, kind, person_id from int_account_persons");
        while (reader.Read()) map[(reader.GetString(0), reader.GetString(1), reader.GetString(2))] = reader.GetInt64(3);
        return map;
    }
}
