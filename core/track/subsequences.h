#pragma once

#include <vector>

#include "core/base/geometry.h"

namespace autofocus {

// Options of SplitSubsequences().
struct SubsequenceOptions {
  // Raw segments shorter than this many frames ("flicker") are absorbed by a neighbour: by the
  // nearest segment of at least min_length frames before them, or, before the first such
  // segment, by the first one after them. Absorbed frames take the absorber's ids; adjacent
  // segments with equal ids are then joined. 1 = off (every change of the active set splits).
  int min_length = 1;
  // A track counts as active from its first to its last detection, so the frames in which a
  // gap-bridged track (TrackerOptions::max_gap > 0) was not detected do not split the
  // sub-sequence. With max_gap = 0 tracks have no gaps and this changes nothing.
  bool bridge_gaps = true;

  // Throws Error when min_length < 1.
  void Check() const;
};

// A contiguous run of frames, [start, end] inclusive.
struct Subsequence {
  int start = 0;         // first frame
  int end = 0;           // last frame (inclusive)
  std::vector<int> ids;  // active track IDs, ascending (empty for frames without objects)

  bool operator==(const Subsequence& o) const {
    return start == o.start && end == o.end && ids == o.ids;
  }
};

// The sorted, distinct track IDs (>= 0) of one frame; detections with id -1 are ignored.
std::vector<int> ActiveIds(const std::vector<Detection>& frame);

// Splits tracked frames into contiguous segments in which the set of active track IDs is
// constant (paper, III-A), subject to `options.min_length`. The segments cover every frame in
// order; no segments for zero frames.
std::vector<Subsequence> SplitSubsequences(const std::vector<std::vector<Detection>>& frames,
                                           const SubsequenceOptions& options = {});

}  // namespace autofocus
