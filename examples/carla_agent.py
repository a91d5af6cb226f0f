#!/usr/bin/env python3
"""A CARLA Leaderboard-style agent that drives with an AutoFocus Studio policy.

Loads a run's ``policy.pt`` (TorchScript) and ``policy.json`` and turns camera frames into the
policy's input exactly as ``autofocus`` does (core/train/observation.cpp, PreprocessFrame and
ObservationStacker):

* each BGR frame (CARLA gives BGRA; the alpha plane is dropped) is scaled to float [0, 1], then
  resized to the policy's input size -- OpenCV INTER_AREA when the width shrinks, bilinear
  (half-pixel centres) otherwise -- then turned into BT.601 luma (0.299 R + 0.587 G + 0.114 B)
  or R, G, B planes;
* ``stack`` frames are stacked oldest first; at the episode start the first frame stands in for
  the missing past; a ``speed`` state (m/s) is stacked the same way;
* in confounded mode the action-conditioned icons (core/sim/renderer.cpp, DrawConfoundIcons) of
  **the previous applied control** are drawn onto the camera frame before preprocessing, a brake
  no-op before the first step (core/sim/closed_loop.cpp);
* the first ``noop_steps`` steps (10, the sample world's evaluation default) send a brake no-op
  whatever the policy says; the policy still sees those frames so its stack is warm.

Without OpenCV the resize and the icons are done in numpy. The resize matches OpenCV to float
rounding. The icons match OpenCV pixel for pixel: the brake dot is OpenCV's filled 8-connected
midpoint circle, and the arrows are only horizontal, vertical and 45-degree strokes, which the
numpy stroke (quadrilateral interior + outline + round caps) draws exactly as cv2.line does
(checked against OpenCV 4.6 for every icon size from 113x67 to 1600x900; it is not a general
replacement for cv2.line at other angles and thicknesses above 1). With ``cv2`` importable the
same cv2 calls as the renderer are used.

Actions use the sample world's convention: throttle and brake in [0, 1], steer in [-1, 1] with
**positive steer turning left**. CARLA's steer is positive to the right, so the Leaderboard
wrapper below negates it.

Leaderboard:  leaderboard_evaluator.py --agent examples/carla_agent.py --agent-config RUN_DIR
(set AUTOFOCUS_CONFOUNDED=1 for the confounded setting, AUTOFOCUS_CAMERA=WxH for the camera
size; by default the camera is the policy's input size).

Self test (no CARLA): carla_agent.py --selftest --policy RUN --frames F.npy [--speeds S.npy]
[--confounded] [--noop-steps N] --out A.npy writes per frame the policy's proposed
(throttle, steer, brake) and the applied control, shape [T, 2, 3]; --draw-icons ACTIONS.npy
draws the icons of each action on the matching frame instead and writes the frames.
"""

import argparse
import json
import math
import os
import sys

import numpy as np

try:  # optional: exact OpenCV resize and icons when available
    import cv2  # type: ignore
except Exception:  # pragma: no cover - cv2 is optional
    cv2 = None

import torch

# ---------------------------------------------------------------------------------------------
# Preprocessing (core/train/observation.cpp)


def _area_weights(n_in, n_out):
    """OpenCV INTER_AREA weights (n_out x n_in) for shrinking n_in -> n_out (n_in >= n_out)."""
    scale = n_in / n_out
    w = np.zeros((n_out, n_in), dtype=np.float64)
    for d in range(n_out):
        f1 = d * scale
        f2 = f1 + scale
        cell = min(scale, n_in - f1)
        s1 = int(math.ceil(f1))
        s2 = int(math.floor(f2))
        s2 = min(s2, n_in - 1)
        s1 = min(s1, s2)
        if s1 - f1 > 1e-3:
            w[d, s1 - 1] += (s1 - f1) / cell
        for s in range(s1, s2):
            w[d, s] += 1.0 / cell
        if f2 - s2 > 1e-3:
            w[d, s2] += min(min(f2 - s2, 1.0), cell) / cell
    return w


