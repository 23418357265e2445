#!/bin/bash
# Issue 16: the 2-core DDPG config, 10 minutes in process then 10 minutes through local servers, same binary.
cd "$(dirname "$0")/../../.."
for b in in_process local; do
  ./rl train experiments/configs/ddpg-l2r-reason8-2core.yaml --run-dir runs/ddpg-transport-$b \
    --set env.backend=$b --set train.max_hours=0.16667 --set evaluation.every_minutes=0 --set evaluation.at_end=false > runs/ddpg-transport-$b.log 2>&1
done
