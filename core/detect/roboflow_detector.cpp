#include "core/detect/roboflow_detector.h"

#include <algorithm>
#include <cstdlib>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/base/strings.h"
#include "core/detect/box_ops.h"
#include "core/detect/detection_json.h"
#include "core/imageio/image_io.h"

namespace autofocus {

void RoboflowDetectorOptions::Check() const {
  if (base_url.rfind("http://", 0) != 0 && base_url.rfind("https://", 0) != 0) {
    throw Error("", "roboflow.base_url",
                "must start with http:// or https://, got '" + base_url + "'");
  }
  if (!(box_threshold >= 0 && box_threshold <= 1)) {
    throw Error("", "roboflow.box_threshold", "must be in [0,1]");
  }
  if (!(text_threshold >= 0 && text_threshold <= 1)) {
    throw Error("", "roboflow.text_threshold", "must be in [0,1]");
  }
  if (jpeg_quality < 1 || jpeg_quality > 100) {
    throw Error("", "roboflow.jpeg_quality", "must be in 1..100");
  }
  if (!(connect_timeout_s > 0)) throw Error("", "roboflow.connect_timeout_s", "must be > 0");
  if (!(total_timeout_s >= 0)) throw Error("", "roboflow.total_timeout_s", "must be >= 0");
  retry.Check();
}

RoboflowDetectorOptions RoboflowDetectorOptions::FromJson(const Json& j,
                                                          const std::string& origin) {
  const std::string where = "roboflow";
  RequireKnownKeys(
      j,
      {"kind", "base_url", "model_name", "box_threshold", "text_threshold", "class_agnostic_nms",
       "api_key_env", "jpeg_quality", "connect_timeout_s", "total_timeout_s", "retry"},
      origin, where);
  RoboflowDetectorOptions o;
  o.base_url = JsonStringOr(j, "base_url", o.base_url, origin, where);
  o.model_name = JsonStringOr(j, "model_name", o.model_name, origin, where);
  o.box_threshold = JsonNumberOr(j, "box_threshold", o.box_threshold, origin, where);
  o.text_threshold = JsonNumberOr(j, "text_threshold", o.text_threshold, origin, where);
  o.class_agnostic_nms = JsonBoolOr(j, "class_agnostic_nms", o.class_agnostic_nms, origin, where);
  o.api_key_env = JsonStringOr(j, "api_key_env", o.api_key_env, origin, where);
  o.jpeg_quality = JsonIntOr(j, "jpeg_quality", o.jpeg_quality, origin, where);
  o.connect_timeout_s = JsonNumberOr(j, "connect_timeout_s", o.connect_timeout_s, origin, where);
  o.total_timeout_s = JsonNumberOr(j, "total_timeout_s", o.total_timeout_s, origin, where);
  if (j.contains("retry"))
    o.retry = RetryPolicyFromJson(j["retry"], o.retry, origin, where + ".retry");
  try {
    o.Check();
  } catch (const Error& e) {
    throw Error(origin, e.where(), e.reason());
  }
  return o;
}

RoboflowGroundingDinoDetector::RoboflowGroundingDinoDetector(
    RoboflowDetectorOptions options, std::shared_ptr<const HttpClient> client)
    : options_(std::move(options)), client_(std::move(client)) {
  options_.Check();
  while (!options_.base_url.empty() && options_.base_url.back() == '/')
    options_.base_url.pop_back();
  if (!client_) client_ = std::make_shared<HttpClient>(options_.retry);
}

std::vector<Detection> RoboflowGroundingDinoDetector::ParseResponse(
    const std::string& body, int width, int height, const std::vector<std::string>& vocabulary,
    const std::string& origin, std::vector<std::string>* warnings) {
  const Json j = ParseJsonText(body, origin);
  if (!j.is_object()) throw Error(origin, "(root)", "expected a JSON object");
  const Json& predictions = RequireField(j, "predictions", origin, "");
  if (!predictions.is_array()) throw Error(origin, "predictions", "expected a list");
  // Boxes are in the pixels of the image the server decoded; if it reports another size
  // (a proxy resized it), scale each axis back to ours.
  double sx = 1, sy = 1;
  if (j.contains("image") && j["image"].is_object()) {
    const Json& im = j["image"];
    const double rw = im.value("width", 0.0), rh = im.value("height", 0.0);
    if (rw > 0 && rh > 0) {
      sx = width / rw;
      sy = height / rh;
    }
  }
  std::vector<Detection> out;
  for (size_t i = 0; i < predictions.size(); ++i) {
    const std::string where = "predictions[" + std::to_string(i) + "]";
    const Json& p = predictions[i];
    auto number = [&](const char* key) {
      const Json& v = RequireField(p, key, origin, where);
      if (!v.is_number()) throw Error(origin, where + "." + key, "expected a number");
      return v.get<double>();
    };
    const double x = number("x"), y = number("y"), w = number("width"), h = number("height");
    const double confidence = number("confidence");
    const Json& cls = RequireField(p, "class", origin, where);
    if (!cls.is_string()) throw Error(origin, where + ".class", "expected a string");
    Detection d;
    d.label = ToLower(Trim(cls.get<std::string>()));
    if (std::find(vocabulary.begin(), vocabulary.end(), d.label) == vocabulary.end()) {
      if (warnings) {
        warnings->push_back(where + ": label '" + cls.get<std::string>() +
                            "' is not in the vocabulary; dropped");
      }
      continue;
    }
    // Roboflow reports the box centre: corners are centre -/+ half the size.
    Box b{static_cast<float>((x - w / 2) * sx), static_cast<float>((y - h / 2) * sy),
          static_cast<float>((x + w / 2) * sx), static_cast<float>((y + h / 2) * sy)};
    d.box = ClampBox(FixInvertedBox(b), width, height);
    d.score = static_cast<float>(std::clamp(confidence, 0.0, 1.0));
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<Detection> RoboflowGroundingDinoDetector::Detect(const DetectRequest& request,
                                                             CallRecord* record) {
  const long long start = SteadyNowNs();
  const std::string url = options_.base_url + "/grounding_dino/infer";
  if (request.image.empty()) throw Error(url, "image", "empty image");
  const std::vector<std::string> vocabulary = NormalizeVocabulary(request.vocabulary);
  if (record) {
    record->backend = Kind();
    record->model = Model();
  }
  if (vocabulary.empty()) {
    // Grounding DINO needs at least one prompt; nothing asked = nothing found, no call.
    if (record) {
      record->request = {{"text", Json::array()}};
      record->parsed = Json::array();
      record->latency_ms = ElapsedMs(start);
    }
    return {};
  }
  std::vector<uint8_t> jpeg;
  if (!EncodeImage(".jpg", request.image, &jpeg, {kJpegQuality, options_.jpeg_quality})) {
    throw Error(url, "image", "cannot encode the frame as JPEG");
  }
  const std::string_view jpeg_bytes(reinterpret_cast<const char*>(jpeg.data()), jpeg.size());
  Json body = {{"image", {{"type", "base64"}, {"value", Base64Encode(jpeg_bytes)}}},
               {"text", vocabulary},
               {"box_threshold", options_.box_threshold},
               {"text_threshold", options_.text_threshold},
               {"class_agnostic_nms", options_.class_agnostic_nms}};
  // The record gets the request without the image bytes and never the key.
  Json recorded = body;
  recorded["image"]["value"] = "sha256:" + Sha256Hex(jpeg_bytes);
  if (!options_.api_key_env.empty()) {
    const char* key = std::getenv(options_.api_key_env.c_str());
    if (key && *key) body["api_key"] = key;
  }
  if (record) {
    record->request = recorded;
    record->cache_key = DetectorCacheKey(*record);
  }

  HttpRequest http;
  http.method = "POST";
  http.url = url;
  http.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  http.body = body.dump();
  http.connect_timeout_s = options_.connect_timeout_s;
  http.total_timeout_s = options_.total_timeout_s;
  // A 200 whose body is not a detection answer (a proxy's HTML page, a cut-off JSON) is asked
  // once more with a fresh request: one bad answer should not cost the frame.
  constexpr int kAnswerAttempts = 2;
  int transport_retries = 0;
  for (int attempt = 0;; ++attempt) {
    RetryStats stats;
    HttpResponse response;
    try {
      response = client_->Send(http, {}, &stats);
    } catch (const Error& e) {
      if (record) {
        record->retries = transport_retries + stats.retries;
        record->error = e.what();
        record->latency_ms = ElapsedMs(start);
      }
      throw;
    }
    transport_retries += stats.retries + (attempt > 0 ? 1 : 0);
    if (record) {
      record->raw_answer = response.body;
      record->retries = transport_retries;
      record->latency_ms = ElapsedMs(start);
    }
    if (response.status != 200) {
      const std::string message = ExtractErrorMessage(response.body);
      const Error e(url, "HTTP " + std::to_string(response.status),
                    message.empty() ? "request failed" : message);
      if (record) record->error = e.what();
      throw e;
    }
    try {
      std::vector<std::string> warnings;
      auto detections = ParseResponse(response.body, request.image.cols, request.image.rows,
                                      vocabulary, url, &warnings);
      if (attempt > 0)
        warnings.push_back("the first answer was malformed; a fresh request was answered");
      if (record) {
        record->warnings = warnings;
        record->parsed = DetectionsToJson(detections);
        record->error.clear();
      }
      return detections;
    } catch (const Error& e) {
      if (record) record->error = e.what();
      if (attempt + 1 >= kAnswerAttempts) throw;
    }
  }
}

}  // namespace autofocus
