#!/usr/bin/env bash
# PostgreSQL for the Quartz clustering test: install from Debian, start on 127.0.0.1:5432, create a test role and
# database (password auth over local TCP), and export MARKETSTATS_TEST_POSTGRES. Idempotent: safe to run twice.
# Use it with `source .ci/postgres.sh` so that the export reaches `dotnet test`.
set -euo pipefail

pg_sudo=""; [ "$(id -u)" -ne 0 ] && pg_sudo="sudo"
if ! dpkg -s postgresql >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  $pg_sudo apt-get update -qq
  $pg_sudo apt-get install -y -qq --no-install-recommends postgresql
fi

# Debian creates cluster "main" for the installed major version; start it if it is down.
pg_version=$(pg_lsclusters --no-header | awk 'NR==1 {print $1}')
pg_cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $2}')
if ! pg_lsclusters --no-header | awk 'NR==1 {print $4}' | grep -x online >/dev/null; then
  $pg_sudo pg_ctlcluster "$pg_version" "$pg_cluster" start
fi
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432

# cd /tmp: the postgres user cannot read the caller's folder (psql would warn on every call).
as_postgres() { if [ "$(id -u)" -eq 0 ]; then (cd /tmp && su postgres -c "$1"); else (cd /tmp && sudo -u postgres bash -c "$1"); fi; }
# Debian's default pg_hba.conf already allows password (scram) logins over 127.0.0.1.
as_postgres "psql -v ON_ERROR_STOP=1 -q -tc \"select 1 from pg_roles where rolname = 'marketstats'\" | grep -q 1 \
  || psql -v ON_ERROR_STOP=1 -q -c \"create role marketstats\""
# Always (re)set: a role left from an earlier setup with another password would make every test fail to log in.
as_postgres "psql -v ON_ERROR_STOP=1 -q -c \"alter role marketstats with login password 'marketstats'\""
as_postgres "psql -v ON_ERROR_STOP=1 -q -tc \"select 1 from pg_database where datname = 'marketstats_test'\" | grep -q 1 \
  || psql -v ON_ERROR_STOP=1 -q -c \"create database marketstats_test owner marketstats\""

export MARKETSTATS_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Database=marketstats_test;Username=marketstats;Password=marketstats"
echo "PostgreSQL ready: MARKETSTATS_TEST_POSTGRES=Host=127.0.0.1;Port=5432;Database=marketstats_test;Username=marketstats"
