-- The warehouse's landing layer: what ingest writes. Everything downstream (staging, linkage, marts) is derived
-- from these tables and can be rebuilt; these are the only tables that hold delivered data.

create sequence if not exists ingest_file_id_seq start 1;

-- One row per accepted export file. Key: file_id; content_sha256 (the bytes) is unique and is the file's lineage; rows_sha256 decides "already loaded".
create table if not exists ingest_files (
    file_id           integer primary key,
    platform_id       varchar not null,
    record_kind       varchar not null,      -- transactions | registrations
    export_period     varchar not null,      -- FY2024 | 2024-04
    period_start      date not null,
    period_end        date not null,
    export_revision   integer not null,
    contract_version  integer not null,
    content_sha256    varchar not null unique,
    source_name       varchar not null,      -- file name as delivered
    source_format     varchar not null,      -- csv | csv.gz | parquet, with the text encoding
    row_count         bigint not null,
    loaded_at         timestamp not null,
    superseded_by     integer,               -- file_id of the corrected re-export that replaced this one
    rows_sha256       varchar                -- hash of the rows (text as UTF-8, LF ends, no BOM): the same rows in other bytes load once
);
-- Databases made before rows_sha256 existed get it empty; their files are then matched by bytes only.
alter table ingest_files add column if not exists rows_sha256 varchar;

-- A delivered file's status (device, inode, size, modified and changed times: RegularFile.StatusOf) when its bytes
-- were hashed, and their hash: a file with the same status and loaded bytes is skipped without being read again (a
-- refresh read every file of the inbox to find the one that was new).
create table if not exists ingest_file_status (
    file_status     varchar not null,
    content_sha256  varchar not null
);

-- One row per rejected delivery (the file itself is in quarantine, its report beside it).
create table if not exists ingest_rejections (
    content_sha256  varchar not null,
    source_name     varchar not null,
    platform_id     varchar,
    error_count     bigint not null,
    first_error     varchar not null,
    quarantined_to  varchar not null,
    rejected_at     timestamp not null
);

-- One row per contract line, as delivered. Key: (platform_id, transaction_id). Lineage: file_id, source_line.
create table if not exists raw_transactions (
    file_id            integer not null,
    source_line        bigint not null,
    platform_id        varchar not null,
    transaction_id     varchar not null,
    job_id             varchar not null,
    form               varchar not null,
    category           varchar not null,
    status             varchar not null,
    posted_on          date not null,
    contracted_on      date,
    paid_on            date,
    posted_jpy         bigint not null,
    contracted_jpy     bigint,
    paid_jpy           bigint,
    fee_jpy            bigint,
    client_account_id  varchar not null,
    worker_account_id  varchar,
    client_prefecture  varchar not null,
    worker_prefecture  varchar
);

-- One row per account, as delivered. Key: (platform_id, account_id, kind). Lineage: file_id, source_line.
create table if not exists raw_registrations (
    file_id                 integer not null,
    source_line             bigint not null,
    platform_id             varchar not null,
    account_id              varchar not null,
    kind                    varchar not null,
    client_type             varchar,
    prefecture              varchar not null,
    registered_on           date not null,
    last_active_on          date,
    age_band                varchar,
    gender                  varchar,
    email_hmac              varchar,
    phone_hmac              varchar,
    corporate_number_hmac   varchar,
    identity_clk            varchar,
    -- contract v2 (empty in v1 files): per-field encodings and keyed hashes of the birth date
    family_name_clk         varchar,
    given_name_clk          varchar,
    family_name_kana_clk    varchar,
    given_name_kana_clk     varchar,
    birth_date_hmac         varchar,
    birth_year_hmac         varchar,
    -- contract v3 (empty in v1 and v2 files): keyed hashes of the birth date's parts
    birth_year_month_hmac   varchar,
    birth_month_day_hmac    varchar,
    birth_date_unordered_hmac varchar
);
-- Databases made before contract v2 get its columns empty, at the end (where a new table has them too).
alter table raw_registrations add column if not exists family_name_clk varchar;
alter table raw_registrations add column if not exists given_name_clk varchar;
alter table raw_registrations add column if not exists family_name_kana_clk varchar;
alter table raw_registrations add column if not exists given_name_kana_clk varchar;
alter table raw_registrations add column if not exists birth_date_hmac varchar;
alter table raw_registrations add column if not exists birth_year_hmac varchar;
-- ... and before contract v3, its columns.
alter table raw_registrations add column if not exists birth_year_month_hmac varchar;
alter table raw_registrations add column if not exists birth_month_day_hmac varchar;
alter table raw_registrations add column if not exists birth_date_unordered_hmac varchar;
