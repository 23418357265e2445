#!/usr/bin/env python3
# Learner updates/s between 60 s and 230 s and decisions/s over the whole run, from each run folder's progress.csv.
import csv, gzip, os, sys
for d in sys.argv[1:]:
    f=d+'/progress.csv'
    r=list(csv.DictReader(open(f) if os.path.exists(f) else gzip.open(f+'.gz','rt')))
    pts=[(float(x['time/wall_s']),int(x['time/updates']),int(x['time/env_steps'])) for x in r]
    a=[q for q in pts if q[0]<=60][-1]; b=[q for q in pts if q[0]<=230][-1]
    print('%-34s updates/s 60-230 s: %.1f   decisions/s whole run: %.1f  (%.0f s)'%(d,(b[1]-a[1])/(b[0]-a[0]), pts[-1][2]/pts[-1][0], pts[-1][0]))
