-- Each member platform's own paid value in every cell of the survey's money tables (category x form, client and
-- worker prefectures, the region flow; margins included; paid value by client type, family 'client_type'): what that member knows of the published survey. The
-- survey's disclosure control protects every suppressed cell against each member knowing these (a member can
-- subtract its own part from what the survey lets it derive).
-- Internal, never published: it holds every member's figures. One row per fiscal year x platform x cell with paid
-- lines. Key: (fiscal_year, platform_id, family, row_code, column_code); a null code is "all".
select fiscal_year, platform_id, family, row_code, column_code, cast(paid_jpy as bigint) as paid_jpy
from int_survey_platform_cells
union all
select fiscal_year, platform_id, 'client_type', client_type, null, cast(sum(paid_jpy) as bigint)
from int_survey_client_type_accounts
group by all
order by fiscal_year, platform_id, family, row_code nulls last, column_code nulls last
