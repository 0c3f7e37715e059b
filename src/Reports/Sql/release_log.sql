-- The release audit log: what every recipient was given, so that the next release to the same recipient is audited
-- against it (cross-release differencing; docs/disclosure.md, "Extracts"). Written by ReleaseLog.Record (Reports/
-- Disclosure/ReleaseLog.cs) only after a release's files were written and its attack audit passed; read by
-- ReleaseLog.Earlier. Rows are never updated or deleted.

-- One row per release. Key: release_id.
create table if not exists release_log (
    release_id      varchar primary key,
    kind            varchar not null check (kind in ('extract', 'benchmark', 'survey')),
    recipient       varchar not null,      -- normalised (trimmed, white space collapsed, case-folded): who may combine releases
    requester       varchar not null,      -- as written in the request
    purpose         varchar,
    request_sha256  varchar,               -- of the request file's bytes
    policy          varchar,               -- the disclosure policy's name and parameters
    created_at      timestamp not null     -- UTC
);

-- The files handed over. Key: (release_id, path).
create table if not exists release_log_files (
    release_id  varchar not null,
    path        varchar not null,
    sha256      varchar not null,
    bytes       bigint not null
);

-- Every value published (key as ReleaseCell.Key). Key: (release_id, key).
create table if not exists release_log_published (
    release_id  varchar not null,
    key         varchar not null,
    value       double not null
);

-- Every cell withheld, with its true value (the audit of later releases needs it) and why. Key: (release_id, key).
create table if not exists release_log_suppressed (
    release_id  varchar not null,
    key         varchar not null,
    value       double not null,
    reason      varchar not null          -- FewPersons, FewPlatforms, DominantPlatform, Complementary
);

-- The additivity relations of the release: total = sum of members. Key: (release_id, relation_no).
create table if not exists release_log_relations (
    release_id   varchar not null,
    relation_no  integer not null,
    total        varchar not null,
    members      varchar[] not null
);

create index if not exists release_log_recipient on release_log (recipient);
