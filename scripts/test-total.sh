#!/usr/bin/env bash
# Prints ONE total line over the per-project summaries that `dotnet test` printed (issue 11: scripts/test.sh ended
# with six summaries, one per test project, and no total). Reads the `dotnet test` output in $1; $2 is the wall
# time in seconds. Only bash, sed and awk: CI is a bare Debian 12 machine with the .NET SDK (.ci/run).
# A summary line looks like (VSTest console logger, .NET 10 SDK):
#   Passed!  - Failed:     0, Passed:    41, Skipped:     0, Total:    41, Duration: 3 s - RL.Core.Tests.dll (net10.0)
set -euo pipefail
log="$1"
seconds="${2:-0}"
sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$log" | awk -v seconds="$seconds" '
  /^[[:space:]]*[A-Za-z]+! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+, +Total: +[0-9]+/ {
    line = $0
    sub(/^[[:space:]]*[A-Za-z]+! +- +/, "", line)
    split(line, parts, /, +/)
    for (i in parts) {
      split(parts[i], kv, /: +/)
      if (kv[1] == "Failed") failed += kv[2]
      else if (kv[1] == "Passed") passed += kv[2]
      else if (kv[1] == "Skipped") skipped += kv[2]
      else if (kv[1] == "Total") total += kv[2]
    }
    projects++
  }
  END {
    duration = sprintf("%dm %02ds", seconds / 60, seconds % 60)
    if (projects == 0) { printf "Total: no test summary found (the build or a test host failed before any project reported), %s\n", duration; exit }
    printf "Total: %s! - Failed: %d, Passed: %d, Skipped: %d, Total: %d, Duration: %s - %d test project%s\n",
      (failed > 0 ? "Failed" : "Passed"), failed, passed, skipped, total, duration, projects, (projects == 1 ? "" : "s")
  }'
