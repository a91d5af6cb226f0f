#include "widgets/timeline/track_lanes.h"

#include <algorithm>
#include <map>

#include "widgets/studio_document.h"

namespace autofocus {
namespace {

bool InRuns(const std::vector<std::pair<int, int>>& runs, int frame) {
  // Runs are sorted and disjoint (the short-tracks lane's are sorted by start): the last run
  // starting at or before `frame` is the only one of a track that can hold it.
  auto it = std::upper_bound(runs.begin(), runs.end(), frame,
                             [](int f, const std::pair<int, int>& r) { return f < r.first; });
  for (auto r = runs.begin(); r != it; ++r) {
    if (frame <= r->second) return true;
  }
  return false;
}

void AddFrame(std::vector<std::pair<int, int>>& runs, int t) {
  if (!runs.empty() && runs.back().second >= t) return;
  if (!runs.empty() && runs.back().second == t - 1) {
    runs.back().second = t;
  } else {
    runs.emplace_back(t, t);
  }
}

}  // namespace

bool TrackLane::PresentAt(int frame) const {
  return InRuns(present, frame);
}

bool TrackLane::KeyAt(int frame) const {
  return InRuns(key, frame);
}

std::vector<TrackLane> BuildTrackLanes(const StudioEpisode& ep) {
  std::map<int, TrackLane> by_id;
  auto lane_of = [&](const Detection& d) -> TrackLane& {
    TrackLane& l = by_id[d.id];
    if (l.id < 0) {
      l.id = d.id;
      l.label = d.label;
    }
    return l;
  };
  for (int t = 0; t < ep.num_frames(); ++t) {
    for (const auto& d : ep.tracked[static_cast<size_t>(t)]) {
      if (d.id >= 0) AddFrame(lane_of(d).present, t);
    }
    for (const auto& d : ep.key_boxes[static_cast<size_t>(t)]) {
      if (d.id >= 0) AddFrame(lane_of(d).key, t);
    }
  }
  std::vector<TrackLane> out;
  out.reserve(by_id.size());
  for (auto& [id, lane] : by_id) {
    for (const auto& [a, b] : lane.present) lane.length += b - a + 1;
    const int fp = lane.present.empty() ? ep.num_frames() : lane.present.front().first;
    const int fk = lane.key.empty() ? ep.num_frames() : lane.key.front().first;
    lane.first = std::min(fp, fk);
    out.push_back(std::move(lane));
  }
  // by_id iterates in ID order, so a stable sort leaves equal first frames in ID order.
  std::stable_sort(out.begin(), out.end(),
                   [](const TrackLane& a, const TrackLane& b) { return a.first < b.first; });
  return out;
}

std::vector<TrackLane> SelectLanes(const std::vector<TrackLane>& all, const LaneOptions& o,
                                   int frame) {
  std::vector<TrackLane> out;
  std::vector<const TrackLane*> shorts;
  for (const TrackLane& l : all) {
    bool keep = true;
    switch (o.filter) {
      case LaneFilter::kAll:
        break;
      case LaneFilter::kKeyOnly:
        keep = l.IsKey();
        break;
      case LaneFilter::kPresentNow:
        keep = l.PresentAt(frame);
        break;
      case LaneFilter::kLongerThan:
        keep = l.length > o.min_length;
        break;
    }
    if (!keep) continue;
    if (o.short_length > 0 && l.length < o.short_length && !l.IsKey()) {
      shorts.push_back(&l);
    } else {
      out.push_back(l);
    }
  }
  if (shorts.size() == 1) {
    out.push_back(*shorts.front());  // one short track needs no group
  } else if (shorts.size() > 1) {
    TrackLane group;
    group.first = shorts.front()->first;
    group.collapsed = static_cast<int>(shorts.size());
    for (const TrackLane* l : shorts) {
      group.length += l->length;
      group.present.insert(group.present.end(), l->present.begin(), l->present.end());
    }
    std::sort(group.present.begin(), group.present.end());
    out.push_back(std::move(group));
  }
  return out;
}

}  // namespace autofocus
