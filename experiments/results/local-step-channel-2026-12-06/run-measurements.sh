#!/bin/bash
# Issue 16 measurements on an idle machine (TD3 training paused meanwhile): the bench for K = 8, 16, 32 (B = 2, the
# bench default, and B = 1), the gRPC stream at K = 16 for comparison, then the 2-core DDPG config 10 min in process
# and 10 min through local servers (socket), same binary.
BIN=/work/bench-sock-run/rl.dll
OUT=/work/issue16-out
cd /work/main
/work/tools/td3-pause.sh pause
sleep 5
for k in 8 16 32; do
  for b in 2 1; do
    dotnet $BIN bench env --workers 2 --envs-per-worker $k --batches-per-server $b > $OUT/bench-k$k-b$b.txt 2>&1
  done
done
dotnet $BIN bench env --workers 2 --envs-per-worker 16 --batches-per-server 1 --local-transport grpc > $OUT/bench-k16-b1-grpc.txt 2>&1
for b in in_process local; do
  rm -rf $OUT/ddpg-$b
  dotnet $BIN train experiments/configs/ddpg-l2r-reason8-2core.yaml --run-dir $OUT/ddpg-$b \
    --set env.backend=$b --set train.max_hours=0.16667 --set evaluation.every_minutes=0 --set evaluation.at_end=false > $OUT/ddpg-$b.log 2>&1
done
/work/tools/td3-pause.sh resume
echo done > $OUT/DONE