def _linear_weights(n_in, n_out):
    """OpenCV INTER_LINEAR weights (n_out x n_in): half-pixel centres, edges clamped."""
    scale = n_in / n_out
    w = np.zeros((n_out, n_in), dtype=np.float64)
    for d in range(n_out):
        f = (d + 0.5) * scale - 0.5
        s = int(math.floor(f))
        f -= s
        if s < 0:
            s, f = 0, 0.0
        if s >= n_in - 1:
            s, f = n_in - 1, 0.0
        w[d, s] += 1.0 - f
        if f > 0:
            w[d, s + 1] += f
    return w


def resize_float(img, width, height):
    """Resizes an HxWx3 float image as PreprocessFrame does (INTER_AREA when the width shrinks,
    else bilinear)."""
    h, w = img.shape[:2]
    if w == width and h == height:
        return img
    shrink = w > width
    if cv2 is not None:
        return cv2.resize(img, (width, height), interpolation=cv2.INTER_AREA if shrink
                          else cv2.INTER_LINEAR)
    if shrink:
        if h < height:
            raise ValueError("numpy INTER_AREA needs both sides to shrink (%dx%d -> %dx%d); "
                             "install cv2 or use a camera at least the policy's size"
                             % (w, h, width, height))
        wy, wx = _area_weights(h, height), _area_weights(w, width)
    else:
        wy, wx = _linear_weights(h, height), _linear_weights(w, width)
    out = np.einsum("yh,hwc,xw->yxc", wy, img.astype(np.float64), wx)
    return out.astype(np.float32)


def preprocess_frame(bgr, width, height, grayscale):
    """One BGR uint8 frame -> [1 or 3, height, width] float32, as PreprocessFrame."""
    f = bgr.astype(np.float32) * np.float32(1.0 / 255.0)
    r = resize_float(f, width, height)
    b, g, rr = r[..., 0], r[..., 1], r[..., 2]
    if grayscale:
        return (np.float32(0.299) * rr + np.float32(0.587) * g
                + np.float32(0.114) * b)[None].astype(np.float32)
    return np.stack([rr, g, b]).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Confounding icons (core/sim/renderer.cpp, ConfoundIconGeometry / DrawConfoundIcons)


def _lround(v):
    return int(math.floor(v + 0.5)) if v >= 0 else -int(math.floor(-v + 0.5))


