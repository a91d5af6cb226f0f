#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/geometry.h"
#include "core/base/progress.h"

namespace autofocus {

// How detections of consecutive frames are associated.
enum class TrackerMode {
  kHungarian,  // optimal assignment on 1 - IoU (the paper)
  kGreedy,     // per label, highest IoU first (the reference code)
};

// Parses "hungarian" / "greedy"; throws Error naming `where` otherwise.
TrackerMode ParseTrackerMode(const std::string& text, const std::string& where = "mode");
// "hungarian" / "greedy".
std::string TrackerModeName(TrackerMode mode);

// How a track's box is predicted at the frame it is matched in.
enum class MotionModel {
  kNone,              // the track's last box (the paper and the reference code)
  kConstantVelocity,  // the last box moved by the track's smoothed centre velocity x frames
                      // since it was last seen, so tracks are matched across gaps and crossings
};

// Parses "none" / "constant_velocity"; throws Error naming `where` otherwise.
MotionModel ParseMotionModel(const std::string& text, const std::string& where = "motion");
// "none" / "constant_velocity".
std::string MotionModelName(MotionModel model);

// Options of the IoU tracker. The defaults were chosen by measurement on the sample world
// (docs/tracking.md): Hungarian association in two stages by score (ByteTrack), constant-velocity
// prediction, a 3-frame track buffer and 2-hit confirmation. Paper() reproduces the paper;
// Paper() with `mode = kGreedy` reproduces the reference code.
struct TrackerOptions {
  // Association algorithm.
  TrackerMode mode = TrackerMode::kHungarian;
  // Minimum IoU for a detection to continue a track, in (0, 1]. Unset = the mode's default:
  // 0.3 for hungarian, 0.2 for greedy (the reference code). See IouThreshold().
  std::optional<float> iou_threshold;
  // A track is only continued by a detection with the same label (a car never continues a
  // pedestrian's track).
  bool label_gating = true;
  // Frames a track may go unseen and still be continued (the track buffer; 0 = only from the
  // previous frame, as in the paper and the reference code).
  int max_gap = 3;
  // Tracks detected in fewer frames are dropped: their detections are removed from the output
  // and the remaining tracks are renumbered. 1 = keep everything.
  int min_track_length = 2;
  // Box prediction used for matching (kNone in the paper).
  MotionModel motion = MotionModel::kConstantVelocity;
  // Weight of the newest frame-to-frame velocity in the smoothed velocity, in (0, 1].
  float velocity_smoothing = 0.5f;
  // Two-stage association (ByteTrack): detections scoring >= high_score are matched first, then
  // the lower-scoring ones only against the tracks still unmatched; a low-scoring detection
  // never starts a track (it is left out of the output). 0 = one stage over all detections.
  float high_score = 0.6f;
  // Buffered IoU (C-BIoU): boxes are enlarged by this fraction of their width and height on
  // every side before the IoU is taken, so jittered small boxes and fast motion still overlap.
  // 0 = plain IoU (the paper).
  float iou_buffer = 0.3f;
  // A track is tentative until it has this many detections; a tentative track missed in one
  // frame is ended (false positives do not bridge gaps). 1 = every track is confirmed at once.
  int confirm_hits = 2;

  // The paper's tracker (Hungarian on 1 - IoU against the last box, no gaps, no motion, one
  // stage, keep every track): today's results reproduced exactly by `--preset paper`.
  static TrackerOptions Paper();

  // The threshold in effect: iou_threshold, or the mode's default.
  float IouThreshold() const;
  // Throws Error when an option is out of range.
  void Check() const;
};

// One track of the result.
struct TrackSummary {
  int id = 0;           // track ID (0, 1, ... in order of first appearance)
  std::string label;    // label of the track's first detection
  int first_frame = 0;  // first frame the track is detected in
  int last_frame = 0;   // last frame the track is detected in (inclusive)
  int length = 0;       // number of frames the track is detected in (<= last - first + 1)
};

// The output of Track().
struct TrackResult {
  // The input frames with `id` set on every detection; detections of dropped tracks are removed.
  std::vector<std::vector<Detection>> frames;
  // For each output detection, its index in the input frame (to carry extra fields along).
  std::vector<std::vector<int>> source_index;
  // All tracks, ordered by id.
  std::vector<TrackSummary> tracks;
};

// Assigns persistent track IDs to per-frame detections (input ids are ignored). IDs start at 0
// and are given in order of first appearance (frame, then detection order), so the result is
// deterministic. Each frame's detections are associated with the tracks alive at that frame
// (last seen at most max_gap + 1 frames earlier; tentative tracks only from the previous frame),
// matched against each track's predicted box (`motion`), confident detections first when
// `high_score` > 0; a confident detection that continues no track starts a new one. Throws Error naming
// frames[t].detections[i].box for a non-finite or inverted box, Cancelled when `stop` is set.
TrackResult Track(const std::vector<std::vector<Detection>>& frames, const TrackerOptions& options,
                  const ProgressCallback& progress = {}, const StopCheck& stop = {});

// Throws Error(file, where, reason) when `box` has a non-finite coordinate or x2 < x1 / y2 < y1.
void CheckBox(const Box& box, const std::string& file, const std::string& where);

}  // namespace autofocus
