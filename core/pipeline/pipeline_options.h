#pragma once

#include <string>

#include "core/base/json_io.h"
#include "core/saliency/saliency_options.h"
#include "core/track/subsequences.h"
#include "core/track/tracker.h"

namespace autofocus {

// Every setting of a pipeline run. Read from one JSON file (all fields optional) and
// overridable by CLI flags. The defaults below are the paper's method with the annotation-cost
// settings chosen by measurement on the sample world (docs/tracking.md); Paper() (`--preset
// paper`, examples/pipeline-paper.json) is the paper's rule exactly. `vlm` and `detector` configure the
// backends (see backend_factory.h); they are kept as JSON so new backend kinds need no change
// here.
struct PipelineOptions {
  // How the frames for the global-context query are chosen.
  int sample_frames = 25;  // equidistant frames per demonstration (paper: 25); used when stride = 0
  int sample_stride = 0;   // > 0: every stride-th frame instead of a fixed count

  // Global context once per episode (paper) or once per group of episodes sharing a task.
  enum class ContextScope { kPerEpisode, kPerGroup };
  ContextScope context_scope = ContextScope::kPerEpisode;  // who shares a global context
  std::string group_key = "task";  // per_group: the episode metadata field naming the group
  std::string domain = "driving";  // prompt family: "driving" | "manipulation"

  int max_key_objects = 3;     // at most this many key objects per sub-sequence (reference: 3)
  int missing_rerun_cap = 2;   // re-detection iterations for missing categories (reference: 2)

  TrackerOptions tracker;           // association (two-stage Hungarian with motion by default)
  SubsequenceOptions subsequences;  // hysteresis, entries, regimes, flicker merging
  SaliencyOptions saliency;         // Eq. 1 parameters (stored with the project)

  // Which frame of a sub-sequence the key-object question shows.
  enum class AskFrame {
    kStart,        // its first frame (the paper)
    kMostPresent,  // the frame nearest its middle among those on which the most of its
                   // tracks are detected (tracks that entered in absorbed flicker are on the
                   // image the VLM sees; a decision is stale for at most about half of it)
    kCentral,      // as kMostPresent, searched in the central half of the sub-sequence only
  };
  AskFrame ask_frame = AskFrame::kMostPresent;  // see AskFrame
  // Key boxes of a key track are filled in, by linear interpolation, in the frames of its
  // bridged gaps (marked "interpolated" in key_objects.json): the object is there, the detector
  // missed it. false = only detected boxes (the paper).
  bool interpolate_key_gaps = true;
  // Where regime labels for sub-sequence boundaries come from: "none"; "description" (the
  // expert's action described as in the key-object prompt: cruising, coasting, turning,
  // preparing to stop, stopped); "longitudinal" (the same description without the turns:
  // speeding up, coasting, braking, stopped). Driving action spaces only.
  std::string action_regimes = "longitudinal";
  // Also a boundary where an action dimension jumps between two frames by more than this
  // fraction of its range (of the episode's observed range when the spec has none): the expert
  // reacting to something (braking at a light turning red, a gripper closing). Works for any
  // action space; 0 = off.
  double action_jump = 0.05;
  // Regime labels of frame t describe frames [t+lookahead-4, t+lookahead] (the prompt's 5-frame
  // window, shifted forward): the pipeline works offline, so a label may look ahead, and a
  // boundary lands where the action changed instead of a few frames after it. 0 = trailing
  // window (before this option existed). 3 was measured best (docs/tracking.md).
  int regime_lookahead = 3;
  // Vocabulary classes the global context rates with one of these relevance values (the
  // prompt's categories) do not start a sub-sequence when they appear (they still join it as
  // candidates): a billboard coming into view is not a reason to ask again.
  std::vector<std::string> quiet_relevance = {"context", "background"};
  // Where a missing category the VLM names is looked for: "sub_sequence" (the paper: that
  // sub-sequence is re-detected, re-tracked and asked again) or "episode" (the category joins the
  // episode's vocabulary: it is detected on every frame, its tracks join the episode's, the
  // sub-sequences are split again and only questions that changed are asked; an object of a
  // forgotten class then gets its own sub-sequence boundary and is a candidate everywhere).
  std::string vocabulary_scope = "episode";
  // Frames of an episode whose detection failed after retries (recorded empty and flagged) may
  // be at most this fraction before the episode fails, in [0, 1].
  double detect_failure_cap = 0.05;

  int episode_workers = 2;   // episodes processed at once
  int request_workers = 8;   // model requests in flight at once (backends also bound per endpoint)
  bool offline = false;      // answer only from the exchange cache; report what is missing

  Json vlm = {{"kind", "oracle"}};       // VLM backend configuration
  Json detector = {{"kind", "oracle"}};  // detector configuration

  // The paper's settings: tracker and sub-sequence rule of the paper, first-frame questions, no
  // interpolation, no regimes (today's results before the annotation-cost defaults).
  static PipelineOptions Paper();
  // The named preset: "default" or "paper"; Error naming `where` otherwise.
  static PipelineOptions Preset(const std::string& name, const std::string& where = "preset");

  // Throws Error naming the field when a value is out of range.
  void Check() const;
  Json ToJson() const;
  // Missing fields keep their defaults; unknown fields are rejected (typos must not pass
  // silently). Errors name `file` and the field.
  static PipelineOptions FromJson(const Json& j, const std::string& file);
};

// "start" / "most_present" / "central".
std::string AskFrameName(PipelineOptions::AskFrame a);

// A backend config (vlm or detector) without the settings that only say where and how to reach
// a server (base_url, timeouts, retry, key variable, ...; nested "merge" members included).
// They do not shape answers, so they stay out of cache keys and stage hashes: a server
// restarted on another port, or a shard job with its own instance, reuses every result.
Json WithoutTransport(Json config);

// Tracker options as JSON ({"mode","iou_threshold","label_gating","max_gap","min_track_length",
// "motion","velocity_smoothing","high_score","confirm_hits"}).
Json TrackerOptionsToJson(const TrackerOptions& o);
// Missing fields keep the values of `base`.
TrackerOptions TrackerOptionsFromJson(const Json& j, const std::string& file,
                                      const TrackerOptions& base = {});

}  // namespace autofocus
