-- Category mix: paid value, fees, paid lines and paid jobs by work category and form of work.
-- One row per fiscal year x category x form, plus margins: a null category or form means "all" (grouping sets).
-- Key: (fiscal_year, category, form). Only paid lines, in the fiscal year of payment.
-- sdc_* are the inputs of the disclosure rule (DisclosureControl in C#): a money cell needs enough clients and enough
-- workers (the smaller of the two counts), or its value would reveal one party's spend or income.
with lines as (
    select fiscal_year, platform_id, category as category, form as form,
           job_key, paid_jpy, fee_jpy, client_person_key, worker_person_key
    from int_survey_paid_lines
),

cells as (
    select
        fiscal_year, category, form,
        cast(sum(paid_jpy) as bigint) as paid_jpy,
        cast(sum(fee_jpy) as bigint) as fee_jpy,
        count(*) as lines_paid,
        count(distinct job_key) as jobs_paid,
        count(distinct client_person_key) as active_clients,
        count(distinct worker_person_key) as active_workers
    from lines
    group by grouping sets ((fiscal_year, category, form), (fiscal_year, category), (fiscal_year, form), (fiscal_year))
),

-- Each platform's paid value per cell, margins included: a margin's dominant platform is judged on the margin itself.
platform_values as (
    select fiscal_year, category, form, platform_id, sum(paid_jpy) as platform_paid_jpy
    from lines
    group by grouping sets ((fiscal_year, category, form, platform_id), (fiscal_year, category, platform_id),
                            (fiscal_year, form, platform_id), (fiscal_year, platform_id))
),

platform_concentration as (
    select fiscal_year, category, form,
           count(*) as paying_platforms,
           max(platform_paid_jpy) / nullif(sum(platform_paid_jpy), 0) as top_platform_paid_share
    from platform_values
    group by fiscal_year, category, form
),

final as (
    select
        cells.*,
        platform_concentration.paying_platforms,
        platform_concentration.top_platform_paid_share,
        least(cells.active_clients, cells.active_workers) as sdc_persons,
        platform_concentration.paying_platforms as sdc_platforms,
        platform_concentration.top_platform_paid_share as sdc_top_platform_share
    from cells
    join platform_concentration
        on  platform_concentration.fiscal_year = cells.fiscal_year
        and platform_concentration.category is not distinct from cells.category
        and platform_concentration.form is not distinct from cells.form
)

select * from final
order by fiscal_year, category nulls last, form nulls last
