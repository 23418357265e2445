#!/usr/bin/env python3
# Per-thread CPU share, voluntary and involuntary context switches per second between the two snapshots of a file.
import json, sys
a, b = [json.loads(l) for l in open(sys.argv[1])][:2]
dt = b['t'] - a['t']
for p in b['procs']:
    for tid, s in b['procs'][p].items():
        s0 = a['procs'].get(p, {}).get(tid)
        if not s0: continue
        cpu = (s['ticks'] - s0['ticks']) / 100 / dt
        if cpu < 0.005 and s['nonvol'] - s0['nonvol'] < 100: continue
        print(f"{p:>7} {tid:>7} {s['comm']:<16} cpu {cpu:5.2f}  vol/s {(s['vol']-s0['vol'])/dt:7.1f}  nonvol/s {(s['nonvol']-s0['nonvol'])/dt:7.1f}  lastcpu {s['cpu']}")
