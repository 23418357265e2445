# Sourced by learner-switches.sh and profile-learner.sh: learner_tid PID prints the thread of PID with the most CPU
# time (utime + stime), which in a running trainer is the learner.
learner_tid() { for t in /proc/$1/task/*; do echo "$(awk '{print $14+$15}' "$t/stat") $(basename "$t")"; done | sort -n | tail -1 | awk '{print $2}'; }
