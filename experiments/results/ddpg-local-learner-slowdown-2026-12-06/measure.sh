#!/bin/bash
# One 4-minute run of the 2-core DDPG config with per-thread CPU and context-switch snapshots at 60 s and 230 s.
# Run from the repository root on an idle machine:
#   RL_DLL=<a copy of a Release build>/rl.dll OUT=<folder> measure.sh in_process|local [pin]
# pin: after 50 s the learner (the trainer thread with the most CPU time) goes alone on CPU 0 and every other thread
# of the trainer and its env server on CPU 1 (taskset per thread id).
# Variants used on the results page: MALLOC_ARENA_MAX=64 in the environment (d-local-arena64);
# LD_PRELOAD of ftz.c built with `gcc -shared -fPIC -O2 -o libftz.so ftz.c` (c-in_process-ftz).
set -e
HERE=$(dirname "$0")
RL_DLL=${RL_DLL:?set RL_DLL}; OUT=${OUT:?set OUT}; B=$1; PIN=$2
dotnet "$RL_DLL" train experiments/configs/ddpg-l2r-reason8-2core.yaml --run-dir "$OUT/run-$B$PIN" --set env.backend=$B \
  --set train.max_hours=0.0667 --set evaluation.every_minutes=0 --set evaluation.at_end=false > "$OUT/run-$B$PIN.log" 2>&1 &
TP=$!
sleep 50
PIDS="$TP $(pgrep -P $TP || true)"
if [ -n "$PIN" ]; then
  L=$(python3 "$HERE/thread_snap.py" $TP | python3 -c "import sys,json; d=json.load(sys.stdin)['procs']; p=list(d)[0]; print(max(d[p].items(), key=lambda kv: kv[1]['ticks'])[0])")
  for p in $PIDS; do for t in $(ls /proc/$p/task); do taskset -p -c 1 $t > /dev/null; done; done
  taskset -p -c 0 $L > /dev/null
fi
sleep 10
python3 "$HERE/thread_snap.py" $PIDS > "$OUT/threads-$B$PIN.jsonl"
sleep 170
python3 "$HERE/thread_snap.py" $PIDS >> "$OUT/threads-$B$PIN.jsonl"
wait $TP
python3 "$HERE/snap_diff.py" "$OUT/threads-$B$PIN.jsonl"
python3 "$HERE/rate.py" "$OUT/run-$B$PIN"
