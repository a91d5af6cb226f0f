#pragma once

#include <vector>

#include "core/base/geometry.h"

namespace autofocus {

// Options of EvaluateTracking().
struct TrackEvalOptions {
  // A predicted box matches a ground-truth box when IoU >= this, in (0, 1].
  float iou_threshold = 0.5f;

  // Throws Error when iou_threshold is out of range.
  void Check() const;
};

// Identity and CLEAR-MOT-style scores of predicted tracks against ground truth.
struct TrackEvalResult {
  // Identity metrics (Ristani et al. 2016): ground-truth and predicted IDs are matched one to
  // one for the whole sequence so that the number of matched detections (IDTP) is maximal.
  long idtp = 0;       // detections of a matched (gt, pred) ID pair that overlap in the same frame
  long idfp = 0;       // predicted detections not counted in IDTP
  long idfn = 0;       // ground-truth detections not counted in IDTP
  double idf1 = 0;     // 2 IDTP / (2 IDTP + IDFP + IDFN); 1 when both sides are empty
  double idp = 0;      // IDTP / (IDTP + IDFP); 1 when there are no predictions
  double idr = 0;      // IDTP / (IDTP + IDFN); 1 when there is no ground truth
  // Per-frame detection matching (optimal: most matches, then highest total IoU).
  long num_gt = 0;     // ground-truth detections
  long num_pred = 0;   // predicted detections
  long tp = 0;         // matched pairs
  long fp = 0;         // unmatched predictions
  long fn = 0;         // unmatched ground truth
  long id_switches = 0;  // matches whose predicted ID differs from the last one matched to that GT ID
  double mota = 0;     // 1 - (fn + fp + id_switches) / num_gt; if num_gt = 0: 1 when fp = 0, else 0
  double motp = 0;     // mean IoU of the matched pairs (0 when there are none)
};

// Scores `predicted` against `ground_truth` (same number of frames; every detection has an id
// >= 0, unique within its frame and side). Labels are not compared. Both assignment steps use
// SolveAssignment. Throws Error naming the frame and detection for a frame count mismatch, a
// negative or duplicate id, or an invalid box.
TrackEvalResult EvaluateTracking(const std::vector<std::vector<Detection>>& predicted,
                                 const std::vector<std::vector<Detection>>& ground_truth,
                                 const TrackEvalOptions& options = {});

}  // namespace autofocus
