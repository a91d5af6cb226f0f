#!/usr/bin/python3
"""Reads an exported robomimic HDF5 file the way robomimic's own loader does (h5py) and prints
a JSON summary; exits 1 with the reason when a rule robomimic relies on is broken.

    check_robomimic.py FILE IMAGE_KEY
"""
import json
import sys

import h5py
import numpy as np


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def main():
    path, image_key = sys.argv[1], sys.argv[2]
    f = h5py.File(path, "r", swmr=True, libver="latest")
    data = f["data"]
    demos = list(data.keys())
    # robomimic: sorted by int(name[5:]); any other naming breaks it.
    inds = np.argsort([int(d[5:]) for d in demos])
    demos = [demos[i] for i in inds]
    env_args = json.loads(data.attrs["env_args"])
    for k in ("env_name", "type", "env_kwargs"):
        if k not in env_args:
            fail("env_args lacks %s" % k)
    total = int(data.attrs["total"])
    n_sum = 0
    out = {"demos": demos, "total": total, "env_args": env_args, "num_samples": {}, "first_pixel_sum": {},
           "actions_sum": {}, "saliency_max": {}, "gaze_first": {}, "key_ids": {}}
    for d in demos:
        g = data[d]
        n = int(g.attrs["num_samples"])
        n_sum += n
        out["num_samples"][d] = n

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.shape[0] != n:
                fail("%s/%s has first dimension %d, num_samples %d" % (d, name, obj.shape[0], n))
        g.visititems(visit)
        for k in ("actions", "rewards", "dones", "states", "obs", "next_obs"):
            if k not in g:
                fail("%s lacks %s" % (d, k))
        img = g["obs"][image_key]
        if img.dtype != np.uint8 or img.ndim != 4 or img.shape[3] != 3:
            fail("%s/obs/%s is not uint8 [N,H,W,3]" % (d, image_key))
        if img.compression not in (None, "gzip"):
            fail("%s/obs/%s uses %s, which stock HDF5 readers lack" % (d, image_key, img.compression))
        out["first_pixel_sum"][d] = int(img[0].astype(np.int64).sum())
        out["actions_sum"][d] = float(np.asarray(g["actions"], dtype=np.float64).sum())
        # next_obs is obs shifted by one frame, the last one repeated.
        if n > 1 and not np.array_equal(g["next_obs"][image_key][0], img[1]):
            fail("%s next_obs is not obs shifted by one" % d)
        if "saliency" in g["obs"]:
            out["saliency_max"][d] = int(np.asarray(g["obs/saliency"]).max())
        if "gaze_coords_autofocus" in g["obs"]:
            out["gaze_first"][d] = [float(x) for x in g["obs/gaze_coords_autofocus"][0]]
        out["key_ids"][d] = sorted({int(x) for x in np.asarray(g["annotations/key_track_ids"]).ravel() if x >= 0})
    if n_sum != total:
        fail("sum(num_samples) %d != data.total %d" % (n_sum, total))
    masks = {}
    for k in f["mask"]:
        masks[k] = [m.decode("utf-8") for m in np.array(f["mask/" + k][:])]
    out["masks"] = masks
    print(json.dumps(out))


if __name__ == "__main__":
    main()
