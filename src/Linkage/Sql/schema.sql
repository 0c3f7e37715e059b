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

-- The Fellegi–Sunter parameters each linkage run estimated (kept across runs, one run_id per run): per kind,
-- comparison and level, m (for two accounts of one person), u (for two different persons), the weight log2(m/u) and
-- where m and u came from; match_share_lambda is λ, the match share of the candidate pairs (the prior), em_iterations the training's.
-- Key: (run_id, kind, comparison, level).
create table if not exists link_parameters (
    run_id        bigint not null,
    run_at        timestamp not null, -- UTC
    kind          varchar not null,
    comparison    varchar not null,
    level         varchar not null,
    m             double not null,
    u             double not null,
    weight        double not null,
    m_source      varchar not null,
    u_source      varchar not null,
    match_share_lambda double not null,     -- λ: two random accounts of the kind are one person
    candidate_match_share double not null,  -- the match share of the candidate pairs (EM)
    em_iterations integer not null,
    random_pairs  bigint not null,
    candidate_pairs bigint not null
);
