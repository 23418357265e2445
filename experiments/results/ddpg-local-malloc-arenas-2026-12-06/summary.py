#!/usr/bin/env python3
# One line per 10-minute run: decisions/s over the whole run and after the first minute, learner updates/s, episodes,
# decisions per episode, and the learner's updates/s minute by minute.
import csv, gzip, os, sys
for d in sys.argv[1:]:
    f = d + '/progress.csv'
    r = list(csv.DictReader(open(f) if os.path.exists(f) else gzip.open(f + '.gz', 'rt')))
    pts = [(float(x['time/wall_s']), int(x['time/updates']), int(x['time/env_steps']), int(x['time/episodes'])) for x in r]
    end = pts[-1]
    one = [q for q in pts if q[0] <= 60][-1]
    mins = []
    for m in range(1, 11):
        a = ([q for q in pts if q[0] <= 60 * (m - 1)] or [(0, 0, 0, 0)])[-1]; b = [q for q in pts if q[0] <= 60 * m][-1]
        mins.append((b[1] - a[1]) / (b[0] - a[0]) if b[0] > a[0] else 0)
    print('%-28s dec/s %6.0f  after 1st min %6.0f  upd/s %5.1f  episodes %6d  dec/ep %5.1f  per-minute upd/s %s' % (
        os.path.basename(d.rstrip('/')), end[2] / end[0], (end[2] - one[2]) / (end[0] - one[0]), end[1] / end[0], end[3],
        end[2] / end[3], ' '.join('%.0f' % x for x in mins)))
