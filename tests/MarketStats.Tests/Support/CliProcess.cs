using System.Diagnostics;

namespace MarketStats.Tests.Support;

/// <summary>Runs the real <c>marketstats</c> program as a separate process (for crash and locking tests).</summary>
public static class CliProcess
{
    /// <summary>The CLI assembly, copied beside the tests by the project reference.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "marketstats.dll");

    public static Process Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts the program with extra environment variables (a connection string named by a configuration, say).</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment) info.Environment[name] = value;
        info.ArgumentList.Add(Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start marketstats");
    }

    /// <summary>Sends SIGTERM, as a service manager does to stop a process (Process.Kill sends SIGKILL).</summary>
    public static void Terminate(Process process) => Signal(process, SigTerm);

    /// <summary>Sends a signal to any child process (SIGINT: PostgreSQL's fast shutdown, say), unless it has exited.</summary>
    public static void Signal(Process process, int signal)
    {
        if (process.HasExited) return; // it stopped on its own: the caller's exit-code check says why
        if (kill(process.Id, signal) != 0 && !process.HasExited) throw new InvalidOperationException($"kill -{signal} {process.Id} failed");
    }

    public const int SigInt = 2;
    public const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
