#pragma once

#include <string>
#include <utility>
#include <vector>

namespace autofocus {

struct StudioEpisode;

// One lane of the timeline: a track of the episode, or the lane that collapses the short tracks.
struct TrackLane {
  int id = -1;                               // track ID (-1 for the short-tracks lane)
  std::string label;                         // class name (empty for the short-tracks lane)
  int first = 0;                             // first frame present
  int length = 0;                            // frames present
  std::vector<std::pair<int, int>> present;  // inclusive frame runs where the track is detected
  std::vector<std::pair<int, int>> key;      // inclusive frame runs where it is a key object
  int collapsed = 0;  // tracks collapsed into this lane (short-tracks lane), else 0
  // True when the lane has a box at `frame`.
  bool PresentAt(int frame) const;
  // True when the lane is a key object at `frame`.
  bool KeyAt(int frame) const;
  // True when the track is a key object anywhere.
  bool IsKey() const { return !key.empty(); }
};

// Which tracks get a lane.
enum class LaneFilter { kAll, kKeyOnly, kPresentNow, kLongerThan };

// How the timeline chooses and groups its lanes.
struct LaneOptions {
  LaneFilter filter = LaneFilter::kAll;  // which tracks are shown
  int min_length = 10;   // kLongerThan: shown when present more than this many frames
  int short_length = 3;  // tracks present fewer frames than this (and never key)
                         // share one "short tracks" lane; 0 keeps every lane
};

// Every track of the episode (tracked and key boxes), sorted by first appearance, then ID.
std::vector<TrackLane> BuildTrackLanes(const StudioEpisode& episode);

// The lanes to show at `frame`: `all` filtered by `options`, in the same order, with the short
// tracks merged into one lane at the end.
std::vector<TrackLane> SelectLanes(const std::vector<TrackLane>& all, const LaneOptions& options,
                                   int frame);

}  // namespace autofocus
