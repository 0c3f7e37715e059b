using MarketStats.Core.Diagnostics;

namespace MarketStats.Tests.Cli;

/// <summary>The peak-memory figures every benchmark prints come from /proc's status lines.</summary>
public sealed class ProcessMemoryTests
{
    // Below 10 GB the kernel pads the value with spaces after the tab; from 10 GB (eight digits of kB) the tab alone
    // separates it, which a split on spaces alone read as "kB" (a 10M-registration benchmark died at its end on it).
    [Theory]
    [InlineData("VmHWM:\t  716544 kB", 716_544L)]
    [InlineData("VmHWM:\t 7906064 kB", 7_906_064L)]
    [InlineData("VmHWM:\t12174556 kB", 12_174_556L)]
    public void A_status_line_gives_its_value_in_kilobytes_whatever_its_width(string line, long kilobytes) =>
        Assert.Equal(kilobytes, ProcessMemory.StatusKilobytes(line));
}
