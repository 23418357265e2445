#!/usr/bin/env python3
# Local / in-process decisions/s of each 10-minute pair (whole run and after the first minute), their median, mean
# and a t 95 % interval of the mean:  pairs.py FOLDER [FOLDER...]  (each holding N-local/ and N-in_process/ runs)
import csv, gzip, os, statistics, sys
T975 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26, 10: 2.23, 11: 2.20, 12: 2.18}

def rates(run):
    f = run + '/progress.csv'
    rows = list(csv.DictReader(open(f) if os.path.exists(f) else gzip.open(f + '.gz', 'rt')))
    pts = [(float(r['time/wall_s']), int(r['time/env_steps'])) for r in rows]
    one = [p for p in pts if p[0] <= 60][-1]
    return pts[-1][1] / pts[-1][0], (pts[-1][1] - one[1]) / (pts[-1][0] - one[0])

def summary(name, xs):
    m, n = statistics.mean(xs), len(xs)
    half = T975[n - 1] * statistics.stdev(xs) / n ** 0.5 if n > 1 else float('nan')
    print(f'{name}: median {statistics.median(xs):.3f}, mean {m:.3f} (95 % interval {m - half:.3f}-{m + half:.3f}), range {min(xs):.3f}-{max(xs):.3f}, n = {n}')

whole, late = [], []
for folder in sys.argv[1:]:
    tags = sorted({d.split('-')[0] for d in os.listdir(folder) if d.endswith('-local') and os.path.isdir(os.path.join(folder, d))}, key=int)
    for t in tags:
        (li, li1), (ip, ip1) = rates(f'{folder}/{t}-local'), rates(f'{folder}/{t}-in_process')
        whole.append(li / ip); late.append(li1 / ip1)
        print(f'pair {t}: in process {ip:.0f}, local {li:.0f} decisions/s, ratio {li / ip:.3f} (after the first minute {li1 / ip1:.3f})')
summary('whole run', whole)
summary('after the first minute', late)
