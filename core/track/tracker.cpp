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
  float vx = 0, vy = 0;  // smoothed centre velocity in pixels per frame
  bool has_velocity = false;
};

// `b` enlarged by `f` times its width / height on every side (buffered IoU).
Box Buffered(Box b, float f) {
  if (f <= 0.f) return b;
  const float dx = f * b.Width(), dy = f * b.Height();
  return {b.x1 - dx, b.y1 - dy, b.x2 + dx, b.y2 + dy};
}

// The box a track is expected at in frame t.
Box Predict(const TrackState& s, int t, MotionModel motion) {
  if (motion == MotionModel::kNone || !s.has_velocity) return s.box;
  const float dt = static_cast<float>(t - s.last_frame);
  Box b = s.box;
  b.x1 += s.vx * dt;
  b.x2 += s.vx * dt;
  b.y1 += s.vy * dt;
  b.y2 += s.vy * dt;
  return b;
}

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

MotionModel ParseMotionModel(const std::string& text, const std::string& where) {
  if (text == "none") return MotionModel::kNone;
  if (text == "constant_velocity") return MotionModel::kConstantVelocity;
  throw Error("", where, "unknown motion model '" + text + "' (expected none or constant_velocity)");
}

std::string MotionModelName(MotionModel model) {
  return model == MotionModel::kConstantVelocity ? "constant_velocity" : "none";
}

TrackerOptions TrackerOptions::Paper() {
  TrackerOptions o;
  o.mode = TrackerMode::kHungarian;
  o.iou_threshold.reset();
  o.label_gating = true;
  o.max_gap = 0;
  o.min_track_length = 1;
  o.motion = MotionModel::kNone;
  o.high_score = 0.f;
  o.confirm_hits = 1;
  o.iou_buffer = 0.f;
  return o;
}

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
  if (!(velocity_smoothing > 0.f && velocity_smoothing <= 1.f)) {
    throw Error("", "velocity_smoothing", "must be in (0, 1], got " + std::to_string(velocity_smoothing));
  }
  if (!(high_score >= 0.f && high_score <= 1.f)) {
    throw Error("", "high_score", "must be in [0, 1], got " + std::to_string(high_score));
  }
  if (!(iou_buffer >= 0.f && iou_buffer <= 2.f)) {
    throw Error("", "iou_buffer", "must be in [0, 2], got " + std::to_string(iou_buffer));
  }
  if (confirm_hits < 1) throw Error("", "confirm_hits", "must be >= 1, got " + std::to_string(confirm_hits));
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
  const bool two_stage = options.high_score > 0.f;

  // Matches the detections `det_idx` of frame t against the tracks `cand` (indices into
  // `alive`); writes det_to_alive for the matched ones.
  auto associate = [&](int t, const std::vector<int>& cand, const std::vector<int>& det_idx,
                       std::vector<int>& det_to_alive) {
    const auto& dets = frames[static_cast<size_t>(t)];
    std::vector<Box> track_boxes, det_boxes;
    std::vector<int> track_groups, det_groups;
    for (int a : cand) {
      const TrackState& s = tracks[static_cast<size_t>(alive[static_cast<size_t>(a)])];
      track_boxes.push_back(Buffered(Predict(s, t, options.motion), options.iou_buffer));
      if (options.label_gating) track_groups.push_back(group_of(s.label));
    }
    for (int i : det_idx) {
      det_boxes.push_back(Buffered(dets[static_cast<size_t>(i)].box, options.iou_buffer));
      if (options.label_gating) det_groups.push_back(group_of(dets[static_cast<size_t>(i)].label));
    }
    const std::vector<BoxPair> pairs =
        OverlappingPairs(track_boxes, det_boxes, threshold, track_groups, det_groups);
    std::vector<int> local(det_idx.size(), -1);
    if (options.mode == TrackerMode::kGreedy) {
      MatchGreedy(static_cast<int>(cand.size()), pairs, local);
    } else {
      MatchHungarian(static_cast<int>(cand.size()), static_cast<int>(det_idx.size()), pairs, local);
    }
    for (size_t j = 0; j < det_idx.size(); ++j) {
      if (local[j] >= 0) det_to_alive[static_cast<size_t>(det_idx[j])] = cand[static_cast<size_t>(local[j])];
    }
  };

  for (int t = 0; t < n_frames; ++t) {
    ThrowIfStopped(stop);
    const auto& dets = frames[t];
    const int n_dets = static_cast<int>(dets.size());
    // Tracks unseen for more than max_gap frames can never come back: forget them. Tentative
    // tracks get no gap at all.
    alive.erase(std::remove_if(alive.begin(), alive.end(),
                               [&](int k) {
                                 const TrackState& s = tracks[static_cast<size_t>(k)];
                                 const int gap = s.length < options.confirm_hits ? 0 : options.max_gap;
                                 return t - s.last_frame > gap + 1;
                               }),
                alive.end());

    std::vector<int> high, low;
    for (int i = 0; i < n_dets; ++i) {
      (two_stage && dets[static_cast<size_t>(i)].score < options.high_score ? low : high).push_back(i);
    }
    std::vector<int> all_tracks(alive.size());
    for (size_t a = 0; a < alive.size(); ++a) all_tracks[a] = static_cast<int>(a);
    std::vector<int> det_to_alive(static_cast<size_t>(n_dets), -1);
    associate(t, all_tracks, high, det_to_alive);
    if (!low.empty()) {
      // Second stage: the low-scoring detections may only continue tracks the confident ones
      // left unmatched (an occluded or blurred object keeps its track).
      std::vector<char> used(alive.size(), 0);
      for (int i : high) {
        if (det_to_alive[static_cast<size_t>(i)] >= 0) used[static_cast<size_t>(det_to_alive[static_cast<size_t>(i)])] = 1;
      }
      std::vector<int> rest;
      for (size_t a = 0; a < alive.size(); ++a) {
        if (!used[a]) rest.push_back(static_cast<int>(a));
      }
      associate(t, rest, low, det_to_alive);
    }

    auto& ids = raw_ids[t];
    ids.assign(static_cast<size_t>(n_dets), -1);
    const size_t n_alive_before = alive.size();
    for (int i = 0; i < n_dets; ++i) {
      int k;
      const int a = det_to_alive[static_cast<size_t>(i)];
      if (a >= 0 && static_cast<size_t>(a) < n_alive_before) {
        k = alive[static_cast<size_t>(a)];
      } else if (two_stage && dets[static_cast<size_t>(i)].score < options.high_score) {
        continue;  // an unmatched low-scoring detection starts nothing and is left out
      } else {
        k = static_cast<int>(tracks.size());
        tracks.push_back({dets[i].label, dets[i].box, t, t, 0});
        alive.push_back(k);
      }
      TrackState& s = tracks[static_cast<size_t>(k)];
      if (s.length > 0 && options.motion == MotionModel::kConstantVelocity) {
        const float dt = static_cast<float>(t - s.last_frame);
        const float vx = (dets[i].box.CenterX() - s.box.CenterX()) / dt;
        const float vy = (dets[i].box.CenterY() - s.box.CenterY()) / dt;
        const float w = s.has_velocity ? options.velocity_smoothing : 1.f;
        s.vx = w * vx + (1 - w) * s.vx;
        s.vy = w * vy + (1 - w) * s.vy;
        s.has_velocity = true;
      }
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
      const int raw = raw_ids[t][i];
      const int id = raw < 0 ? -1 : final_id[static_cast<size_t>(raw)];
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
