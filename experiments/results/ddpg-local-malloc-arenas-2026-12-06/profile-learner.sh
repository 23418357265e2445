#!/bin/bash
# perf cpu-clock samples (with call graphs) of the learner thread, 55-115 s into a 150-s run of the 2-core DDPG config.
#   RL_DLL=<copied build>/rl.dll OUT=<folder> profile-learner.sh in_process|local
# The learner is the trainer thread with the most CPU time at 55 s. Then: profile-compare.py OUT_A OUT_B dso|sym N
set -e
RL_DLL=${RL_DLL:?set RL_DLL}; OUT=${OUT:?set OUT}; B=$1
mkdir -p "$OUT"
. "$(dirname "$0")/learner-thread.sh"
DOTNET_PerfMapEnabled=1 dotnet "$RL_DLL" train experiments/configs/ddpg-l2r-reason8-2core.yaml --run-dir "$OUT/run" --set env.backend=$B \
  --set train.max_hours=0.0417 --set evaluation.every_minutes=0 --set evaluation.at_end=false > "$OUT/log" 2>&1 &
TP=$!
sleep 55
L=$(learner_tid $TP)
perf record -e cpu-clock -F 997 -g -t $L -o "$OUT/perf.data" -- sleep 60 2> "$OUT/perf.err"
wait $TP
