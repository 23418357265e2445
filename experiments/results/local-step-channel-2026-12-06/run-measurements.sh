#!/bin/bash
# Issue 16 measurements, run from the repository root on an idle machine (other work stopped meanwhile).
#   RL_DLL=<a copy of a Release build>/rl.dll  (a copy: a later build rewrites the hard-linked outputs under it)
#   OUT=<folder for outputs> (default: a fresh temp dir)
# bench: rl bench env for K = 8, 16, 32 with B = 2 and 1, and the gRPC stream at K = 16, B = 1.
# ddpg BACKENDS...: the 2-core DDPG config 10 minutes per backend, in the order given
#   (pair 1: `ddpg in_process local`; pair 2, with the one-read-frames build: `ddpg local in_process`).
set -e
RL_DLL=${RL_DLL:?set RL_DLL to rl.dll of a copied Release build}
OUT=${OUT:-$(mktemp -d)}
mode=$1; shift
if [ "$mode" = bench ]; then
  for k in 8 16 32; do
    for b in 2 1; do
      dotnet "$RL_DLL" bench env --workers 2 --envs-per-worker $k --batches-per-server $b > "$OUT/rl-bench-k$k-b$b.txt" 2>&1
    done
  done
  dotnet "$RL_DLL" bench env --workers 2 --envs-per-worker 16 --batches-per-server 1 --local-transport grpc > "$OUT/rl-bench-k16-b1-grpc.txt" 2>&1
elif [ "$mode" = ddpg ]; then
  for b in "$@"; do
    dotnet "$RL_DLL" train experiments/configs/ddpg-l2r-reason8-2core.yaml --run-dir "$OUT/ddpg-$b" \
      --set env.backend=$b --set train.max_hours=0.16667 --set evaluation.every_minutes=0 --set evaluation.at_end=false > "$OUT/ddpg-$b.log" 2>&1
  done
else
  echo "usage: $0 bench | ddpg BACKEND..." >&2; exit 2
fi
echo "outputs in $OUT"
