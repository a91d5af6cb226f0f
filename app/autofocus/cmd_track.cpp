// `autofocus track DETECTIONS.json --out TRACKS.json`: IoU tracking and sub-sequences.
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "app/autofocus/console_progress.h"
#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/track/subsequences.h"
#include "core/track/track_json.h"
#include "core/track/tracker.h"

namespace autofocus::cli {
namespace {

struct TrackCliOptions {
  std::string input;              // detections JSON
  std::string out;                // tracks JSON to write
  std::string preset = "default";  // default | paper: the base the flags override
  std::string mode;               // hungarian | greedy (empty: the preset's)
  std::string motion;             // none | constant_velocity (empty: the preset's)
  float iou = -1;                 // < 0: the mode's default
  bool no_label_gating = false;   // let any label continue any track
  int max_gap = -1;               // < 0: the preset's
  int min_track_length = -1;      // < 0: the preset's
  float high_score = -1;          // < 0: the preset's
  int confirm_hits = -1;          // < 0: the preset's
  int min_segment_length = -1;    // < 0: the preset's
  int min_track_frames = -1;      // < 0: the preset's
  int split_on_exit = -1;         // < 0: the preset's; 0/1
  TrackerOptions tracker;         // resolved from the preset and flags
  SubsequenceOptions segments;    // resolved from the preset and flags
};

int RunTrack(TrackCliOptions o) {
  if (o.preset == "paper") {
    o.tracker = TrackerOptions::Paper();
    o.segments = SubsequenceOptions::Paper();
  }
  // Regime boundaries need actions, which a detections file does not carry.
  o.segments.split_on_regime = false;
  if (!o.mode.empty()) o.tracker.mode = ParseTrackerMode(o.mode, "--mode");
  if (!o.motion.empty()) o.tracker.motion = ParseMotionModel(o.motion, "--motion");
  if (o.max_gap >= 0) o.tracker.max_gap = o.max_gap;
  if (o.min_track_length >= 0) o.tracker.min_track_length = o.min_track_length;
  if (o.high_score >= 0) o.tracker.high_score = o.high_score;
  if (o.confirm_hits >= 0) o.tracker.confirm_hits = o.confirm_hits;
  if (o.min_segment_length >= 0) o.segments.min_length = o.min_segment_length;
  if (o.min_track_frames >= 0) o.segments.min_track_frames = o.min_track_frames;
  if (o.split_on_exit >= 0) o.segments.split_on_exit = o.split_on_exit != 0;
  if (o.iou >= 0) o.tracker.iou_threshold = o.iou;
  o.tracker.label_gating = !o.no_label_gating;
  // Check options before reading anything so a bad flag fails fast with the flag's name.
  o.tracker.Check();
  o.segments.Check();
  Json doc;
  try {
    doc = LoadJsonFile(o.input);
  } catch (const Json::out_of_range& e) {
    // nlohmann reports numbers like 1e400 as out_of_range, not parse_error; name the file.
    throw Error(o.input, "", std::string("malformed JSON (") + e.what() + ")");
  }
  const auto frames = ParseDetectionFrames(doc, o.input);
  ConsoleProgress console;
  const TrackResult result = Track(frames, o.tracker, console.Callback());
  console.Finish();
  const auto segments = SplitSubsequences(result.frames, o.segments);
  SaveJsonFile(o.out, TracksToJson(doc, result, segments));
  std::cerr << "tracked " << frames.size() << " frames: " << result.tracks.size() << " tracks, "
            << segments.size() << " segments -> " << o.out << "\n";
  return kExitOk;
}

const bool kRegistered = RegisterCommand(40, [](CLI::App& root, Action& action) {
  auto o = std::make_shared<TrackCliOptions>();
  CLI::App* sub = root.add_subcommand(
      "track", "Assign persistent track IDs to per-frame detections and split sub-sequences");
  sub->add_option("DETECTIONS", o->input,
                  "Detections JSON: {\"frames\":[{\"detections\":[{\"box\":[x1,y1,x2,y2],"
                  "\"label\":\"car\",\"score\":0.9}]}]}")
      ->required();
  sub->add_option("--out", o->out, "Output tracks JSON (written atomically)")->required();
  sub->add_option("--preset", o->preset,
                  "default (measured annotation-cost settings) or paper (the paper's tracker and "
                  "sub-sequence rule); the flags below override it")
      ->check(CLI::IsMember({"default", "paper"}))
      ->capture_default_str();
  sub->add_option("--mode", o->mode, "Association: hungarian (paper) or greedy (reference code)")
      ->check(CLI::IsMember({"hungarian", "greedy"}));
  sub->add_option("--motion", o->motion, "Box prediction: none (paper) or constant_velocity")
      ->check(CLI::IsMember({"none", "constant_velocity"}));
  sub->add_option("--iou", o->iou, "Minimum IoU to continue a track (default 0.3 hungarian, 0.2 greedy)")
      ->check(CLI::Range(0.0, 1.0))
      ->check([](const std::string& v) {
        // IoU 0 would let any two boxes continue each other.
        return std::stod(v) > 0 ? std::string() : std::string("--iou must be > 0");
      });
  sub->add_option("--max-gap", o->max_gap, "Frames a track may be unseen and still continue")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--min-track-length", o->min_track_length, "Drop tracks detected in fewer frames")
      ->check(CLI::PositiveNumber);
  sub->add_option("--high-score", o->high_score,
                  "Two-stage association: detections below this score only continue tracks (0 = one stage)")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--confirm-hits", o->confirm_hits, "Detections before a track may bridge a gap")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--no-label-gating", o->no_label_gating,
                "Allow a detection to continue a track of another label");
  sub->add_option("--min-segment-length", o->min_segment_length,
                  "Absorb sub-sequences shorter than N frames into a neighbour (1 = off)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--min-track-frames", o->min_track_frames,
                  "Tracks detected in fewer frames do not split sub-sequences (1 = all count)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--split-on-exit", o->split_on_exit,
                  "1: a track leaving starts a sub-sequence (paper); 0: only entries do")
      ->check(CLI::Range(0, 1));
  sub->callback([o, &action] { action = [o] { return RunTrack(*o); }; });
});

}  // namespace
}  // namespace autofocus::cli
