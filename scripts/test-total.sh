#!/usr/bin/env bash
# Prints ONE total line over the per-project summaries that `dotnet test` printed (issue 11: scripts/test.sh ended
# with one summary per test project and no total). Reads the `dotnet test` output in $1; $2 is the wall time in
# seconds. Only bash, sed and awk: CI is a bare Debian 12 machine with the .NET SDK (.ci/run).
# The VSTest console logger of the .NET 10 SDK ends each project with, at verbosity normal (scripts/test.sh):
#   Total tests: 31
#        Passed: 30
#        Failed: 1
#    Total time: 4.0582 Minutes
# and at verbosity minimal or quiet with one line:
#   Failed!  - Failed:     1, Passed:    30, Skipped:     0, Total:    31, Duration: 4 m 3 s - RL.Algorithms.Tests.dll (net10.0)
# A test's own line ("  Passed Name [1 ms]") has no colon after the outcome, so it never counts.
set -euo pipefail
log="$1"
seconds="${2:-0}"
sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$log" | awk -v seconds="$seconds" '
  function add(name, n) {
    if (name == "Failed") failed += n
    else if (name == "Passed") passed += n
    else if (name == "Skipped") skipped += n
    else if (name == "Total") total += n
  }
  /^Total tests: +[0-9]+[[:space:]]*$/ { projects++; total += $3; next }
  /^ +(Passed|Failed|Skipped): +[0-9]+[[:space:]]*$/ { name = $1; sub(/:$/, "", name); add(name, $2); next }
  /^[[:space:]]*[A-Za-z]+! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+, +Total: +[0-9]+/ {
    line = $0
    sub(/^[[:space:]]*[A-Za-z]+! +- +/, "", line)
    n = split(line, parts, /, +/)
    for (i = 1; i <= n; i++) { split(parts[i], kv, /: +/); add(kv[1], kv[2] + 0) }
    projects++
  }
  END {
    duration = sprintf("%dm %02ds", seconds / 60, seconds % 60)
    if (projects == 0) { printf "Total: no test summary found (the build or a test host failed before any project reported), %s\n", duration; exit }
    printf "Total: %s! - Failed: %d, Passed: %d, Skipped: %d, Total: %d, Duration: %s - %d test project%s\n",
      (failed > 0 ? "Failed" : "Passed"), failed, passed, skipped, total, duration, projects, (projects == 1 ? "" : "s")
  }'
