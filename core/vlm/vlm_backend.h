#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/base/geometry.h"
#include "core/base/json_io.h"

namespace autofocus {

// The record of one model call (VLM or detector), kept with every answer so the studio can
// audit it and the exchange cache can replay it.
struct CallRecord {
  std::string backend;        // backend kind, e.g. "openai", "roboflow", "scene-oracle"
  std::string model;          // model name as served
  std::string template_name;  // prompt template file name (VLM calls)
  std::string template_hash;  // SHA-256 of the template text
  std::string cache_key;      // content hash the exchange cache uses
  Json request = Json::object();  // the request as sent (images replaced by their hashes)
  std::string raw_answer;     // the answer text exactly as received
  Json parsed = nullptr;      // the validated answer
  std::vector<std::string> warnings;  // validation flags (dropped unknown IDs, ...)
  std::string error;          // non-empty when the call finally failed
  double latency_ms = 0;      // wall time of the call including retries
  int prompt_tokens = 0;      // usage reported by the server (0 when not reported)
  int completion_tokens = 0;  // usage reported by the server (0 when not reported)
  int retries = 0;            // transport retries
  int repairs = 0;            // repair requests after invalid answers
  bool from_cache = false;    // answered by the exchange cache without a call

  Json ToJson() const;
  static CallRecord FromJson(const Json& j);
};

// One entry of the candidate object vocabulary returned by the global-context query.
struct VocabularyEntry {
  std::string name;         // singular class name, e.g. "Traffic light"
  std::string relevance;    // driving: traffic_control|navigation|safety_critical|context;
                            // manipulation: target|tool|container|support|obstacle|background
  std::string description;  // free text
};

// The global-context answer for one demonstration (or one group of demonstrations).
struct GlobalContext {
  std::string summary;                     // task, environment and risks in words
  std::vector<VocabularyEntry> vocabulary;  // candidate objects

  // Distinct lower-case vocabulary names, in order (what the detector is asked for).
  std::vector<std::string> VocabularyNames() const;
  Json ToJson() const;
  static GlobalContext FromJson(const Json& j);
};

// Input of the global-context query.
struct GlobalContextRequest {
  std::string episode;             // episode name (for records; oracles use it for ground truth)
  std::vector<int> frame_indices;  // which frames were sampled
  std::vector<cv::Mat> frames;     // the sampled frames, BGR
  std::string domain = "driving";  // prompt family: "driving" | "manipulation"
};

// A tracked object offered to the VLM as a key-object candidate.
struct CandidateObject {
  int id = -1;        // track ID
  std::string label;  // class name
  Box box;            // in image pixels of the frame
};

// Input of the key-object query (paper III-A, "Filtering with VLM supervision").
struct KeyObjectRequest {
  std::string episode;                    // episode name
  int frame_index = 0;                    // first frame of the sub-sequence
  cv::Mat frame;                          // that frame, BGR
  std::vector<float> action;              // expert action at that step
  std::vector<std::string> action_names;  // names of the action dimensions
  std::string action_description;         // e.g. "preparing to stop" (from recent actions)
  GlobalContext context;                  // global context summary
  std::vector<CandidateObject> candidates;  // active tracked objects
  int max_key_objects = 3;                // at most this many key objects
  std::string domain = "driving";         // prompt family
};

// One key object chosen by the VLM.
struct KeyObjectChoice {
  int id = -1;             // a candidate's track ID
  std::string label;       // its class
  float score = 1.f;       // importance in [0,1]
  std::string rationale;   // why it matters for the action
};

// The key-object answer.
struct KeyObjectAnswer {
  std::vector<KeyObjectChoice> key_objects;     // validated: offered IDs only, no duplicates
  std::vector<std::string> missing_categories;  // categories the VLM thinks were not detected

  Json ToJson() const;
  static KeyObjectAnswer FromJson(const Json& j);
};

// The two questions of the method, independent of transport. Implementations must be safe to
// call from several threads at once. They throw Error when a call finally fails; `record`
// (optional) receives the full exchange either way.
class VlmBackend {
 public:
  virtual ~VlmBackend() = default;
  // Backend kind for provenance, e.g. "openai" or "scene-oracle".
  virtual std::string Kind() const = 0;
  // Model name for provenance.
  virtual std::string Model() const = 0;
  // Global context + vocabulary from sampled frames.
  virtual GlobalContext QueryGlobalContext(const GlobalContextRequest& request,
                                           CallRecord* record) = 0;
  // Key objects (and missing categories) for the first frame of a sub-sequence.
  virtual KeyObjectAnswer SelectKeyObjects(const KeyObjectRequest& request, CallRecord* record) = 0;
};

}  // namespace autofocus
