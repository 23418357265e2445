#!/usr/bin/env bash
# Installs what is missing, builds, and runs the default (fast) test suite. Slow learning tests are in the
# NUnit category "Slow": run them with  scripts/test.sh --slow
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
filter="TestCategory!=Slow"
if [ "${1:-}" = "--slow" ]; then filter="TestCategory=Slow"; shift; fi
exec dotnet test "$root/RL.sln" -c Release --filter "$filter" --logger "console;verbosity=normal" "$@"
