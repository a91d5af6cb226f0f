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
            {"min_track_length", o.min_track_length},
            {"motion", MotionModelName(o.motion)},
            {"velocity_smoothing", o.velocity_smoothing},
            {"high_score", o.high_score},
            {"confirm_hits", o.confirm_hits},
            {"iou_buffer", o.iou_buffer}};
  j["iou_threshold"] = o.iou_threshold ? Json(*o.iou_threshold) : Json(nullptr);
  return j;
}

TrackerOptions TrackerOptionsFromJson(const Json& j, const std::string& file, const TrackerOptions& base) {
  if (!j.is_object()) throw Error(file, "tracker", "expected an object");
  RejectUnknown(j, {"mode", "iou_threshold", "label_gating", "max_gap", "min_track_length", "motion",
                    "velocity_smoothing", "high_score", "confirm_hits", "iou_buffer"},
                file, "tracker");
  TrackerOptions o = base;
  if (j.contains("mode")) o.mode = ParseTrackerMode(Get<std::string>(j, "mode", "", file, "tracker"), "tracker.mode");
  if (j.contains("iou_threshold") && !j["iou_threshold"].is_null()) {
    o.iou_threshold = Get<float>(j, "iou_threshold", 0.f, file, "tracker");
  }
  o.label_gating = Get<bool>(j, "label_gating", o.label_gating, file, "tracker");
  o.max_gap = Get<int>(j, "max_gap", o.max_gap, file, "tracker");
  o.min_track_length = Get<int>(j, "min_track_length", o.min_track_length, file, "tracker");
  if (j.contains("motion")) {
    o.motion = ParseMotionModel(Get<std::string>(j, "motion", "", file, "tracker"), "tracker.motion");
  }
  o.velocity_smoothing = Get<float>(j, "velocity_smoothing", o.velocity_smoothing, file, "tracker");
  o.high_score = Get<float>(j, "high_score", o.high_score, file, "tracker");
  o.confirm_hits = Get<int>(j, "confirm_hits", o.confirm_hits, file, "tracker");
  o.iou_buffer = Get<float>(j, "iou_buffer", o.iou_buffer, file, "tracker");
  try {
    o.Check();
  } catch (const Error& e) {
    throw Error(file, "tracker." + e.where(), e.reason());
  }
  return o;
}

std::string AskFrameName(PipelineOptions::AskFrame a) {
  switch (a) {
    case PipelineOptions::AskFrame::kStart:
      return "start";
    case PipelineOptions::AskFrame::kCentral:
      return "central";
    default:
      return "most_present";
  }
}

PipelineOptions PipelineOptions::Paper() {
  PipelineOptions o;
  o.tracker = TrackerOptions::Paper();
  o.subsequences = SubsequenceOptions::Paper();
  o.ask_frame = AskFrame::kStart;
  o.interpolate_key_gaps = false;
  o.action_regimes = "none";
  o.vocabulary_scope = "sub_sequence";
  o.quiet_relevance.clear();
  o.action_jump = 0;
  o.regime_lookahead = 0;
  return o;
}

