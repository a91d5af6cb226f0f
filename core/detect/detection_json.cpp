#include "core/detect/detection_json.h"

#include <algorithm>
#include <chrono>

#include "core/base/error.h"
#include "core/base/hash.h"

namespace autofocus {

Json DetectionsToJson(const std::vector<Detection>& detections) {
  Json out = Json::array();
  for (const auto& d : detections) {
    out.push_back({{"box", {d.box.x1, d.box.y1, d.box.x2, d.box.y2}},
                   {"label", d.label},
                   {"score", d.score},
                   {"id", d.id}});
  }
  return out;
}

std::vector<Detection> DetectionsFromJson(const Json& j, const std::string& origin) {
  if (!j.is_array()) throw Error(origin, "detections", "expected a list");
  std::vector<Detection> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string where = "detections[" + std::to_string(i) + "]";
    const Json& e = j[i];
    const Json& box = RequireField(e, "box", origin, where);
    if (!box.is_array() || box.size() != 4 || !box[0].is_number() || !box[1].is_number() ||
        !box[2].is_number() || !box[3].is_number()) {
      throw Error(origin, where + ".box", "expected 4 numbers");
    }
    Detection d;
    d.box = {box[0].get<float>(), box[1].get<float>(), box[2].get<float>(), box[3].get<float>()};
    const Json& label = RequireField(e, "label", origin, where);
    if (!label.is_string()) throw Error(origin, where + ".label", "expected a string");
    d.label = label.get<std::string>();
    d.score = static_cast<float>(JsonNumberOr(e, "score", 1.0, origin, where));
    d.id = JsonIntOr(e, "id", -1, origin, where);
    out.push_back(std::move(d));
  }
  return out;
}

std::string ImageContentHash(const cv::Mat& image) {
  Sha256 h;
  h.UpdateField(std::to_string(image.cols) + "x" + std::to_string(image.rows) + ":" +
                std::to_string(image.type()));
  // Row by row: a Mat view (ROI) is not contiguous, and padding bytes must not change the hash.
  const size_t row_bytes = image.cols * image.elemSize();
  for (int r = 0; r < image.rows; ++r) {
    h.Update(std::string_view(reinterpret_cast<const char*>(image.ptr(r)), row_bytes));
  }
  return h.FinalHex();
}

namespace {

std::string FieldPath(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

}  // namespace

double JsonNumberOr(const Json& j, const std::string& key, double fallback,
                    const std::string& origin, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number()) throw Error(origin, FieldPath(where, key), "expected a number");
  return it->get<double>();
}

int JsonIntOr(const Json& j, const std::string& key, int fallback, const std::string& origin,
              const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) throw Error(origin, FieldPath(where, key), "expected an integer");
  return it->get<int>();
}

bool JsonBoolOr(const Json& j, const std::string& key, bool fallback, const std::string& origin,
                const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw Error(origin, FieldPath(where, key), "expected true or false");
  return it->get<bool>();
}

std::string JsonStringOr(const Json& j, const std::string& key, const std::string& fallback,
                         const std::string& origin, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_string()) throw Error(origin, FieldPath(where, key), "expected a string");
  return it->get<std::string>();
}

std::vector<std::string> JsonStringListOr(const Json& j, const std::string& key,
                                          const std::vector<std::string>& fallback,
                                          const std::string& origin, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_array()) throw Error(origin, FieldPath(where, key), "expected a list of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      throw Error(origin, FieldPath(where, key) + "[" + std::to_string(i) + "]",
                  "expected a string");
    }
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

RetryPolicy RetryPolicyFromJson(const Json& j, const RetryPolicy& defaults,
                                const std::string& origin, const std::string& where) {
  RequireKnownKeys(j,
                   {"max_attempts", "base_delay_s", "max_delay_s", "honour_retry_after",
                    "max_retry_after_s", "retry_timeouts"},
                   origin, where);
  RetryPolicy p = defaults;
  p.max_attempts = JsonIntOr(j, "max_attempts", p.max_attempts, origin, where);
  p.base_delay_s = JsonNumberOr(j, "base_delay_s", p.base_delay_s, origin, where);
  p.max_delay_s = JsonNumberOr(j, "max_delay_s", p.max_delay_s, origin, where);
  p.honour_retry_after = JsonBoolOr(j, "honour_retry_after", p.honour_retry_after, origin, where);
  p.max_retry_after_s = JsonNumberOr(j, "max_retry_after_s", p.max_retry_after_s, origin, where);
  p.retry_timeouts = JsonBoolOr(j, "retry_timeouts", p.retry_timeouts, origin, where);
  try {
    p.Check();
  } catch (const Error& e) {
    // RetryPolicy::Check names fields "retry.<field>": re-anchor them on `where`.
    std::string field = e.where();
    if (field.rfind("retry.", 0) == 0) field = field.substr(6);
    throw Error(origin, FieldPath(where, field), e.reason());
  }
  return p;
}

void RequireKnownKeys(const Json& j, const std::vector<std::string>& known,
                      const std::string& origin, const std::string& where) {
  if (!j.is_object()) throw Error(origin, where.empty() ? "(root)" : where, "expected an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw Error(origin, FieldPath(where, it.key()), "unknown field (known: " + list + ")");
    }
  }
}

std::string DetectorCacheKey(const CallRecord& record) {
  Sha256 key;
  for (const std::string& part :
       {record.backend, record.model, record.template_hash, record.request.dump()}) {
    key.UpdateField(part);
  }
  return key.FinalHex();
}

long long SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double ElapsedMs(long long start_ns) {
  return (SteadyNowNs() - start_ns) / 1e6;
}

}  // namespace autofocus
