using System.Reflection;
using DuckDB.NET.Data;

namespace MarketStats.Core.Storage;

/// <summary>Reads the embedded <c>.sql</c> files each layer keeps beside its code.</summary>
public static class SqlScripts
{
    public static string Core(string relativePath) => Read(typeof(SqlScripts).Assembly, relativePath);

    public static string Read(Assembly assembly, string relativePath)
    {
        var name = "sql/" + relativePath.Replace('\\', '/');
        using var stream = assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"SQL resource {name} is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Runs a script of several statements; DuckDB accepts them in one command.</summary>
    public static void ExecuteScript(DuckDBConnection connection, string script)
    {
        using var command = connection.CreateCommand();
        command.CommandText = script;
        command.ExecuteNonQuery();
    }
}
