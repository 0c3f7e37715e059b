using MarketStats.Core.IO;

namespace MarketStats.Cli;

/// <summary>Where things live by default: under <c>data/</c> of the checkout (found by walking up to MarketStats.sln), else of the working folder.</summary>
/// <remarks>MARKETSTATS_HOME overrides the search, for installs outside a checkout (<see cref="HomeFolder"/>).</remarks>
public static class DefaultPaths
{
    public static string Home => HomeFolder.Path;

    public static string Data => Path.Combine(Home, "data");
    public static string Database => Path.Combine(Data, "marketstats.duckdb");
    public static string Inbox => Path.Combine(Data, "inbox");
    public static string Quarantine => Path.Combine(Data, "quarantine");
    public static string Output => Path.Combine(Data, "out");
    public static string Key => Path.Combine(Data, "association.key");
}
