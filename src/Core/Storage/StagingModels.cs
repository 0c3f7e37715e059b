namespace MarketStats.Core.Storage;

/// <summary>The staging layer: renames, casts and fiscal years over the landed tables; never joins.</summary>
public static class StagingModels
{
    public static readonly SqlModel[] Models =
    [
        SqlModel.View(typeof(StagingModels).Assembly, "staging/stg_transactions.sql"),
        SqlModel.View(typeof(StagingModels).Assembly, "staging/stg_registrations.sql"),
    ];

    public static readonly DataTest[] Tests =
    [
        // (platform_id, transaction_id) is not re-tested here: ingest enforces it as rows arrive (within a file by the
        // validator, across a platform's files by Ingestor.KeysLoadedElsewhere, both tested), and re-checking ten
        // million keys on every mart build cost 1.4-1.9 s of the survey's 15 s budget.
        DataTest.Unique("stg_registrations", "platform_id, account_id, kind"),
        DataTest.Holds("stg_transactions", "paid_jpy is null or contracted_jpy is null or paid_jpy <= contracted_jpy"),
    ];
}
