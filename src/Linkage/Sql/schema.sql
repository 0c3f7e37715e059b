-- Linkage output (rebuilt by each linkage run). Created here, empty, so that marts can be built before any linkage:
-- an account without a person then counts as its own person.
-- One row per registered account. Key: (platform_id, account_id, kind).
create table if not exists int_account_persons (
    platform_id  varchar not null,
    account_id   varchar not null,
    kind         varchar not null,
    person_id    bigint not null
);

-- The audit trail: one row per link the linker made, with the rule and its score.
create table if not exists int_account_links (
    kind          varchar not null,
    platform_id_a varchar not null,
    account_id_a  varchar not null,
    platform_id_b varchar not null,
    account_id_b  varchar not null,
    rule          varchar not null,
    score         double not null
);

-- Stable person ids, kept across linkage runs (never rebuilt): an account keeps the person id it was first given
-- unless its cluster merges with an older one. One row per account ever linked. Key: (platform_id, account_id, kind).
create table if not exists person_registry (
    platform_id  varchar not null,
    account_id   varchar not null,
    kind         varchar not null,
    person_id    bigint not null
);
