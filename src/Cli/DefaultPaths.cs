namespace MarketStats.Cli;

/// <summary>Where things live by default: under <c>data/</c> of the checkout (found by walking up to MarketStats.sln), else of the working folder.</summary>
/// <remarks>MARKETSTATS_HOME overrides the search, for installs outside a checkout.</remarks>
public static class DefaultPaths
{
    public static string Home
    {
        get
        {
            if (Environment.GetEnvironmentVariable("MARKETSTATS_HOME") is { Length: > 0 } home) return home;
            for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "MarketStats.sln"))) return dir.FullName;
            return Environment.CurrentDirectory;
        }
    }

    public static string Data => Path.Combine(Home, "data");
    public static string Database => Path.Combine(Data, "marketstats.duckdb");
    public static string Inbox => Path.Combine(Data, "inbox");
    public static string Quarantine => Path.Combine(Data, "quarantine");
    public static string Output => Path.Combine(Data, "out");
    public static string Key => Path.Combine(Data, "association.key");
}
