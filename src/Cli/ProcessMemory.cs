using System.Globalization;

namespace MarketStats.Cli;

/// <summary>What this process has used of the machine's memory.</summary>
public static class ProcessMemory
{
    /// <summary>The process's peak resident memory (VmHWM), native DuckDB memory included; 0 where /proc is absent.</summary>
    public static long PeakRssBytes()
    {
        if (!File.Exists("/proc/self/status")) return 0;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Writing 5 to /proc/self/clear_refs resets the peak resident set size (Linux 4.0 and later).</summary>
    public static void ResetPeakRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { /* not Linux, or not permitted: the peak then includes what ran before */ }
        catch (UnauthorizedAccessException) { }
    }
}