def icon_geometry(width, height):
    """The icon layout for an image size (scaled from 320x180 by min(w/320, h/180))."""
    s = min(width / 320.0, height / 180.0)
    px = lambda v: _lround(v * s)  # noqa: E731
    return {"scale": s, "dot_center": (width // 2, px(11)), "dot_radius": max(1, px(7)),
            "arrow_y": px(30), "up_top": px(20), "up_bottom": px(42),
            "thickness": max(1, px(2))}


def arrow_length(g, steer):
    m = min(1.0, max(0.05, abs(steer)))
    return _lround(32.0 * (0.5 + 1.5 * (m - 0.05) / 0.95) * g["scale"])


def clamp_action(a):
    def c(v, lo, hi):
        return 0.0 if v != v else min(hi, max(lo, v))
    return {"throttle": c(a["throttle"], 0, 1), "steer": c(a["steer"], -1, 1),
            "brake": c(a["brake"], 0, 1)}


def _hline(img, y, x1, x2, color):
    h, w = img.shape[:2]
    if 0 <= y < h:
        x1, x2 = max(x1, 0), min(x2, w - 1)
        if x1 <= x2:
            img[y, x1:x2 + 1, :3] = color


def _filled_circle(img, cx, cy, radius, color):
    """OpenCV's filled 8-connected circle (midpoint algorithm, horizontal spans)."""
    err, dx, dy, plus, minus = 0, radius, 0, 1, (radius << 1) - 1
    while dx >= dy:
        _hline(img, cy - dy, cx - dx, cx + dx, color)
        _hline(img, cy + dy, cx - dx, cx + dx, color)
        _hline(img, cy - dx, cx - dy, cx + dy, color)
        _hline(img, cy + dx, cx - dy, cx + dy, color)
        dy += 1
        err += plus
        plus += 2
        if err > 0:
            err -= minus
            dx -= 1
            minus -= 2


def _segment(img, p0, p1, color):
    """A 1-pixel 8-connected segment between integer points, walked left to right with
    Bresenham's integer error term (a minor-axis step when the error is negative)."""
    h, w = img.shape[:2]
    if p0[0] > p1[0]:
        p0, p1 = p1, p0
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    sy = -1 if dy < 0 else 1
    major, minor = dx, abs(dy)
    x_major = major >= minor
    if not x_major:
        major, minor = minor, major
    err = major - 2 * minor
    m = 0
    for k in range(major + 1):
        x, y = (p0[0] + k, p0[1] + sy * m) if x_major else (p0[0] + m, p0[1] + sy * k)
        if 0 <= x < w and 0 <= y < h:
            img[y, x, :3] = color
        step = err < 0
        err += -2 * minor + (2 * major if step else 0)
        m += 1 if step else 0


def _thick_line(img, p0, p1, thickness, color):
    """OpenCV-like thick 8-connected segment (exact for axis-aligned and 45-degree strokes, the
    only ones the icons draw): the quadrilateral p0 +- n, p1 +- n (n the normal
    of length thickness/2, rounded up to a whole pixel for odd thickness), its interior (pixel
    centres inside) and its outline (1-pixel segments between the corners rounded to pixels),
    plus filled round caps of radius (thickness + 1) // 2 at both ends."""
    if thickness <= 1:
        _segment(img, p0, p1, color)
        return
    h, w = img.shape[:2]
    half = thickness / 2.0 + (0.5 if thickness & 1 else 0.0)
    x0, y0, x1, y1 = float(p0[0]), float(p0[1]), float(p1[0]), float(p1[1])
    length = math.hypot(x1 - x0, y1 - y0)
    if length > 0:
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        nx, ny = -uy * half, ux * half
        xs0 = int(max(0, math.floor(min(x0, x1) - half)))
        xs1 = int(min(w - 1, math.ceil(max(x0, x1) + half)))
        ys0 = int(max(0, math.floor(min(y0, y1) - half)))
        ys1 = int(min(h - 1, math.ceil(max(y0, y1) + half)))
        if xs0 <= xs1 and ys0 <= ys1:
            yy, xx = np.mgrid[ys0:ys1 + 1, xs0:xs1 + 1]
            along = (xx - x0) * ux + (yy - y0) * uy
            across = np.abs(-(xx - x0) * uy + (yy - y0) * ux)
            m = (along >= -1e-9) & (along <= length + 1e-9) & (across <= half + 1e-9)
            img[ys0:ys1 + 1, xs0:xs1 + 1, :3][m] = color
        corners = [(x0 + nx, y0 + ny), (x0 - nx, y0 - ny), (x1 - nx, y1 - ny), (x1 + nx, y1 + ny)]
        corners = [(_lround(cx), _lround(cy)) for cx, cy in corners]
        for i in range(4):
            _segment(img, corners[i], corners[(i + 1) % 4], color)
    r = (thickness + 1) // 2
    for p in (p0, p1):
        _filled_circle(img, int(p[0]), int(p[1]), r, color)


def _arrowed_line(img, pt1, pt2, thickness, color, tip=0.35):
    if cv2 is not None:
        cv2.arrowedLine(img, pt1, pt2, color, thickness, cv2.LINE_8, 0, tip)
        return
    size = math.hypot(pt1[0] - pt2[0], pt1[1] - pt2[1]) * tip
    angle = math.atan2(pt1[1] - pt2[1], pt1[0] - pt2[0])
    _thick_line(img, pt1, pt2, thickness, color)
    for a in (angle + math.pi / 4, angle - math.pi / 4):
        p = (int(round(pt2[0] + size * math.cos(a))), int(round(pt2[1] + size * math.sin(a))))
        _thick_line(img, p, pt2, thickness, color)


def draw_confound_icons(img, action):
    """Draws the icons of `action` onto `img` (HxWx3 or HxWx4 BGR[A] uint8, in place): red dot
    when brake > 0.1; white left/right arrow when |steer| >= 0.05 (positive steer points
    left); white up arrow when |steer| < 0.05 and throttle > 0.1."""
    a = clamp_action(action)
    h, w = img.shape[:2]
    g = icon_geometry(w, h)
    white = (255, 255, 255)
    cx = w // 2
    if a["brake"] > 0.1:
        if cv2 is not None and img.shape[2] == 3:
            cv2.circle(img, g["dot_center"], g["dot_radius"], (0, 0, 255), cv2.FILLED, cv2.LINE_8)
        else:
            _filled_circle(img, g["dot_center"][0], g["dot_center"][1], g["dot_radius"],
                           (0, 0, 255))
    if abs(a["steer"]) >= 0.05:
        half = arrow_length(g, a["steer"]) // 2
        tail = (cx + half if a["steer"] > 0 else cx - half, g["arrow_y"])
        tipp = (cx - half if a["steer"] > 0 else cx + half, g["arrow_y"])
        _arrowed_line(img, tail, tipp, g["thickness"], white)
    elif a["throttle"] > 0.1:
        _arrowed_line(img, (cx, g["up_bottom"]), (cx, g["up_top"]), g["thickness"], white)
    return img


# ---------------------------------------------------------------------------------------------
# The agent


def noop_action():
    return {"throttle": 0.0, "steer": 0.0, "brake": 1.0}


class AutofocusAgent:
    """Drives with a policy.pt + policy.json: call setup(), reset() per route, run_step() per
    camera frame."""

    def setup(self, policy_dir, confounded=False, noop_steps=10):
        path = policy_dir
        if os.path.isdir(path):
            spec_file = os.path.join(path, "policy.json")
        elif path.endswith(".pt"):
            spec_file = os.path.join(os.path.dirname(path), "policy.json")
        else:
            spec_file = path
        with open(spec_file) as f:
            spec = json.load(f)
        module = path if path.endswith(".pt") else os.path.join(os.path.dirname(spec_file),
                                                                 "policy.pt")
        if isinstance(spec.get("map"), dict):
            raise ValueError("%s: method %s takes the target map as an input at test time; a "
                             "simulator does not provide one (map-input baselines cannot be "
                             "run here)" % (spec_file, spec.get("method", "?")))
        self.channels, self.height, self.width = [int(v) for v in spec["input_shape"]]
        self.stack = int(spec["stack"])
        self.grayscale = bool(spec["grayscale"])
        if self.channels != self.stack * (1 if self.grayscale else 3):
            raise ValueError(spec_file + ": input_shape C must be stack x (1 or 3)")
        names = list(spec["action_names"])
        for n in ("throttle", "steer", "brake"):
            if n not in names:
                raise ValueError("%s: action_names has no %r" % (spec_file, n))
        self.index = {n: names.index(n) for n in ("throttle", "steer", "brake")}
        state = spec.get("state")
        self.state_dim = 0
        if isinstance(state, dict) and isinstance(state.get("shape"), list) and \
                len(state["shape"]) == 2 and isinstance(state["shape"][1], int):
            self.state_dim = int(state["shape"][1])
        if self.state_dim > 0 and (state.get("keys") != ["speed"] or self.state_dim != self.stack):
            raise ValueError(spec_file + ": state.keys: only a stacked \"speed\" state is fed")
        torch.set_num_threads(1)
        self.module = torch.jit.load(module, map_location="cpu")
        self.module.eval()
        self.confounded = bool(confounded)
        self.noop_steps = int(noop_steps)
        self.reset()

    def reset(self):
        """Starts a new episode: empty frame/speed stacks, no-op previous control, step 0."""
        self.frames = []
        self.speeds = []
        self.previous = noop_action()
        self.step = 0
        self.last_proposed = None

    def run_step(self, bgr_frame, speed=None):
        """One camera frame (HxWx3 BGR or HxWx4 BGRA uint8) and the ego speed (m/s, needed when
        the policy takes a speed state) -> the applied control (sample-world convention)."""
        frame = np.ascontiguousarray(np.asarray(bgr_frame, dtype=np.uint8)[..., :3]).copy()
        if self.confounded:
            draw_confound_icons(frame, self.previous)
        f = preprocess_frame(frame, self.width, self.height, self.grayscale)
        if not self.frames:
            self.frames = [f] * (self.stack - 1)
        self.frames.append(f)
        self.frames = self.frames[-self.stack:]
        x = torch.from_numpy(np.concatenate(self.frames)[None].copy())
        inputs = [x]
        if self.state_dim > 0:
            if speed is None:
                raise ValueError("this policy takes the speed: pass run_step(frame, speed)")
            v = float(np.float32(speed))
            if not self.speeds:
                self.speeds = [v] * self.stack
            self.speeds = (self.speeds + [v])[-self.stack:]
            inputs.append(torch.tensor([self.speeds], dtype=torch.float32))
        with torch.no_grad():
            out = self.module.forward(*inputs).to(torch.float32)[0].numpy()
        proposed = {n: float(out[i]) for n, i in self.index.items()}
        self.last_proposed = proposed
        applied = clamp_action(noop_action() if self.step < self.noop_steps else proposed)
        self.previous = applied
        self.step += 1
        return applied


# ---------------------------------------------------------------------------------------------
# CARLA Leaderboard wrapper (only when the leaderboard and carla packages are importable)

try:  # pragma: no cover - needs CARLA
    import carla  # type: ignore
    from leaderboard.autoagents.autonomous_agent import AutonomousAgent, Track  # type: ignore

    def get_entry_point():
        return "AutofocusLeaderboardAgent"

    class AutofocusLeaderboardAgent(AutonomousAgent):
        """Leaderboard SENSORS-track agent: one front RGB camera and the speedometer."""

        def setup(self, path_to_conf_file):
            self.track = Track.SENSORS
            self.agent = AutofocusAgent()
            self.agent.setup(path_to_conf_file,
                             confounded=os.environ.get("AUTOFOCUS_CONFOUNDED", "0") == "1",
                             noop_steps=int(os.environ.get("AUTOFOCUS_NOOP_STEPS", "10")))
            cam = os.environ.get("AUTOFOCUS_CAMERA")
            self.cam_w, self.cam_h = ([int(v) for v in cam.split("x")] if cam
                                      else (self.agent.width, self.agent.height))

        def sensors(self):
            return [{"type": "sensor.camera.rgb", "x": 1.3, "y": 0.0, "z": 1.4, "roll": 0.0,
                     "pitch": 0.0, "yaw": 0.0, "width": self.cam_w, "height": self.cam_h,
                     "fov": 80, "id": "rgb"},
                    {"type": "sensor.speedometer", "reading_frequency": 20, "id": "speed"}]

        def run_step(self, input_data, timestamp):
            bgra = input_data["rgb"][1]
            speed = input_data["speed"][1]["speed"] if "speed" in input_data else None
            a = self.agent.run_step(bgra, speed)
            control = carla.VehicleControl()
            control.throttle = a["throttle"]
            control.steer = -a["steer"]  # sample world: positive = left; CARLA: positive = right
            control.brake = a["brake"]
            return control

        def destroy(self):
            pass
except ImportError:
    pass


# ---------------------------------------------------------------------------------------------
# Self test on saved frames (no CARLA)


def _main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--selftest", action="store_true")
    p.add_argument("--policy")
    p.add_argument("--frames", required=True, help="[T, H, W, 3|4] uint8 BGR(A) .npy")
    p.add_argument("--speeds", help="[T] float .npy")
    p.add_argument("--confounded", action="store_true")
    p.add_argument("--noop-steps", type=int, default=10)
    p.add_argument("--draw-icons", help="[T, 3] (throttle, steer, brake) .npy")
    p.add_argument("--no-cv2", action="store_true", help="use the numpy paths even with cv2")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    global cv2
    if a.no_cv2:
        cv2 = None
    frames = np.load(a.frames)
    if a.draw_icons:
        acts = np.load(a.draw_icons)
        out = np.stack([draw_confound_icons(np.ascontiguousarray(f).copy(),
                                            {"throttle": float(t), "steer": float(s),
                                             "brake": float(b)})
                        for f, (t, s, b) in zip(frames, acts)])
        np.save(a.out, out)
        return 0
    agent = AutofocusAgent()
    agent.setup(a.policy, confounded=a.confounded, noop_steps=a.noop_steps)
    speeds = np.load(a.speeds) if a.speeds else None
    rows = []
    for t, f in enumerate(frames):
        applied = agent.run_step(f, None if speeds is None else float(speeds[t]))
        pr = agent.last_proposed
        rows.append([[pr["throttle"], pr["steer"], pr["brake"]],
                     [applied["throttle"], applied["steer"], applied["brake"]]])
    np.save(a.out, np.asarray(rows, dtype=np.float64))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
