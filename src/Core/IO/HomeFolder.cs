namespace MarketStats.Core.IO;

/// <summary>The root that <c>data/</c> lives under: the checkout (found by walking up to MarketStats.sln), else the working folder.</summary>
/// <remarks>MARKETSTATS_HOME overrides the search, for installs outside a checkout.</remarks>
public static class HomeFolder
{
    public static string Path
    {
        get
        {
            if (Environment.GetEnvironmentVariable("MARKETSTATS_HOME") is { Length: > 0 } home) return home;
            for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "MarketStats.sln"))) return dir.FullName;
            return Environment.CurrentDirectory;
        }
    }
}
