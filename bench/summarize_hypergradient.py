#!/usr/bin/env python3
"""Counts, per file of `metatune bench hypergradient --json` lines, the (optimizer, start) cases where the
fixed wrong rate ends more than a point below the tuned one, and in how many of those the additive (hd)
and normalised (hdn) rules end within a point.   usage: bench/summarize_hypergradient.py FILE..."""
import json,sys
for path in sys.argv[1:]:
    rows=[json.loads(l) for l in open(path)]
    tuned={ (r['data'],r['optimizer']):r['fixed_accuracy'] for r in rows if r.get('start')=='tuned'}
    hd=hdn=elig=0
    for r in rows:
        if r.get('start') in ('10x','0.1x'):
            t=tuned[(r['data'],r['optimizer'])]
            fixed_ok = r['fixed_accuracy']>=t-0.01
            a = r['hd_accuracy']>=t-0.01; b=r['hdn_accuracy']>=t-0.01
            print(f"{r['data'][:16]:16} {r['optimizer']:4} {r['start']:4} tuned {t:.3f} fixed {r['fixed_accuracy']:.3f} hd {r['hd_accuracy']:.3f} ({r['hd_final_rate']:.3g}) hdn {r['hdn_accuracy']:.3f} ({r['hdn_final_rate']:.3g}) {'FIXED-OK' if fixed_ok else ''} {'HD' if a and not fixed_ok else ''} {'HDN' if b and not fixed_ok else ''}")
            if not fixed_ok:
                elig+=1; hd+=a; hdn+=b
        elif 'overhead' in r: print(r['data'][:16], r['optimizer'], 'overhead %+.1f%%'%(100*r['overhead']))
    print(path, f"additive {hd} / normalised {hdn} of {elig} eligible (of {sum(1 for r in rows if r.get('start') in ('10x','0.1x'))})")
