using System.CommandLine;

namespace MarketStats.Cli.Commands;

/// <summary>Options several commands share, defined once so their names and defaults never drift apart.</summary>
public static class CommonOptions
{
    public static Option<string> Database() => new("--db")
    {
        Description = "The DuckDB database file (default: data/marketstats.duckdb in the checkout).",
        DefaultValueFactory = _ => DefaultPaths.Database,
    };

    public static Option<string> OutputFolder(string what) => new("--out")
    {
        Description = $"Folder for {what} (default: under data/out).",
        DefaultValueFactory = _ => DefaultPaths.Output,
    };
}
