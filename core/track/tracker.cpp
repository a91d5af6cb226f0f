#include "core/track/tracker.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/base/error.h"
#include "core/track/assignment.h"
#include "core/track/box_pairs.h"

namespace autofocus {
namespace {

// The running state of one track.
struct TrackState {
  std::string label;
  Box box;  // last box
  int first_frame = 0;
  int last_frame = 0;
  int length = 0;
};

// Optimal association restricted to `pairs`: among assignments that use only allowed pairs,
// the most matches, then the least total 1 - IoU (SolveSparseAssignment splits the frame into
// independent groups of overlapping boxes, so 1000 scattered detections stay cheap).
void MatchHungarian(int n_tracks, int n_dets, const std::vector<BoxPair>& pairs,
                    std::vector<int>& det_to_track) {
  std::vector<SparseEdge> edges;
  edges.reserve(pairs.size());
  for (const BoxPair& p : pairs) edges.push_back({p.a, p.b, 1.0 - static_cast<double>(p.iou)});
  const Assignment as = SolveSparseAssignment(n_tracks, n_dets, edges);
  det_to_track = as.col_to_row;
}

// The reference code's association: highest IoU first; ties go to the earlier track, then the
// earlier detection.
void MatchGreedy(int n_tracks, std::vector<BoxPair> pairs, std::vector<int>& det_to_track) {
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const BoxPair& p, const BoxPair& q) { return p.iou > q.iou; });
  std::vector<char> track_used(static_cast<size_t>(n_tracks), 0);
  for (const BoxPair& p : pairs) {
    if (track_used[p.a] || det_to_track[p.b] >= 0) continue;
    track_used[p.a] = 1;
    det_to_track[p.b] = p.a;
  }
}

}  // namespace

TrackerMode ParseTrackerMode(const std::string& text, const std::string& where) {
  if (text == "hungarian") return TrackerMode::kHungarian;
  if (text == "greedy") return TrackerMode::kGreedy;
  throw Error("", where, "unknown tracker mode '" + text + "' (expected hungarian or greedy)");
}

std::string TrackerModeName(TrackerMode mode) {
  return mode == TrackerMode::kGreedy ? "greedy" : "hungarian";
}

float TrackerOptions::IouThreshold() const {
  if (iou_threshold) return *iou_threshold;
  return mode == TrackerMode::kGreedy ? 0.2f : 0.3f;
}

void TrackerOptions::Check() const {
  const float t = IouThreshold();
  // IoU 0 would let any two boxes continue each other; require real overlap.
  if (!(t > 0.f && t <= 1.f)) {
    throw Error("", "iou_threshold", "must be in (0, 1], got " + std::to_string(t));
  }
  if (max_gap < 0) throw Error("", "max_gap", "must be >= 0, got " + std::to_string(max_gap));
  if (min_track_length < 1) {
    throw Error("", "min_track_length", "must be >= 1, got " + std::to_string(min_track_length));
  }
}

void CheckBox(const Box& box, const std::string& file, const std::string& where) {
  for (float c : {box.x1, box.y1, box.x2, box.y2}) {
    if (!std::isfinite(c)) throw Error(file, where, "coordinates must be finite numbers");
  }
  if (box.x2 < box.x1) throw Error(file, where, "negative width (x2 < x1)");
  if (box.y2 < box.y1) throw Error(file, where, "negative height (y2 < y1)");
}

TrackResult Track(const std::vector<std::vector<Detection>>& frames, const TrackerOptions& options,
                  const ProgressCallback& progress, const StopCheck& stop) {
  options.Check();
  const float threshold = options.IouThreshold();
  const int n_frames = static_cast<int>(frames.size());
  for (int t = 0; t < n_frames; ++t) {
    for (size_t i = 0; i < frames[t].size(); ++i) {
      CheckBox(frames[t][i].box, "",
               "frames[" + std::to_string(t) + "].detections[" + std::to_string(i) + "].box");
    }
  }

  std::vector<TrackState> tracks;
  std::vector<int> alive;  // indices into `tracks` that may still be continued
  std::vector<std::vector<int>> raw_ids(frames.size());
  std::unordered_map<std::string, int> label_index;  // label -> group for gating
  auto group_of = [&](const std::string& label) {
    return label_index.emplace(label, static_cast<int>(label_index.size())).first->second;
  };

  for (int t = 0; t < n_frames; ++t) {
    ThrowIfStopped(stop);
    const auto& dets = frames[t];
    const int n_dets = static_cast<int>(dets.size());
    // Tracks unseen for more than max_gap frames can never come back: forget them.
    alive.erase(std::remove_if(alive.begin(), alive.end(),
                               [&](int k) { return t - tracks[k].last_frame > options.max_gap + 1; }),
                alive.end());

    std::vector<Box> track_boxes, det_boxes;
    std::vector<int> track_groups, det_groups;
    for (int k : alive) {
      track_boxes.push_back(tracks[k].box);
      if (options.label_gating) track_groups.push_back(group_of(tracks[k].label));
    }
    for (const Detection& d : dets) {
      det_boxes.push_back(d.box);
      if (options.label_gating) det_groups.push_back(group_of(d.label));
    }
    const std::vector<BoxPair> pairs =
        OverlappingPairs(track_boxes, det_boxes, threshold, track_groups, det_groups);

    std::vector<int> det_to_alive(static_cast<size_t>(n_dets), -1);
    if (options.mode == TrackerMode::kGreedy) {
      MatchGreedy(static_cast<int>(alive.size()), pairs, det_to_alive);
    } else {
      MatchHungarian(static_cast<int>(alive.size()), n_dets, pairs, det_to_alive);
    }

    auto& ids = raw_ids[t];
    ids.resize(static_cast<size_t>(n_dets));
    for (int i = 0; i < n_dets; ++i) {
      int k;
      if (det_to_alive[i] >= 0) {
        k = alive[det_to_alive[i]];
      } else {
        k = static_cast<int>(tracks.size());
        tracks.push_back({dets[i].label, dets[i].box, t, t, 0});
        alive.push_back(k);
      }
      TrackState& s = tracks[k];
      s.box = dets[i].box;
      s.last_frame = t;
      ++s.length;
      ids[i] = k;
    }
    if (progress) progress({"track", "", t + 1, n_frames, -1});
  }

  // Drop short tracks and renumber the rest in order of first appearance.
  std::vector<int> final_id(tracks.size(), -1);
  TrackResult result;
  for (size_t k = 0; k < tracks.size(); ++k) {
    if (tracks[k].length < options.min_track_length) continue;
    final_id[k] = static_cast<int>(result.tracks.size());
    const TrackState& s = tracks[k];
    result.tracks.push_back({final_id[k], s.label, s.first_frame, s.last_frame, s.length});
  }
  result.frames.resize(frames.size());
  result.source_index.resize(frames.size());
  for (int t = 0; t < n_frames; ++t) {
    for (size_t i = 0; i < frames[t].size(); ++i) {
      const int id = final_id[raw_ids[t][i]];
      if (id < 0) continue;
      Detection d = frames[t][i];
      d.id = id;
      result.frames[t].push_back(std::move(d));
      result.source_index[t].push_back(static_cast<int>(i));
    }
  }
  return result;
}

}  // namespace autofocus
