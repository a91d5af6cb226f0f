#!/usr/bin/env python3
"""PyTorch reference for `autofocus-train --benchmark`: the GABRIL CNN training step (Adam,
batch 64, 2x180x320, 7 actions) for none / gabril_mse / l1_outside (naive, at input
resolution, as the paper's Eq. 2 reads). Run with /usr/bin/python3 (Debian python3-torch).

    /usr/bin/python3 bench/train_step_pytorch.py [--threads 2] [--steps 3] [--batch 64] [--amp] [--cpp BIN]

With --cpp (path to autofocus-train) the C++ benchmark runs in the same session and the
ratios C++ / PyTorch are printed. --amp also times both under bfloat16 autocast
(torch.autocast("cpu", torch.bfloat16) here, `autofocus-train --benchmark --amp` there).
"""
import argparse, json, subprocess, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = nn.Sequential(nn.ReLU(), nn.Conv2d(128, 32, 3, padding=1, bias=False), nn.ReLU(),
                                   nn.Conv2d(32, 128, 1, bias=False))

    def forward(self, x):
        return x + self.block(x)


class GabrilCnn(nn.Module):
    def __init__(self, c=2, h=180, w=320, a=7):
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(c, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
            nn.Conv2d(64, 128, 4, 2, 1), nn.ReLU(), nn.Conv2d(128, 128, 3, 1, 0),
            Residual(), Residual(), nn.ReLU(),
            nn.Conv2d(128, 128, 5, padding=2), nn.ReLU(), nn.Conv2d(128, 64, 5, padding=2))
        fh, fw = h // 8 - 2, w // 8 - 2
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(64 * fh * fw, 256), nn.Linear(256, 256), nn.ReLU(),
                                  nn.Linear(256, a))


def gabril_mse(z, t, beta=50.0):
    b, _, h, w = z.shape
    p = torch.softmax(z.abs().sum(1).reshape(b, -1) / beta, 1).reshape(b, 1, h, w)
    up = F.interpolate(p, size=t.shape[1:], mode="bicubic", align_corners=False).reshape(b, -1)
    mn, mx = up.min(1, keepdim=True)[0], up.max(1, keepdim=True)[0]
    return ((((up - mn) / (mx - mn).clamp_min(1e-12)).reshape(t.shape) - t) ** 2).mean()


def l1_naive(z, t):
    f = F.interpolate(z.abs().sum(1, keepdim=True), size=t.shape[1:], mode="bilinear", align_corners=False)
    return (f.squeeze(1) * (1 - t)).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--cpp", default="")
    ap.add_argument("--amp", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    m = GabrilCnn()
    opt = torch.optim.Adam(m.parameters(), 5e-4)
    x, y, t = torch.rand(a.batch, 2, 180, 320), torch.rand(a.batch, 7), torch.rand(a.batch, 180, 320)
    py = {}
    for amp in ([False, True] if a.amp else [False]):
        for reg in ["none", "gabril_mse", "l1_outside_naive"]:
            def step():
                opt.zero_grad()
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=amp):
                    z = m.enc(x)
                    out = m.head(z)
                z = z.float()
                loss = F.mse_loss(out.float(), y)
                if reg == "gabril_mse":
                    loss = loss + 10 * gabril_mse(z, t)
                if reg == "l1_outside_naive":
                    loss = loss + 10 * l1_naive(z, t)
                loss.backward()
                opt.step()
            step()
            t0 = time.perf_counter()
            for _ in range(a.steps):
                step()
            key = reg + ("/bf16" if amp else "")
            py[key] = (time.perf_counter() - t0) / a.steps * 1000
            print(json.dumps({"impl": "pytorch", "regularizer": reg, "amp": "bf16" if amp else "none",
                              "ms_per_step": py[key], "threads": a.threads}))
    if a.cpp:
        cpp = {}
        for amp in ([False, True] if a.amp else [False]):
            cmd = [a.cpp, "--benchmark", "--threads", str(a.threads), "--batch", str(a.batch),
                   "--benchmark-steps", str(a.steps)] + (["--amp"] if amp else [])
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            for j in map(json.loads, out.split("\n")[:-1]):
                cpp[j["regularizer"] + ("/bf16" if amp else "")] = j["ms_per_step"]
                print(json.dumps({"impl": "cpp", "regularizer": j["regularizer"], "amp": j["amp"],
                                  "ms_per_step": j["ms_per_step"]}))
        ratios = {"cpp_none_over_pytorch_none": cpp["none"] / py["none"],
                  "cpp_gabril_mse_overhead": cpp["gabril_mse"] / cpp["none"] - 1,
                  "cpp_l1_outside_overhead": cpp["l1_outside"] / cpp["none"] - 1,
                  "pytorch_gabril_mse_overhead": py["gabril_mse"] / py["none"] - 1,
                  "pytorch_l1_naive_overhead": py["l1_outside_naive"] / py["none"] - 1}
        if a.amp:
            ratios.update({"cpp_bf16_none_over_pytorch_fp32_none": cpp["none/bf16"] / py["none"],
                           "cpp_bf16_none_over_pytorch_bf16_none": cpp["none/bf16"] / py["none/bf16"],
                           "cpp_bf16_gabril_mse_overhead": cpp["gabril_mse/bf16"] / cpp["none/bf16"] - 1,
                           "cpp_bf16_l1_outside_overhead": cpp["l1_outside/bf16"] / cpp["none/bf16"] - 1})
        print(json.dumps(ratios))


if __name__ == "__main__":
    main()
