using System.Diagnostics;
using MarketStats.Core.Diagnostics;

namespace MarketStats.Linkage;

/// <summary>One stage of a linkage run: its wall-clock time and the CPU time the whole process spent in it
/// (DuckDB's threads included), so that a profile shows what ran on one core and what on both; and the process's resident
/// memory at its end and its peak so far (VmHWM, not reset: the stage where the peak last rose is where it is).</summary>
public sealed record LinkageStage(string Name, TimeSpan Wall, TimeSpan Cpu, long RssBytes = 0, long PeakRssBytes = 0);

/// <summary>Times the linker's stages one after the other.</summary>
internal sealed class LinkageStageTimer
{
    private readonly List<LinkageStage> stages = [];
    private readonly Stopwatch wall = Stopwatch.StartNew();
    private TimeSpan cpuAtStart = PhaseTimings.ProcessCpuTime();
    private TimeSpan wallAtStart;

    public IReadOnlyList<LinkageStage> Stages => stages;

    /// <summary>Ends the running stage under <paramref name="name"/> and starts the next.</summary>
    public void End(string name)
    {
        var (cpu, now) = (PhaseTimings.ProcessCpuTime(), wall.Elapsed);
        stages.Add(new LinkageStage(name, now - wallAtStart, cpu - cpuAtStart, ProcessMemory.RssBytes(), ProcessMemory.PeakRssBytes()));
        (cpuAtStart, wallAtStart) = (cpu, now);
    }
}
