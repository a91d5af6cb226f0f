#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/base/geometry.h"
#include "core/base/json_io.h"
#include "core/vlm/http_client.h"
#include "core/vlm/vlm_backend.h"

namespace autofocus {

// Detections as a JSON list [{"box":[x1,y1,x2,y2],"label":..,"score":..,"id":..}] (the
// `parsed` field of a detector CallRecord).
Json DetectionsToJson(const std::vector<Detection>& detections);

// Inverse of DetectionsToJson; throws Error naming `origin` and the entry on bad input.
std::vector<Detection> DetectionsFromJson(const Json& j, const std::string& origin);

// SHA-256 of an image's size, type and pixels (how detector records name the image they saw
// when the exact encoded bytes are not sent anywhere).
std::string ImageContentHash(const cv::Mat& image);

// The exchange-cache key of a detector call: SHA-256 over the record's backend, model,
// template hash and request (images already replaced by their hashes), the same recipe as the
// VLM client's records.
std::string DetectorCacheKey(const CallRecord& record);

// Milliseconds elapsed on a steady clock since `start_ns` (a steady_clock time_since_epoch in
// nanoseconds), for CallRecord latencies.
double ElapsedMs(long long start_ns);

// Config readers for detector options: the field's value when present (Error naming `origin`
// and `where.key` when it has the wrong type), else `fallback`.
double JsonNumberOr(const Json& j, const std::string& key, double fallback,
                    const std::string& origin, const std::string& where);
int JsonIntOr(const Json& j, const std::string& key, int fallback, const std::string& origin,
              const std::string& where);
bool JsonBoolOr(const Json& j, const std::string& key, bool fallback, const std::string& origin,
                const std::string& where);
std::string JsonStringOr(const Json& j, const std::string& key, const std::string& fallback,
                         const std::string& origin, const std::string& where);
std::vector<std::string> JsonStringListOr(const Json& j, const std::string& key,
                                          const std::vector<std::string>& fallback,
                                          const std::string& origin, const std::string& where);

// A RetryPolicy from a JSON object with its field names (max_attempts, base_delay_s,
// max_delay_s, honour_retry_after, max_retry_after_s, retry_timeouts); missing fields keep
// `defaults`. Checked; Error names `origin` and `where.field`.
RetryPolicy RetryPolicyFromJson(const Json& j, const RetryPolicy& defaults,
                                const std::string& origin, const std::string& where);

// Throws Error naming the first key of object `j` that is not in `known` (catches typos in
// detector configs instead of silently using a default).
void RequireKnownKeys(const Json& j, const std::vector<std::string>& known,
                      const std::string& origin, const std::string& where);

// Now on a steady clock, in nanoseconds (pair with ElapsedMs).
long long SteadyNowNs();

}  // namespace autofocus
