#pragma once

#include <opencv2/core.hpp>
#include <string>

#include "core/base/json_io.h"
#include "core/detect/detector.h"
#include "core/vlm/vlm_backend.h"

namespace autofocus {

// Exchange kinds: what question a cached call answered.
inline constexpr const char* kExchangeGlobalContext = "vlm.global_context";
inline constexpr const char* kExchangeKeyObjects = "vlm.key_objects";
inline constexpr const char* kExchangeDetect = "detect";

// Everything that changes a model's answer but is not part of the request itself. Two calls
// get the same cache key only when all of these and the request content are equal.
struct ExchangeKeyContext {
  std::string backend;        // backend kind, e.g. "openai", "roboflow-gdino"
  std::string model;          // model name as served
  std::string template_hash;  // SHA-256 of the prompt template text (empty for detectors)
  Json parameters = Json::object();  // sampling/transport settings that shape the answer
                                     // (temperature, seed, pixel budget, thresholds, ...)
};

// SHA-256 of an image's raw pixels, prefixed by its geometry and type:
// fields "cv::Mat", rows, cols, type (cv::Mat::type(), e.g. 16 for CV_8UC3) and then the pixel
// bytes row by row (so a non-continuous ROI hashes like its continuous copy). Raw pixels rather
// than encoded bytes: the same frame decoded from PNG, JPEG or video hashes the same, and the
// client-side resize/encode is a deterministic function of the pixels and `parameters`.
// An empty Mat hashes to the hash of ("cv::Mat", 0, 0, type).
std::string ImagePixelHash(const cv::Mat& image);

// The request content as JSON with every image replaced by {"sha256","width","height","type"}.
// This is what the key hashes and what a CallRecord stores when the backend left `request` empty.
Json DescribeRequest(const GlobalContextRequest& request);
Json DescribeRequest(const KeyObjectRequest& request);
Json DescribeRequest(const DetectRequest& request);

// The content-hash key of one call: SHA-256 over length-prefixed fields
// ("autofocus-exchange/v1", kind, backend, model, template_hash, request JSON, parameters JSON),
// JSON dumped compactly with sorted keys so equal content gives equal text.
std::string ExchangeKey(const std::string& kind, const ExchangeKeyContext& context,
                        const Json& request_description);

// Keys of the three questions (kind + DescribeRequest + ExchangeKey).
std::string GlobalContextKey(const ExchangeKeyContext& context,
                             const GlobalContextRequest& request);
std::string KeyObjectKey(const ExchangeKeyContext& context, const KeyObjectRequest& request);
std::string DetectKey(const ExchangeKeyContext& context, const DetectRequest& request);

}  // namespace autofocus
