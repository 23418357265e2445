#!/usr/bin/env bash
# Installs what is missing, builds, and runs the default (fast) test suite. Slow learning tests are in the
# NUnit category "Slow": run them with  scripts/test.sh --slow
# Ends with one total line over all test projects (scripts/test-total.sh); the exit code is dotnet test's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
filter="TestCategory!=Slow"
if [ "${1:-}" = "--slow" ]; then filter="TestCategory=Slow"; shift; fi
log="$(mktemp "${TMPDIR:-/tmp}/rl-test.XXXXXX")"
trap 'rm -f "$log"' EXIT
start=$SECONDS
# stdout through tee for the total; stderr untouched. pipefail is on, so PIPESTATUS[0] is dotnet test's own status.
set +e
dotnet test "$root/RL.sln" -c Release --filter "$filter" --logger "console;verbosity=normal" "$@" | tee "$log"
status=${PIPESTATUS[0]}
set -e
"$root/scripts/test-total.sh" "$log" "$((SECONDS - start))"
exit "$status"
