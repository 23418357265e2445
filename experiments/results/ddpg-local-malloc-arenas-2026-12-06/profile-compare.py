#!/usr/bin/env python3
# CPU time per learner update by shared object or symbol, two profile-learner.sh folders side by side (ms per update
# = samples x period / updates in the 55-115 s window, from each run's progress.csv).
import re,csv,subprocess,sys
HZ=997        # profile-learner.sh's sampling rate
WINDOW=60     # seconds sampled, 55-115 s
def ups(d):
    r=list(csv.DictReader(open(d+'/run/progress.csv')))
    pts=[(float(x['time/wall_s']),int(x['time/updates'])) for x in r]
    a=[q for q in pts if q[0]<=56][-1]; b=[q for q in pts if q[0]<=56+WINDOW][-1]
    return (b[1]-a[1])/(b[0]-a[0])
def syms(d,key):
    out=subprocess.run(['perf','report','-i',d+'/perf.data','--no-children','--sort',key,'-q','-g','none','--percent-limit','0','-t','\t'],capture_output=True,text=True).stdout
    m={}
    tot=int(re.search(r'\((\d+) samples',open(d+'/perf.err').read()).group(1))
    for l in out.splitlines():
        p=[x.strip() for x in l.split('\t') if x.strip()]
        if len(p)<2: continue
        m[' '.join(p[1:])[:90]]=float(p[0].rstrip('%'))/100
    return m,tot
a,b=sys.argv[1],sys.argv[2]; key=sys.argv[3] if len(sys.argv)>3 else 'dso'
ua,ub=ups(a),ups(b)
ma,ta=syms(a,key); mb,tb=syms(b,key)
print(f'{a}: {ua:.1f} upd/s, {ta} samples; {b}: {ub:.1f} upd/s, {tb} samples; ratio {ub/ua:.3f}')
def ms(share,samples,ups): return share*samples/(ups*WINDOW)/HZ*1000   # ms of learner CPU per update
keys=sorted(set(ma)|set(mb),key=lambda k:-(ms(ma.get(k,0),ta,ua)+ms(mb.get(k,0),tb,ub)))
print('%-90s %8s %8s %6s'%('symbol','A ms/upd','B ms/upd','B/A'))
for k in keys[:int(sys.argv[4]) if len(sys.argv)>4 else 25]:
    x=ms(ma.get(k,0),ta,ua); y=ms(mb.get(k,0),tb,ub)
    print('%-90s %8.3f %8.3f %6.2f'%(k,x,y,y/x if x else 0))
print('total ms/update A %.3f B %.3f'%(ms(1,ta,ua), ms(1,tb,ub)))
