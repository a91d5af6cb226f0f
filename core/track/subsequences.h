#pragma once

#include <string>
#include <vector>

#include "core/base/geometry.h"

namespace autofocus {

// Options of SplitSubsequences(). The defaults were chosen by measurement on the sample world
// (docs/tracking.md); Paper() is the paper's rule (a new sub-sequence whenever the set of
// tracked IDs changes).
struct SubsequenceOptions {
  // Raw segments shorter than this many frames ("flicker") are absorbed by a neighbour: by the
  // nearest segment of at least min_length frames before them, or, before the first such
  // segment, by the first one after them. Adjacent segments with equal ids are then joined.
  // 1 = off (every change of the active set splits).
  int min_length = 5;
  // A track counts as active from its first to its last detection, so the frames in which a
  // gap-bridged track (TrackerOptions::max_gap > 0) was not detected do not split the
  // sub-sequence: a short absence of the same track carries its key-object decision over.
  bool bridge_gaps = true;
  // Enter hysteresis: a track detected in fewer frames never enters the active set (it cannot
  // split a sub-sequence nor be a candidate). 1 = every track counts.
  int min_track_frames = 4;
  // true (paper): a track leaving the active set also starts a new sub-sequence. false: only a
  // track entering (or a regime change) does; the decision carries on for the tracks that stay.
  bool split_on_exit = false;
  // Offer a boundary where the per-frame regime label changes (SplitSubsequences' `regimes`,
  // e.g. the expert's action described as "cruising" / "preparing to stop").
  bool split_on_regime = true;
  // A regime must hold for this many frames before its change counts (shorter runs keep the
  // previous regime), so a one-frame tap on the brake does not cost a question.
  int regime_min_frames = 5;

  // Sub-sequences longer than this are cut into equal parts no shorter than half of it, so a
  // decision is never older than max_length frames (relevance also changes without a visible
  // event: a car ahead closing in). 0 = no limit.
  int max_length = 0;

  // The paper's rule: every change of the set of tracked IDs, no flicker merging, no regimes.
  static SubsequenceOptions Paper();
  // Throws Error when a count is < 1 (max_length < 0).
  void Check() const;
};

// A contiguous run of frames, [start, end] inclusive.
struct Subsequence {
  int start = 0;         // first frame
  int end = 0;           // last frame (inclusive)
  std::vector<int> ids;  // active track IDs, ascending (empty for frames without objects); with
                         // split_on_exit = false, every track active in some frame of the run

  bool operator==(const Subsequence& o) const {
    return start == o.start && end == o.end && ids == o.ids;
  }
};

// The sorted, distinct track IDs (>= 0) of one frame; detections with id -1 are ignored.
std::vector<int> ActiveIds(const std::vector<Detection>& frame);

// Splits tracked frames into contiguous segments in which the set of active track IDs is
// constant (paper, III-A), subject to the options: hysteresis (`min_track_frames`,
// `bridge_gaps`), entries only (`split_on_exit`), regime changes and `min_length`. `regimes` is
// empty or one label per frame. The segments cover every frame in order; no segments for zero
// frames. Tracks whose label is in `quiet_labels` (classes the global context rated as mere
// context) join the active set without starting a sub-sequence when split_on_exit is false.
// Throws Error when `regimes` has the wrong length.
std::vector<Subsequence> SplitSubsequences(const std::vector<std::vector<Detection>>& frames,
                                           const SubsequenceOptions& options = {},
                                           const std::vector<std::string>& regimes = {},
                                           const std::vector<std::string>& quiet_labels = {});

// `labels` with every run shorter than `min_frames` replaced by the label before it (the first
// run is kept), so only changes that hold count.
std::vector<std::string> StableRegimes(const std::vector<std::string>& labels, int min_frames);

}  // namespace autofocus
