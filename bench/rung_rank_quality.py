#!/usr/bin/env python3
"""How well a trial's validation accuracy after 1, 3 and 9 epochs predicts it after 27 — the
question behind successive halving's rung decisions — and whether a log-linear extrapolation of
the curve so far (a + b·log t, fitted to epochs 1..r, read at 27) predicts better.

Input: a folder of SQLite files of full-budget random runs, one per task and seed, named
TASK-SEED.sqlite, e.g. for each task and seed 0-4:

  metatune tune --data ../shared/data/tasks/TASK.csv --model mlp --epochs 27 --metric accuracy \
      --seed SEED --sampler random --pruner none --trials 30 --storage sqlite:DIR/TASK-SEED.sqlite --quiet

  python3 bench/rung_rank_quality.py DIR

Per task and rung: the mean over seeds of the Spearman correlation with the final accuracy, and
of the share of the three best final trials that the top third at that rung keeps.
"""
import os
import sys
import sqlite3, glob, math, statistics
def spearman(a,b):
    def ranks(x):
        o=sorted(range(len(x)),key=lambda i:x[i]); r=[0]*len(x)
        i=0
        while i<len(o):
            j=i
            while j+1<len(o) and x[o[j+1]]==x[o[i]]: j+=1
            for k in range(i,j+1): r[o[k]]=(i+j)/2
            i=j+1
        return r
    ra,rb=ranks(a),ranks(b); ma,mb=statistics.mean(ra),statistics.mean(rb)
    num=sum((x-ma)*(y-mb) for x,y in zip(ra,rb)); den=math.sqrt(sum((x-ma)**2 for x in ra)*sum((y-mb)**2 for y in rb))
    return num/den if den else 0
def extrap(curve, r, R=27):
    # least squares a + b log(t) over epochs 1..r, predict at R
    ts=[math.log(t) for t in range(1,r+1)]; ys=curve[:r]
    if r<2: return ys[-1]
    mt,my=statistics.mean(ts),statistics.mean(ys)
    b=sum((t-mt)*(y-my) for t,y in zip(ts,ys))/sum((t-mt)**2 for t in ts)
    return my+b*(math.log(R)-mt)
res={}
for f in sorted(glob.glob(os.path.join(sys.argv[1], '*.sqlite'))):
    task=f.split('/')[-1].rsplit('-',1)[0]
    c=sqlite3.connect(f)
    curves={}
    for tid,step,v in c.execute("select trial_id, step, value from intermediate_values order by step"):
        curves.setdefault(tid,[]).append(v)
    cs=[v for v in curves.values() if len(v)==27]
    final=[v[-1] for v in cs]
    for r in (1,3,9):
        raw=[v[r-1] for v in cs]; ex=[extrap(v,r) for v in cs]
        # top-1/3 recall of the true top-3 finals
        top=set(sorted(range(len(cs)),key=lambda i:-final[i])[:3])
        def recall(score): 
            keep=set(sorted(range(len(cs)),key=lambda i:-score[i])[:len(cs)//3]); return len(top&keep)/3
        res.setdefault((task,r),[]).append((spearman(raw,final),spearman(ex,final),recall(raw),recall(ex)))
for k,v in sorted(res.items()):
    print(k, "spearman raw %.2f extrap %.2f | top3 kept raw %.2f extrap %.2f" % tuple(statistics.mean(x[i] for x in v) for i in range(4)))
