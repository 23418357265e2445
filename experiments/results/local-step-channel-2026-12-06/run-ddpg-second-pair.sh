#!/bin/bash
# Second pair of 10-minute 2-core DDPG runs (local first this time), with the one-read frames build.
BIN=/work/bench-sock2-run/rl.dll
OUT=/work/issue16-out
cd /work/main
/work/tools/td3-pause.sh pause
sleep 3
for b in local in_process; do
  rm -rf $OUT/ddpg2-$b
  dotnet $BIN train experiments/configs/ddpg-l2r-reason8-2core.yaml --run-dir $OUT/ddpg2-$b \
    --set env.backend=$b --set train.max_hours=0.16667 --set evaluation.every_minutes=0 --set evaluation.at_end=false > $OUT/ddpg2-$b.log 2>&1
done
/work/tools/td3-pause.sh resume
echo done > $OUT/DONE2
