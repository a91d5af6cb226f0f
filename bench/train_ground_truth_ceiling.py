#!/usr/bin/python3
"""How well can the sample world's expert actions be predicted from ground-truth state?

Fits the actions of the training episodes on features read from ground_truth.json (speed,
distance and class of the objects the expert marks relevant) by least squares and by a small
MLP (python3-torch), and prints each fit's validation MSE over the mean training action's, for
the given validation episode sets. A ceiling for what a policy reading those features from
pixels could reach (docs/training.md, "Measured").

  /usr/bin/python3 bench/train_ground_truth_ceiling.py PROJECT --val 0,5 --val 0,5,10,15
"""
import argparse
import json
import pathlib

import numpy as np
import torch


def features(frame):
    rel = [o for o in frame["objects"] if o["relevant"]]
    d = min(min([o["distance"] for o in rel], default=60.0), 60.0)
    cls = [o["class"] for o in rel]
    v = frame["speed"]
    return [1, v, v * v, d, d * d, v * d, 1 / (d + 1), v / (d + 1), "car" in cls,
            "traffic light" in cls, "pedestrian" in cls, "stop sign" in cls, len(rel) == 0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("project")
    ap.add_argument("--val", action="append", required=True, help="comma-separated episode indices")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    X, Y, E = [], [], []
    for gt in sorted(pathlib.Path(a.project, "episodes").glob("*/ground_truth.json")):
        g = json.loads(gt.read_text())
        index = int(g["episode"].split("_")[-1])
        for f in g["frames"]:
            X.append([float(x) for x in features(f)])
            Y.append(f["action"])
            E.append(index)
    X, Y, E = np.array(X), np.array(Y), np.array(E)
    for spec in a.val:
        val = np.isin(E, [int(i) for i in spec.split(",")])
        base = ((Y[~val].mean(0) - Y[val]) ** 2).mean()
        w, *_ = np.linalg.lstsq(X[~val], Y[~val], rcond=None)
        lsq = ((X[val] @ w - Y[val]) ** 2).mean()
        torch.manual_seed(a.seed)
        xt = torch.tensor(X[~val], dtype=torch.float32)
        yt = torch.tensor(Y[~val], dtype=torch.float32)
        mu, sd = xt.mean(0), xt.std(0) + 1e-6
        mu[0], sd[0] = 0, 1
        net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], 64), torch.nn.ReLU(),
                                  torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 3))
        opt = torch.optim.Adam(net.parameters(), 1e-3)
        for _ in range(3000):
            idx = torch.randint(0, len(xt), (128,))
            loss = ((net((xt[idx] - mu) / sd) - yt[idx]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            p = net((torch.tensor(X[val], dtype=torch.float32) - mu) / sd).numpy()
        mlp = ((p - Y[val]) ** 2).mean()
        print(json.dumps({"validation": spec, "mean_action_mse": round(float(base), 6),
                          "least_squares_ratio": round(float(lsq / base), 3),
                          "mlp_ratio": round(float(mlp / base), 3)}))


if __name__ == "__main__":
    main()
