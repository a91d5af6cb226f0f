#!/usr/bin/python3
"""Independent numpy implementation of the MIT saliency benchmark metrics (cvzoya/saliency
code_forMetrics, written from the MATLAB, not from our C++) for the cross-check test.

usage: metrics_reference.py PRED.npy REF.npy FIXATIONS.json  -> JSON list of per-frame metrics
AUC-Judd is computed without jitter (the test compares with a tolerance).
"""
import json
import sys

import numpy as np


def nss(s, fix):
    if not fix:
        return None
    sd = s.std(ddof=1)
    if sd == 0:
        return 0.0
    z = (s - s.mean()) / sd
    mask = np.zeros(s.shape, bool)
    for x, y in fix:
        mask[int(np.floor(y)), int(np.floor(x))] = True
    return float(z[mask].mean())


def cc(s, g):
    a = (s - s.mean()) / s.std(ddof=1)
    b = (g - g.mean()) / g.std(ddof=1)
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def kl(s, g):
    eps = 2.2204e-16
    p = g / g.sum()
    q = s / s.sum()
    return float((p * np.log(eps + p / (q + eps))).sum())


def sim(s, g):
    a = (s - s.min()) / (s.max() - s.min())
    b = (g - g.min()) / (g.max() - g.min())
    a = a / a.sum()
    b = b / b.sum()
    return float(np.minimum(a, b).sum())


def auc_judd(s, fix):
    if not fix:
        return None
    s = (s - s.min()) / (s.max() - s.min())
    mask = np.zeros(s.shape, bool)
    for x, y in fix:
        mask[int(np.floor(y)), int(np.floor(x))] = True
    S = s.ravel()
    F = mask.ravel()
    sth = np.sort(S[F])[::-1]
    nfix, npix = len(sth), len(S)
    tp = np.zeros(nfix + 2)
    fp = np.zeros(nfix + 2)
    tp[-1] = fp[-1] = 1
    for i, t in enumerate(sth, start=1):
        above = (S >= t).sum()
        tp[i] = i / nfix
        fp[i] = (above - i) / (npix - nfix)
    return float(np.trapz(tp, fp))


def main():
    pred = np.load(sys.argv[1]).astype(np.float64)
    ref = np.load(sys.argv[2]).astype(np.float64)
    fixations = json.load(open(sys.argv[3]))
    out = []
    for t in range(pred.shape[0]):
        s, g, f = pred[t], ref[t], fixations[t]
        out.append({"nss": nss(s, f), "cc": cc(s, g), "kl": kl(s, g), "sim": sim(s, g),
                    "auc_judd": auc_judd(s, f)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
