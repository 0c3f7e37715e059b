#!/usr/bin/env bash
# The README's test command: every test, on a fresh Debian machine too. The only system package the tests need is
# Debian's postgresql (its initdb and postgres binaries: the clustering tests start a throwaway server of their own);
# it is installed when missing and MARKETSTATS_TEST_POSTGRES does not name a server. Arguments go on to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

if [ -z "${MARKETSTATS_TEST_POSTGRES:-}" ] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  echo "== installing Debian's postgresql (server binaries for the tests' throwaway PostgreSQL)"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends postgresql
fi

status=0
# A test stuck for 8 minutes fails the run (and names itself) instead of holding CI until its limit.
dotnet test MarketStats.sln --blame-hang-timeout 8m --blame-hang-dump-type none "$@" || status=$?
# tests/test.runsettings has every run write this file (CI counts from it).
echo "test results (TRX): $PWD/tests/TestResults/results.trx"
exit "$status"
