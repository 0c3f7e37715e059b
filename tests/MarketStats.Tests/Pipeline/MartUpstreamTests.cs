using MarketStats.Models;

namespace MarketStats.Tests.Pipeline;

/// <summary>
/// The linkage marts read a report marts' table (<c>int_registered_accounts</c>): a change to the report models must
/// make them stale too. (That building them alone builds the report marts first: PersonLinkerTests' registered-persons
/// mart test builds <c>Marts.Linkage</c> alone.)
/// </summary>
public sealed class MartUpstreamTests
{
    [Fact]
    public void The_linkage_fingerprint_covers_the_report_models_it_reads()
    {
        var landed = new MartFreshness.LandedInputs("transactions", "registrations and persons");
        var withoutAccounts = Marts.Reports with { Models = [.. Marts.Reports.Models.Where(m => m.Name != "int_registered_accounts")] };

        Assert.Contains(Marts.Reports, Marts.Linkage.Upstream ?? []);
        Assert.NotEqual(MartFreshness.Fingerprint(landed, Marts.Linkage),
            MartFreshness.Fingerprint(landed, Marts.Linkage with { Upstream = [withoutAccounts] }));
    }
}
