using System.Reflection;

namespace MarketStats.Core.Storage;

/// <summary>Reads the embedded <c>.sql</c> files each layer keeps beside its code.</summary>
public static class SqlScripts
{
    public static string Read(Assembly assembly, string relativePath)
    {
        var name = "sql/" + relativePath.Replace('\\', '/');
        using var stream = assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"SQL resource {name} is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
