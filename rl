#!/usr/bin/env bash
# The RL command. Installs missing system packages once, rebuilds only when sources changed, then runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$root/.build/rl"
stamp="$out/.built"

stale() {
  [ -f "$stamp" ] || return 0
  [ -n "$(find "$root/src" "$root/envs" "$root/proto" "$root/experiments/configs" "$root"/Directory.*.props "$root"/Directory.*.targets "$root/global.json" \
      \( -name bin -o -name obj \) -prune -o -type f -newer "$stamp" -print -quit 2>/dev/null)" ]
}

if stale; then
  "$root/scripts/install-deps.sh"
  mkdir -p "$out"
  (
    flock 9
    if stale; then
      echo "rl: building (sources changed)..." >&2
      if ! dotnet build "$root/src/RL.Cli/RL.Cli.csproj" -c Release -o "$out" -nologo -v quiet -clp:ErrorsOnly >"$out/build.log" 2>&1; then
        cat "$out/build.log" >&2
        echo "rl: build failed (log: $out/build.log)" >&2
        exit 1
      fi
      # The build hard-links its outputs (Directory.Build.props), so .build/rl/RL.*.dll would share inodes with
      # obj/, which the compiler rewrites in place: a later build would change the files under a running `rl`
      # (seen as an AccessViolationException mid-training). Give our own assemblies and the MuJoCo shim inodes
      # of their own; libtorch stays hard-linked to the NuGet cache, which nothing rewrites.
      for f in "$out"/RL.*.dll "$out"/rl.dll "$out"/librlmujoco.so; do
        [ -f "$f" ] && cp -p "$f" "$f.tmp.$$" && mv -f "$f.tmp.$$" "$f"
      done
      touch "$stamp"
    fi
  ) 9>"$root/.build/rl.lock"
fi
exec dotnet "$out/rl.dll" "$@"
