#!/bin/bash
# CPU share of every busy thread of the trainer and its env server (and of PID 1's threads) between 50 s and 70 s of
# a 79-s run of the 2-core DDPG config, from /proc/<pid>/task/<tid>/stat (utime + stime), from the repository root:
#   RL_DLL=<copied build>/rl.dll OUT=<folder> thread-cpu.sh in_process|local
RL_DLL=${RL_DLL:?set RL_DLL}; OUT=${OUT:?set OUT}; B=$1
mkdir -p "$OUT"
dotnet "$RL_DLL" train experiments/configs/ddpg-l2r-reason8-2core.yaml --run-dir "$OUT/c-$B" --set env.backend=$B \
  --set train.max_hours=0.022 --set evaluation.every_minutes=0 --set evaluation.at_end=false > "$OUT/c-$B.log" 2>&1 &
TP=$!
sleep 50
snap() {
  for p in 1 $(pgrep -f "rl.dll|RL.Envs.Server"); do
    for t in /proc/$p/task/*; do echo "$p/$(basename "$t") $(tr ' ' _ < "$t/comm" 2>/dev/null) $(awk '{print $14+$15}' "$t/stat" 2>/dev/null)"; done
  done
}
snap > "$OUT/a-$B"; sleep 20; snap > "$OUT/b-$B"
wait $TP
join <(sort "$OUT/a-$B") <(sort "$OUT/b-$B") | awk '{d=($5-$3)/20/100; if (d>0.005) printf "%s %s %.3f\n",$1,$2,d}' | sort -k3 -nr
