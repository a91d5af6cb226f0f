#!/usr/bin/python3
"""Writes the seed corpus of the hdf5_import fuzz target (tests/fuzz/corpus/hdf5_import/):
tiny robomimic-style files (2 demos x 2 frames of 4x4 RGB), in the layouts the importer reads.
Needs h5py (/usr/bin/python3 on Debian 12: python3-h5py). Run from anywhere; rewrites the seeds."""
import os
import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "hdf5_import")


def write(name, libver="earliest", gzip=False, state=False, gaze=False, mask=False,
          action_names=False, frames=2):
    os.makedirs(OUT, exist_ok=True)
    with h5py.File(os.path.join(OUT, name), "w", libver=libver) as f:
        data = f.create_group("data")
        if action_names:
            data.attrs["action_names"] = '["throttle", "steer"]'
        for d in (0, 1):
            g = data.create_group(f"demo_{d}")
            g.attrs["num_samples"] = frames
            g.attrs["task"] = "lift"
            obs = g.create_group("obs")
            img = np.zeros((frames, 4, 4, 3), np.uint8)
            img[..., 0] = 10 * np.arange(frames)[:, None, None]
            kw = {"compression": "gzip", "chunks": (1, 4, 4, 3)} if gzip else {}
            obs.create_dataset("agentview_image", data=img, **kw)
            g.create_dataset("actions", data=np.arange(frames * 2, dtype=np.float32).reshape(frames, 2))
            if state:
                obs.create_dataset("robot0_eef_pos", data=np.arange(frames * 3, dtype=np.float64).reshape(frames, 3))
                obs.create_dataset("speed", data=np.arange(frames, dtype=np.float32))
            if gaze:
                gz = -np.ones((frames, 4), np.float32)
                gz[:, :2] = (0.25, 0.5)
                obs.create_dataset("gaze_coords_front", data=gz)
        if mask:
            m = f.create_group("mask")
            m.create_dataset("train", data=np.array([b"demo_0"], dtype="S8"))
            m.create_dataset("valid", data=np.array([b"demo_1"], dtype="S8"))


write("plain.hdf5")
write("latest_state_gaze.hdf5", libver="latest", state=True, gaze=True)
write("gzip_mask_names.hdf5", gzip=True, mask=True, action_names=True)
