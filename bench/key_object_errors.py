#!/usr/bin/env python3
"""Where the key-object errors of an annotated sample-world project come from.

Every key box of every frame is matched (greedily, IoU >= 0.5) against the objects the ground
truth marks relevant at that frame, as `autofocus evaluate-annotations` counts them (it matches
one to one optimally, so counts can differ by a box or two). A false positive is then put down
to the object it covers: "stale" when that object was relevant at the frame the sub-sequence's
question showed (the decision was right there and went stale), "not-relevant-at-ask" when it was
not, "no-object" when the box covers no object. A missed relevant object is put down the same
way (relevant at the asked frame or not, absent there). Counts by class and reason.

    bench/key_object_errors.py PROJECT
"""
import collections
import json
import os
import sys


def iou(a, b):
    x1, y1 = max(a[0], b[0]), max(a[1], b[1])
    x2, y2 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0, x2 - x1) * max(0, y2 - y1)
    u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / u if u > 0 else 0


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    proj = sys.argv[1]
    fp, fn, fp_reason = collections.Counter(), collections.Counter(), collections.Counter()
    tp = 0
    episodes = os.path.join(proj, "episodes")
    for ep in sorted(os.listdir(episodes)):
        d = os.path.join(episodes, ep)
        try:
            with open(os.path.join(d, "ground_truth.json")) as f:
                frames = json.load(f)["frames"]
            with open(os.path.join(d, "key_objects.json")) as f:
                ko = json.load(f)
        except FileNotFoundError:
            continue
        seg_of = {}
        for s in ko["segments"]:
            for t in range(s["start"], s["end"] + 1):
                seg_of[t] = s
        for t, kf in enumerate(ko["frames"]):
            ask = seg_of[t]["frame"]
            at_ask = {o["id"]: o for o in frames[ask]["objects"]}
            objs = frames[t]["objects"]
            rel = [o for o in objs if o["relevant"]]
            used = set()
            for k in kf["objects"]:
                best, bi = 0, -1
                for i, o in enumerate(rel):
                    v = iou(k["box"], o["box"]) if i not in used else 0
                    if v > best:
                        best, bi = v, i
                if best >= 0.5:
                    used.add(bi)
                    tp += 1
                    continue
                cover = max(objs, key=lambda o: iou(k["box"], o["box"]), default=None)
                if cover is None or iou(k["box"], cover["box"]) < 0.5:
                    fp["no-object"] += 1
                    continue
                was = at_ask.get(cover["id"])
                if was and was["relevant"]:
                    fp["stale: " + cover["class"]] += 1
                    fp_reason[was.get("reason", "")] += 1
                else:
                    fp["not-relevant-at-ask: " + cover["class"]] += 1
            for i, o in enumerate(rel):
                if i in used:
                    continue
                was = at_ask.get(o["id"])
                kind = "absent-at-ask" if not was else ("relevant-at-ask" if was["relevant"] else "not-relevant-at-ask")
                fn[kind + ": " + o["class"]] += 1
    n_fp, n_fn = sum(fp.values()), sum(fn.values())
    print("key boxes: tp %d, fp %d, fn %d; precision %.4f, recall %.4f" %
          (tp, n_fp, n_fn, tp / max(1, tp + n_fp), tp / max(1, tp + n_fn)))
    print("false positives:")
    for k, v in fp.most_common():
        print("  %5d  %s" % (v, k))
    print("stale false positives by the reason the object was relevant at the asked frame:")
    for k, v in fp_reason.most_common():
        print("  %5d  %s" % (v, k))
    print("missed relevant objects:")
    for k, v in fn.most_common():
        print("  %5d  %s" % (v, k))


if __name__ == "__main__":
    main()
