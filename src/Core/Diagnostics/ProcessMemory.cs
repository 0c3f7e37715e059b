using System.Globalization;
using System.Runtime.InteropServices;

namespace MarketStats.Core.Diagnostics;

/// <summary>What this process has used of the machine's memory.</summary>
public static class ProcessMemory
{
    /// <summary>The process's peak resident memory (VmHWM), native DuckDB memory included; 0 where /proc is absent.</summary>
    public static long PeakRssBytes() => StatusBytes("VmHWM:");

    /// <summary>The process's resident memory now (VmRSS), native DuckDB memory included; 0 where /proc is absent.</summary>
    public static long RssBytes() => StatusBytes("VmRSS:");

    private static long StatusBytes(string field)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : StatusKilobytes(line) * 1024;
    }

    /// <summary>The value of a /proc status line such as <c>VmHWM:\t12174556 kB</c>, in kB. The kernel pads the value
    /// with spaces after the tab only up to eight digits, so past 10 GB the tab alone separates it.</summary>
    public static long StatusKilobytes(string line) =>
        long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    /// <summary>Writing 5 to /proc/self/clear_refs resets the peak resident set size (Linux 4.0 and later).</summary>
    public static void ResetPeakRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { /* not Linux, or not permitted: the peak then includes what ran before */ }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The largest peak resident memory of any child process this one has waited for (getrusage RUSAGE_CHILDREN); 0 where unavailable.</summary>
    public static long ChildrenPeakRssBytes()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        // struct rusage on 64-bit Linux: ru_utime and ru_stime (two longs each), then ru_maxrss in kilobytes.
        var usage = new long[18];
        return GetResourceUsage(ResourceUsageChildren, usage) == 0 ? usage[4] * 1024 : 0;
    }

    private const int ResourceUsageChildren = -1;

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetResourceUsage(int who, [Out] long[] usage);
}
