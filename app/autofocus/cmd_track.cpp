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
  std::string mode = "hungarian";  // hungarian | greedy
  float iou = -1;                 // < 0: the mode's default
  bool no_label_gating = false;   // let any label continue any track
  TrackerOptions tracker;         // max_gap, min_track_length
  SubsequenceOptions segments;    // min_length
};

int RunTrack(TrackCliOptions o) {
  o.tracker.mode = ParseTrackerMode(o.mode, "--mode");
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
  sub->add_option("--mode", o->mode, "Association: hungarian (paper) or greedy (reference code)")
      ->check(CLI::IsMember({"hungarian", "greedy"}))
      ->capture_default_str();
  sub->add_option("--iou", o->iou, "Minimum IoU to continue a track (default 0.3 hungarian, 0.2 greedy)")
      ->check(CLI::Range(0.0, 1.0))
      ->check([](const std::string& v) {
        // IoU 0 would let any two boxes continue each other.
        return std::stod(v) > 0 ? std::string() : std::string("--iou must be > 0");
      });
  sub->add_option("--max-gap", o->tracker.max_gap, "Frames a track may be unseen and still continue")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--min-track-length", o->tracker.min_track_length,
                  "Drop tracks detected in fewer frames")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_flag("--no-label-gating", o->no_label_gating,
                "Allow a detection to continue a track of another label");
  sub->add_option("--min-segment-length", o->segments.min_length,
                  "Absorb sub-sequences shorter than N frames into a neighbour (1 = off)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->callback([o, &action] { action = [o] { return RunTrack(*o); }; });
});

}  // namespace
}  // namespace autofocus::cli
