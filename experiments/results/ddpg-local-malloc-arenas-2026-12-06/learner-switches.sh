#!/bin/bash
# Voluntary context switches per second of the learner thread (50-80 s into a 100-s run of the 2-core DDPG config):
# a learner that waits on a lock shows hundreds per second, one that computes shows ~0.
#   RL_DLL=<copied build>/rl.dll OUT=<folder> learner-switches.sh in_process|local
RL_DLL=${RL_DLL:?set RL_DLL}; OUT=${OUT:?set OUT}; B=$1
mkdir -p "$OUT"
. "$(dirname "$0")/learner-thread.sh"
dotnet "$RL_DLL" train experiments/configs/ddpg-l2r-reason8-2core.yaml --run-dir "$OUT/run-$B" --set env.backend=$B \
  --set train.max_hours=0.028 --set evaluation.every_minutes=0 --set evaluation.at_end=false > "$OUT/run-$B.log" 2>&1 &
TP=$!
sleep 50
L=$(learner_tid $TP)
v0=$(awk '/^voluntary/{print $2}' /proc/$TP/task/$L/status); n=$(ls /proc/$TP/task | wc -l)
sleep 30
v1=$(awk '/^voluntary/{print $2}' /proc/$TP/task/$L/status)
echo "$B: $n threads at 50 s; learner voluntary switches/s $(( (v1 - v0) / 30 ))"
wait $TP
