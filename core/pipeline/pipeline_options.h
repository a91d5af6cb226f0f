#pragma once

#include <string>

#include "core/base/json_io.h"
#include "core/saliency/saliency_options.h"
#include "core/track/subsequences.h"
#include "core/track/tracker.h"

namespace autofocus {

// Every setting of a pipeline run. Read from one JSON file (all fields optional; the defaults
// below are the paper's) and overridable by CLI flags. `vlm` and `detector` configure the
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

  TrackerOptions tracker;          // association (Hungarian on 1 - IoU by default)
  SubsequenceOptions subsequences;  // flicker merging (off by default)
  SaliencyOptions saliency;        // Eq. 1 parameters (stored with the project)

  int episode_workers = 2;   // episodes processed at once
  int request_workers = 8;   // model requests in flight at once (backends also bound per endpoint)
  bool offline = false;      // answer only from the exchange cache; report what is missing

  Json vlm = {{"kind", "oracle"}};       // VLM backend configuration
  Json detector = {{"kind", "oracle"}};  // detector configuration

  // Throws Error naming the field when a value is out of range.
  void Check() const;
  Json ToJson() const;
  // Missing fields keep their defaults; unknown fields are rejected (typos must not pass
  // silently). Errors name `file` and the field.
  static PipelineOptions FromJson(const Json& j, const std::string& file);
};

// A backend config (vlm or detector) without the settings that only say where and how to reach
// a server (base_url, timeouts, retry, key variable, ...; nested "merge" members included).
// They do not shape answers, so they stay out of cache keys and stage hashes: a server
// restarted on another port, or a shard job with its own instance, reuses every result.
Json WithoutTransport(Json config);

// Tracker options as JSON ({"mode","iou_threshold","label_gating","max_gap","min_track_length"}).
Json TrackerOptionsToJson(const TrackerOptions& o);
TrackerOptions TrackerOptionsFromJson(const Json& j, const std::string& file);

}  // namespace autofocus
