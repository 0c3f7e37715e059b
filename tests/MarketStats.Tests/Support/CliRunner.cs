using MarketStats.Cli;

namespace MarketStats.Tests.Support;

/// <summary>Runs the CLI in-process, capturing what it prints.</summary>
public static class CliRunner
{
    public static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await MarketStatsCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The <c>key: value</c> result lines, grouped by key (a key such as <c>chart</c> can repeat).</summary>
    public static ILookup<string, string> Results(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(": ", 2))
            .Where(p => p.Length == 2 && !p[0].Contains(' ', StringComparison.Ordinal))
            .ToLookup(p => p[0], p => p[1].TrimEnd('\r'));
}
