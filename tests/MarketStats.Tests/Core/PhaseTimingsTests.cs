using System.Diagnostics;
using MarketStats.Core.Diagnostics;

namespace MarketStats.Tests.Core;

public sealed class PhaseTimingsTests
{
    [Fact]
    public void A_phase_that_computes_records_its_cpu_time_beside_its_wall_time()
    {
        var timings = new PhaseTimings();
        // Spun until the process has used 0.2 s of CPU (on a busy machine that can take far longer than 0.2 s of wall).
        var started = Environment.CpuUsage.TotalTime;
        var wall = Stopwatch.StartNew();
        using (timings.Measure("spin"))
        {
            var x = 0UL;
            while (Environment.CpuUsage.TotalTime - started < TimeSpan.FromSeconds(0.2) && wall.Elapsed < TimeSpan.FromSeconds(60))
                for (var i = 0; i < 100_000; i++) x = unchecked(x * 6364136223846793005UL + 1442695040888963407UL);
            GC.KeepAlive(x);
        }
        var (phase, seconds, count) = Assert.Single(timings.Phases);
        Assert.Equal(("spin", 1), (phase, count));
        // The scope opened just after the spin's clock was read: it holds nearly all of the 0.2 s (none if CPU were not recorded).
        Assert.True(timings.CpuSeconds("spin") >= 0.15, $"cpu {timings.CpuSeconds("spin")} in {seconds} s");
    }

    [Fact]
    public void A_phase_measured_elsewhere_or_never_has_no_cpu_time()
    {
        var timings = new PhaseTimings();
        timings.Add("solver", TimeSpan.FromSeconds(2));
        timings.Add("solver", TimeSpan.FromSeconds(1));
        var (phase, seconds, count) = Assert.Single(timings.Phases);
        Assert.Equal(("solver", 2), (phase, count));
        Assert.Equal(3.0, seconds, 3);
        Assert.Equal(0, timings.CpuSeconds("solver"));
        Assert.Equal(0, timings.CpuSeconds("never ran"));
    }
}
