#include "core/pipeline/pipeline_options.h"

#include <set>

#include "core/base/error.h"

namespace autofocus {
namespace {

template <typename T>
T Get(const Json& j, const char* key, const T& fallback, const std::string& file,
      const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  try {
    return it->get<T>();
  } catch (const Json::exception&) {
    throw Error(file, where.empty() ? key : where + "." + key, "has the wrong type");
  }
}

void RejectUnknown(const Json& j, const std::set<std::string>& known, const std::string& file,
                   const std::string& where) {
  for (const auto& [k, v] : j.items()) {
    if (!known.count(k)) {
      throw Error(file, where.empty() ? k : where + "." + k, "unknown option");
    }
  }
}

}  // namespace

Json WithoutTransport(Json j) {
  static const char* const kTransport[] = {"base_url", "extra_base_urls", "endpoint_selection",
                                           "max_in_flight", "api_key_env", "connect_timeout_s",
                                           "total_timeout_s", "retry"};
  if (j.is_object()) {
    for (const char* k : kTransport) j.erase(k);
  }
  if (j.is_object() || j.is_array()) {
    for (auto it = j.begin(); it != j.end(); ++it) *it = WithoutTransport(*it);
  }
  return j;
}


Json TrackerOptionsToJson(const TrackerOptions& o) {
  Json j = {{"mode", TrackerModeName(o.mode)},
            {"label_gating", o.label_gating},
            {"max_gap", o.max_gap},
            {"min_track_length", o.min_track_length}};
  j["iou_threshold"] = o.iou_threshold ? Json(*o.iou_threshold) : Json(nullptr);
  return j;
}

TrackerOptions TrackerOptionsFromJson(const Json& j, const std::string& file) {
  if (!j.is_object()) throw Error(file, "tracker", "expected an object");
  RejectUnknown(j, {"mode", "iou_threshold", "label_gating", "max_gap", "min_track_length"}, file,
                "tracker");
  TrackerOptions o;
  if (j.contains("mode")) o.mode = ParseTrackerMode(Get<std::string>(j, "mode", "", file, "tracker"), "tracker.mode");
  if (j.contains("iou_threshold") && !j["iou_threshold"].is_null()) {
    o.iou_threshold = Get<float>(j, "iou_threshold", 0.f, file, "tracker");
  }
  o.label_gating = Get<bool>(j, "label_gating", o.label_gating, file, "tracker");
  o.max_gap = Get<int>(j, "max_gap", o.max_gap, file, "tracker");
  o.min_track_length = Get<int>(j, "min_track_length", o.min_track_length, file, "tracker");
  return o;
}

void PipelineOptions::Check() const {
  if (sample_frames < 1) throw Error("", "sample_frames", "must be at least 1");
  if (sample_stride < 0) throw Error("", "sample_stride", "must be >= 0");
  if (domain != "driving" && domain != "manipulation") {
    throw Error("", "domain", "must be \"driving\" or \"manipulation\"");
  }
  if (context_scope == ContextScope::kPerGroup && group_key.empty()) {
    throw Error("", "group_key", "must name an episode metadata field when context_scope is per_group");
  }
  if (max_key_objects < 1) throw Error("", "max_key_objects", "must be at least 1");
  if (missing_rerun_cap < 0) throw Error("", "missing_rerun_cap", "must be >= 0");
  if (episode_workers < 1) throw Error("", "episode_workers", "must be at least 1");
  if (request_workers < 1) throw Error("", "request_workers", "must be at least 1");
  if (!vlm.is_object() || !vlm.contains("kind")) throw Error("", "vlm.kind", "missing");
  if (!detector.is_object() || !detector.contains("kind")) throw Error("", "detector.kind", "missing");
  tracker.Check();
  subsequences.Check();
  saliency.Check();
}

Json PipelineOptions::ToJson() const {
  return {{"sample_frames", sample_frames},
          {"sample_stride", sample_stride},
          {"context_scope", context_scope == ContextScope::kPerEpisode ? "per_episode" : "per_group"},
          {"group_key", group_key},
          {"domain", domain},
          {"max_key_objects", max_key_objects},
          {"missing_rerun_cap", missing_rerun_cap},
          {"tracker", TrackerOptionsToJson(tracker)},
          {"subsequence_min_length", subsequences.min_length},
          {"subsequence_bridge_gaps", subsequences.bridge_gaps},
          {"saliency", saliency.ToJson()},
          {"episode_workers", episode_workers},
          {"request_workers", request_workers},
          {"offline", offline},
          {"vlm", vlm},
          {"detector", detector}};
}

PipelineOptions PipelineOptions::FromJson(const Json& j, const std::string& file) {
  if (!j.is_object()) throw Error(file, "(root)", "expected an object");
  RejectUnknown(j,
                {"sample_frames", "sample_stride", "context_scope", "group_key", "domain",
                 "max_key_objects", "missing_rerun_cap", "tracker", "subsequence_min_length",
                 "subsequence_bridge_gaps",
                 "saliency", "episode_workers", "request_workers", "offline", "vlm", "detector"},
                file, "");
  PipelineOptions o;
  o.sample_frames = Get<int>(j, "sample_frames", o.sample_frames, file, "");
  o.sample_stride = Get<int>(j, "sample_stride", o.sample_stride, file, "");
  const std::string scope = Get<std::string>(j, "context_scope", "per_episode", file, "");
  if (scope == "per_episode") {
    o.context_scope = ContextScope::kPerEpisode;
  } else if (scope == "per_group") {
    o.context_scope = ContextScope::kPerGroup;
  } else {
    throw Error(file, "context_scope", "must be \"per_episode\" or \"per_group\", got \"" + scope + "\"");
  }
  o.group_key = Get<std::string>(j, "group_key", o.group_key, file, "");
  o.domain = Get<std::string>(j, "domain", o.domain, file, "");
  o.max_key_objects = Get<int>(j, "max_key_objects", o.max_key_objects, file, "");
  o.missing_rerun_cap = Get<int>(j, "missing_rerun_cap", o.missing_rerun_cap, file, "");
  if (j.contains("tracker")) o.tracker = TrackerOptionsFromJson(j["tracker"], file);
  o.subsequences.min_length = Get<int>(j, "subsequence_min_length", o.subsequences.min_length, file, "");
  o.subsequences.bridge_gaps = Get<bool>(j, "subsequence_bridge_gaps", o.subsequences.bridge_gaps, file, "");
  if (j.contains("saliency")) o.saliency = SaliencyOptions::FromJson(j["saliency"], file, "saliency");
  o.episode_workers = Get<int>(j, "episode_workers", o.episode_workers, file, "");
  o.request_workers = Get<int>(j, "request_workers", o.request_workers, file, "");
  o.offline = Get<bool>(j, "offline", o.offline, file, "");
  if (j.contains("vlm")) o.vlm = j["vlm"];
  if (j.contains("detector")) o.detector = j["detector"];
  try {
    o.Check();
  } catch (const Error& e) {
    throw Error(file, e.where(), e.reason());
  }
  return o;
}

}  // namespace autofocus
