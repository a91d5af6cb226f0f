#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/base/geometry.h"
#include "core/vlm/vlm_backend.h"

namespace autofocus {

// Input of one detection call.
struct DetectRequest {
  std::string episode;                   // episode name (records; oracles use it for ground truth)
  int frame_index = 0;                   // frame index within the episode
  cv::Mat image;                         // the frame, BGR
  std::vector<std::string> vocabulary;   // lower-case class names to look for
};

// Image + vocabulary -> boxes (label, score) in image pixels. Implementations must be safe to
// call from several threads at once; they throw Error when a call finally fails.
class Detector {
 public:
  virtual ~Detector() = default;
  // Backend kind for provenance, e.g. "roboflow-gdino", "qwen-grounding", "scene-oracle".
  virtual std::string Kind() const = 0;
  // Model name for provenance.
  virtual std::string Model() const = 0;
  // Detections with id = -1; `record` (optional) receives the exchange.
  virtual std::vector<Detection> Detect(const DetectRequest& request, CallRecord* record) = 0;
};

}  // namespace autofocus
