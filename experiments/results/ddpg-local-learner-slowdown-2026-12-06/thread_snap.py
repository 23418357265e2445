#!/usr/bin/env python3
# Snapshot of per-thread CPU time, last CPU and context switches of the given processes: thread_snap.py PID... (one JSON line).
import os, sys, json, time
def snap(pid):
    out = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            comm = open(f'/proc/{pid}/task/{tid}/comm').read().strip()
            st = open(f'/proc/{pid}/task/{tid}/stat').read()
            f = st[st.rindex(')')+2:].split()
            ut, stt, cpu = int(f[11]), int(f[12]), int(f[36])
            sw = dict(l.split(':') for l in open(f'/proc/{pid}/task/{tid}/status') if 'ctxt' in l)
            out[tid] = dict(comm=comm, ticks=ut+stt, cpu=cpu, vol=int(sw['voluntary_ctxt_switches']), nonvol=int(sw['nonvoluntary_ctxt_switches']))
        except Exception: pass
    return out
print(json.dumps({'t': time.time(), 'procs': {p: snap(p) for p in sys.argv[1:]}}))