PipelineOptions PipelineOptions::Preset(const std::string& name, const std::string& where) {
  if (name == "default") return PipelineOptions();
  if (name == "paper") return Paper();
  throw Error("", where, "unknown preset '" + name + "' (expected default or paper)");
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
  if (action_regimes != "none" && action_regimes != "description" && action_regimes != "longitudinal") {
    throw Error("", "action_regimes", "must be \"none\", \"description\" or \"longitudinal\", got \"" +
                                          action_regimes + "\"");
  }
  if (!(action_jump >= 0)) throw Error("", "action_jump", "must be >= 0");
  if (regime_lookahead < 0 || regime_lookahead > 4) {
    throw Error("", "regime_lookahead", "must be 0..4 (the label window is 5 frames), got " +
                                            std::to_string(regime_lookahead));
  }
  if (vocabulary_scope != "sub_sequence" && vocabulary_scope != "episode") {
    throw Error("", "vocabulary_scope", "must be \"sub_sequence\" or \"episode\", got \"" + vocabulary_scope + "\"");
  }
  if (!(detect_failure_cap >= 0 && detect_failure_cap <= 1)) {
    throw Error("", "detect_failure_cap", "must be in [0, 1]");
  }
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
          {"subsequence_min_track_frames", subsequences.min_track_frames},
          {"subsequence_split_on_exit", subsequences.split_on_exit},
          {"subsequence_split_on_regime", subsequences.split_on_regime},
          {"subsequence_regime_min_frames", subsequences.regime_min_frames},
          {"subsequence_max_length", subsequences.max_length},
          {"ask_frame", AskFrameName(ask_frame)},
          {"interpolate_key_gaps", interpolate_key_gaps},
          {"action_regimes", action_regimes},
          {"vocabulary_scope", vocabulary_scope},
          {"quiet_relevance", quiet_relevance},
          {"action_jump", action_jump},
          {"regime_lookahead", regime_lookahead},
          {"detect_failure_cap", detect_failure_cap},
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
                 "subsequence_bridge_gaps", "subsequence_min_track_frames", "subsequence_split_on_exit",
                 "subsequence_split_on_regime", "subsequence_regime_min_frames", "subsequence_max_length", "ask_frame",
                 "interpolate_key_gaps", "action_regimes", "vocabulary_scope", "quiet_relevance", "action_jump", "regime_lookahead", "detect_failure_cap", "preset",
                 "saliency", "episode_workers", "request_workers", "offline", "vlm", "detector"},
                file, "");
  // "preset" picks the base the other fields override, so a file can say {"preset": "paper"}.
  PipelineOptions o = Preset(Get<std::string>(j, "preset", "default", file, ""), "preset");
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
  if (j.contains("tracker")) o.tracker = TrackerOptionsFromJson(j["tracker"], file, o.tracker);
  o.subsequences.min_length = Get<int>(j, "subsequence_min_length", o.subsequences.min_length, file, "");
  o.subsequences.bridge_gaps = Get<bool>(j, "subsequence_bridge_gaps", o.subsequences.bridge_gaps, file, "");
  o.subsequences.min_track_frames =
      Get<int>(j, "subsequence_min_track_frames", o.subsequences.min_track_frames, file, "");
  o.subsequences.split_on_exit = Get<bool>(j, "subsequence_split_on_exit", o.subsequences.split_on_exit, file, "");
  o.subsequences.split_on_regime =
      Get<bool>(j, "subsequence_split_on_regime", o.subsequences.split_on_regime, file, "");
  o.subsequences.regime_min_frames =
      Get<int>(j, "subsequence_regime_min_frames", o.subsequences.regime_min_frames, file, "");
  o.subsequences.max_length = Get<int>(j, "subsequence_max_length", o.subsequences.max_length, file, "");
  if (j.contains("ask_frame")) {
    const std::string a = Get<std::string>(j, "ask_frame", "", file, "");
    if (a == "start") {
      o.ask_frame = AskFrame::kStart;
    } else if (a == "most_present") {
      o.ask_frame = AskFrame::kMostPresent;
    } else if (a == "central") {
      o.ask_frame = AskFrame::kCentral;
    } else {
      throw Error(file, "ask_frame", "must be \"start\", \"most_present\" or \"central\", got \"" + a + "\"");
    }
  }
  o.interpolate_key_gaps = Get<bool>(j, "interpolate_key_gaps", o.interpolate_key_gaps, file, "");
  o.action_regimes = Get<std::string>(j, "action_regimes", o.action_regimes, file, "");
  o.vocabulary_scope = Get<std::string>(j, "vocabulary_scope", o.vocabulary_scope, file, "");
  o.quiet_relevance = Get<std::vector<std::string>>(j, "quiet_relevance", o.quiet_relevance, file, "");
  o.action_jump = Get<double>(j, "action_jump", o.action_jump, file, "");
  o.regime_lookahead = Get<int>(j, "regime_lookahead", o.regime_lookahead, file, "");
  o.detect_failure_cap = Get<double>(j, "detect_failure_cap", o.detect_failure_cap, file, "");
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
