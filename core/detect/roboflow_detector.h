#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/base/json_io.h"
#include "core/detect/detector.h"
#include "core/vlm/http_client.h"

namespace autofocus {

// Options of the Grounding DINO detector served by Roboflow Inference.
struct RoboflowDetectorOptions {
  std::string base_url =
      "http://127.0.0.1:9001";  // server root; the call is {base}/grounding_dino/infer
  std::string model_name = "grounding_dino";  // name for provenance
  double box_threshold = 0.35;                // sent as box_threshold
  double text_threshold = 0.25;               // sent as text_threshold
  bool class_agnostic_nms = false;            // sent as class_agnostic_nms
  std::string api_key_env;  // NAME of the environment variable holding the API key ("" = none);
                            // the key is sent only when set and never stored or logged
  int jpeg_quality = 95;    // JPEG quality of the uploaded frame (1..100)
  double connect_timeout_s = 10;  // per-attempt connect timeout
  double total_timeout_s = 60;    // per-attempt total timeout
  RetryPolicy retry;              // retries of connection errors and 408/429/5xx

  // Throws Error naming the field when out of range.
  void Check() const;
  // Reads the options from a JSON object (field names as above; "retry" is an object with the
  // RetryPolicy field names). `origin` names the config in errors.
  static RoboflowDetectorOptions FromJson(const Json& j, const std::string& origin);
};

// Grounding DINO over HTTP (Roboflow Inference `/grounding_dino/infer`): the frame goes up as a
// base64 JPEG with the vocabulary as text prompts; box centres come back and are converted to
// corners in image pixels (scaled when the server reports another image size), clamped and
// filtered to the vocabulary. An empty vocabulary returns no boxes without a call.
class RoboflowGroundingDinoDetector : public Detector {
 public:
  // `client` (optional) replaces the HTTP client built from options.retry (tests).
  explicit RoboflowGroundingDinoDetector(RoboflowDetectorOptions options,
                                         std::shared_ptr<const HttpClient> client = nullptr);

  std::string Kind() const override { return "roboflow-gdino"; }
  std::string Model() const override { return options_.model_name; }
  std::vector<Detection> Detect(const DetectRequest& request, CallRecord* record) override;

  // Parses a response body for an image of `width` x `height` asked for `vocabulary`
  // (lower-case). Throws Error naming `origin` and the field on malformed input; boxes with
  // labels outside the vocabulary are dropped and reported in `warnings` (optional).
  static std::vector<Detection> ParseResponse(const std::string& body, int width, int height,
                                              const std::vector<std::string>& vocabulary,
                                              const std::string& origin,
                                              std::vector<std::string>* warnings);

 private:
  RoboflowDetectorOptions options_;
  std::shared_ptr<const HttpClient> client_;
};

}  // namespace autofocus
