using System.Diagnostics;

namespace MarketStats.Tests.Support;

/// <summary>Runs the real <c>marketstats</c> program as a separate process (for crash and locking tests).</summary>
public static class CliProcess
{
    /// <summary>The CLI assembly, copied beside the tests by the project reference.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "marketstats.dll");

    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start marketstats");
    }
}
