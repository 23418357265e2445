#!/bin/bash
# Keep two of the three TD3 seeds running (the one furthest ahead SIGSTOPped), re-chosen every $SLICE s, because
# three trainers on two cores made 98 updates/s together against 115 for two; stop each seed (SIGCONT + SIGTERM,
# graceful checkpoint) once its evaluation at $(cat "$TARGET_FILE") env steps is in its log.
# Usage: LOG_DIR=<folder of td3-seed{1,2,3}.log, each trainer's output> TARGET_FILE=<file holding the target env steps> td3-rotate.sh
# (the target is re-read every 10 s, so it can be changed while the trainers run).
SLICE=${SLICE:-420}; : "${LOG_DIR:?set LOG_DIR}" "${TARGET_FILE:?set TARGET_FILE}"
pid_of() { for p in $(pgrep -f "rl.dll train --resume runs/zoo-mujoco-td3-sb3-warmup/td3-hopper/seed_$1"); do [ "$(cat /proc/$p/comm 2>/dev/null)" = dotnet ] && echo $p; done; }
reached() { grep -q "evaluation at $(cat "$TARGET_FILE") env steps" "$LOG_DIR"/td3-seed$1.log; }
steps_of() { tail -n 5 "$LOG_DIR"/td3-seed$1.log | grep -o '[0-9,]* decisions ([0-9]*/s' | tail -1 | cut -d' ' -f1 | tr -d , ; }
while true; do
  alive=""
  for s in 1 2 3; do
    p=$(pid_of $s); [ -z "$p" ] && continue
    if reached $s; then
      kill -CONT $p; kill -TERM $p; echo "$(date +%T) seed $s reached $(cat "$TARGET_FILE"): stopped ($p)"
    else alive="$alive $s"; fi
  done
  [ -z "$alive" ] && { echo "$(date +%T) all stopped"; exit 0; }
  set -- $alive
  if [ $# -eq 3 ]; then
    lead=""; best=-1
    for s in $alive; do n=$(steps_of $s); [ "${n:-0}" -gt $best ] && { best=$n; lead=$s; }; done
    for s in $alive; do p=$(pid_of $s); if [ $s = $lead ]; then kill -STOP $p; else kill -CONT $p; fi; done
    echo "$(date +%T) paused seed $lead at $best; running the others"
  else
    for s in $alive; do kill -CONT $(pid_of $s); done
  fi
  for i in $(seq $((SLICE/10))); do sleep 10; for s in $alive; do reached $s && break 2; done; done
done
