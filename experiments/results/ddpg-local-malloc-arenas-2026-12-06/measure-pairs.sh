#!/bin/bash
# 10-minute runs of the 2-core DDPG config (no evaluation), one after the other in the order given, from the
# repository root on an idle machine:  OUT=<folder> measure-pairs.sh TAG:RL_DLL:BACKEND ...
# RL_DLL: rl.dll of a copied Release build (a later build rewrites the hard-linked outputs under a running one).
# This page: 1-local:$NEW:local 1-in_process:$NEW:in_process 1-local-old:$OLD:local 2-in_process:$NEW:in_process
#   2-local:$NEW:local 2-local-old:$OLD:local 3-local:$NEW:local 3-in_process:$NEW:in_process, then
#   4-in_process:$NEW:in_process 4-local:$NEW:local
set -u
OUT=${OUT:?set OUT}
for spec in "$@"; do
  IFS=: read -r tag dll backend <<< "$spec"
  echo "$(date -u +%H:%M:%S) start $tag load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/times.txt"
  dotnet "$dll" train experiments/configs/ddpg-l2r-reason8-2core.yaml --run-dir "$OUT/$tag" --set env.backend="$backend" \
    --set train.max_hours=0.16667 --set evaluation.every_minutes=0 --set evaluation.at_end=false > "$OUT/$tag.log" 2>&1
  echo "$(date -u +%H:%M:%S) end $tag rc $?" >> "$OUT/times.txt"
  sleep 5
done
