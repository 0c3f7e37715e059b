using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;

namespace MarketStats.Ingest.Validation;

/// <summary>The validators' statements on their own connection (the one file's or the group's temporary tables).</summary>
internal static class ConnectionCommands
{
    public static void Execute(this DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static T Scalar<T>(this DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>A reader the caller disposes (the command goes with it).</summary>
    public static DbDataReader Query(this DuckDBConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteReader();
    }
}
