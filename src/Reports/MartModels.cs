using MarketStats.Core.Storage;

namespace MarketStats.Reports;

/// <summary>The report layer's models: intermediates over staging and linkage, then the marts reports read.</summary>
public static class MartModels
{
    public static readonly SqlModel[] Models =
    [
        SqlModel.View(typeof(MartModels).Assembly, "intermediate/int_market_line_events.sql"),
        SqlModel.Table(typeof(MartModels).Assembly, "marts/mart_market_size.sql"),
        SqlModel.Table(typeof(MartModels).Assembly, "marts/mart_market_size_total.sql"),
        SqlModel.Table(typeof(MartModels).Assembly, "marts/mart_registered_persons.sql"),
    ];

    private const string MarketSizeMeasuresHold =
        "jobs_posted >= 0 and posted_jpy >= 0 and lines_contracted >= 0 and contracted_jpy >= 0"
        + " and lines_paid >= 0 and paid_jpy >= 0 and fee_jpy >= 0 and fee_jpy <= paid_jpy"
        // every active person has at least one paid line of their own in the row
        + " and active_clients <= lines_paid and active_workers <= lines_paid";

    public static readonly DataTest[] Tests =
    [
        // A person mapped twice would fan out the join and double the money.
        DataTest.Unique("int_account_persons", "platform_id, account_id, kind"),
        DataTest.Unique("person_registry", "platform_id, account_id, kind"),
        DataTest.Unique("mart_market_size", "fiscal_year, form"),
        DataTest.NotNull("mart_market_size", "fiscal_year"),
        DataTest.Holds("mart_market_size", MarketSizeMeasuresHold),
        DataTest.Unique("mart_market_size_total", "fiscal_year"),
        DataTest.NotNull("mart_market_size_total", "fiscal_year"),
        DataTest.Holds("mart_market_size_total", MarketSizeMeasuresHold),
        DataTest.Unique("mart_registered_persons", "fiscal_year, kind, slice, platform_id, prefecture"),
        DataTest.Holds("mart_registered_persons", "unique_active_persons <= unique_registered_persons and unique_registered_persons <= registered_accounts"),
        new("mart_market_size_total equals the sum of mart_market_size over forms (money and lines)",
            """
            select t.fiscal_year
            from mart_market_size_total as t
            full join (
                select fiscal_year, sum(posted_jpy) as posted_jpy, sum(lines_contracted) as lines_contracted,
                       sum(contracted_jpy) as contracted_jpy, sum(lines_paid) as lines_paid,
                       sum(paid_jpy) as paid_jpy, sum(fee_jpy) as fee_jpy,
                       max(active_clients) as max_clients, sum(active_clients) as sum_clients,
                       max(active_workers) as max_workers, sum(active_workers) as sum_workers
                from mart_market_size group by fiscal_year
            ) as f using (fiscal_year)
            where t.posted_jpy is distinct from f.posted_jpy
               or t.lines_contracted is distinct from f.lines_contracted
               or t.contracted_jpy is distinct from f.contracted_jpy
               or t.lines_paid is distinct from f.lines_paid
               or t.paid_jpy is distinct from f.paid_jpy
               or t.fee_jpy is distinct from f.fee_jpy
               or t.active_clients not between f.max_clients and f.sum_clients
               or t.active_workers not between f.max_workers and f.sum_workers
            """),
    ];
}
