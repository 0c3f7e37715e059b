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
        DataTest.Unique("stg_transactions", "platform_id, transaction_id"),
        DataTest.Unique("stg_registrations", "platform_id, account_id, kind"),
        DataTest.Holds("stg_transactions", "paid_jpy is null or contracted_jpy is null or paid_jpy <= contracted_jpy"),
    ];
}
