#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/base/json_io.h"

namespace autofocus {

// What `autofocus doctor` checks: a VLM endpoint (OpenAI-compatible) and/or a detector endpoint.
struct DoctorOptions {
  std::string vlm_url;      // VLM server root, e.g. http://127.0.0.1:8000 (a trailing /v1 is
                            // accepted); empty = no VLM checks
  std::string vlm_model;    // model name the pipeline will ask for; empty = only list models
  std::string vlm_key_env;  // name of the environment variable holding the API key; empty = none
  bool use_json_schema = true;  // send response_format json_schema in the structured call
  int vlm_images = 1;       // images in the structured call (set to the frames per global-context
                            // query to test the server's images-per-prompt limit); default 1
  std::string detector;     // detector kind: "" (none) | "roboflow" | "qwen" (Qwen grounding
                            // over the OpenAI-compatible API)
  std::string detector_url;  // detector server root, e.g. http://127.0.0.1:9001; qwen: empty =
                             // the VLM's (the pipeline's detector inherits it the same way)
  std::string detector_model;    // qwen: model name; empty = the VLM's model
  std::string detector_key_env;  // environment variable with the detector's API key; empty =
                                 // none (qwen: the VLM's)
  double connect_timeout_s = 5;  // connection phase limit per request (default 5 s)
  double timeout_s = 120;        // whole-request limit per request (default 120 s: cold models)

  // Reads the "vlm" and "detector" objects of a config file (see docs/exchange-cache.md);
  // fields that are absent keep their current values. Throws Error naming file and field.
  void MergeConfig(const Json& config, const std::string& file);
  // Throws Error when nothing is configured or a value is out of range.
  void Check() const;
};

// The result of one check.
struct DoctorCheck {
  // Outcome of a check.
  enum class Status { kOk, kFail, kSkip };
  std::string name;     // e.g. "vlm.reachable", "vlm.model", "detector.infer"
  Status status = Status::kOk;  // outcome
  std::string message;  // what was found; for failures ends with "-> what to do"
};

// "OK  ", "FAIL" or "SKIP" + name + message, one line.
std::string FormatDoctorCheck(const DoctorCheck& check);

// Runs every configured check in order (key variable, reachable, models listed, structured
// one-image call, detector). `on_check` (optional) sees each result as soon as it is known.
// Never throws for endpoint problems: they become failed checks.
std::vector<DoctorCheck> RunDoctor(const DoctorOptions& options,
                                   const std::function<void(const DoctorCheck&)>& on_check = {});

}  // namespace autofocus
