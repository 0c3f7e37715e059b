-- One row per registered account, numbered densely for the linker: int_link_account_fields with account_index, the
-- position in (kind, platform_id, account_id) order. The linker itself reads the fields in that order and counts the
-- rows (a window over the wide rows cost most of its load, issue 12); this view keeps the numbering queryable.
-- Key: account_index (also unique: platform_id, account_id, kind)
select row_number() over (order by kind, platform_id, account_id) - 1 as account_index, *
from int_link_account_fields
