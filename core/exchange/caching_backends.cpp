#include "core/exchange/caching_backends.h"

#include "core/detect/detection_json.h"

#include <chrono>

namespace autofocus {

OfflineMiss::OfflineMiss(const std::string& file, std::string kind, std::string key,
                         const std::string& what)
    : Error(file, kind + " " + key,
            "offline: no cached answer for " + what + " (run online once to record it)"),
      kind_(std::move(kind)),
      key_(std::move(key)) {}

void CachingOptions::Check(bool has_inner) const {
  if (!has_inner && !offline) {
    throw Error("", "caching", "an inner backend is required unless offline is set");
  }
  if (!has_inner && (backend.empty() || model.empty())) {
    throw Error("", "caching.backend/model",
                "offline without an inner backend needs the backend kind and model name");
  }
  if (!parameters.is_object()) throw Error("", "caching.parameters", "must be a JSON object");
}

namespace {
CachingOptions Checked(CachingOptions options, bool has_inner) {
  options.Check(has_inner);
  return options;
}
}  // namespace

namespace detail {

CachedCaller::CachedCaller(std::shared_ptr<ExchangeCache> cache, CachingOptions options)
    : cache_(std::move(cache)), options_(std::move(options)) {
  if (!cache_) throw Error("", "caching", "an exchange cache is required");
}

Json CachedCaller::Run(const std::string& kind, const std::string& key,
                       const ExchangeKeyContext& context, const Json& description,
                       const std::string& episode, int frame_index, CallRecord* out,
                       const std::function<Json(CallRecord*)>& call) {
  if (auto cached = cache_->FindAnswer(key)) {
    ++hits_;
    cached->from_cache = true;
    Json answer = cached->parsed;
    if (out) *out = std::move(*cached);
    return answer;
  }
  ++misses_;
  if (options_.offline) {
    ++offline_misses_;
    {
      std::lock_guard<std::mutex> lock(misses_mutex_);
      missed_.push_back({kind, key, episode, frame_index});
    }
    throw OfflineMiss(cache_->path().string(), kind, key,
                      "episode '" + episode + "' frame " + std::to_string(frame_index));
  }

  CallRecord record;
  // Fills what the inner backend may have left out, so every stored record is complete.
  auto complete = [&](CallRecord& r, double wall_ms) {
    r.cache_key = key;
    r.from_cache = false;
    if (r.backend.empty()) r.backend = context.backend;
    if (r.model.empty()) r.model = context.model;
    if (r.template_hash.empty()) r.template_hash = context.template_hash;
    if (r.request.is_null() || (r.request.is_object() && r.request.empty())) r.request = description;
    if (r.latency_ms <= 0) r.latency_ms = wall_ms;
  };
  const auto start = std::chrono::steady_clock::now();
  auto elapsed_ms = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  };
  ++calls_;
  Json answer;
  try {
    answer = call(&record);
  } catch (const std::exception& e) {
    ++failures_;
    // Failures are recorded (with the raw text the backend kept) so the studio can show them,
    // but FindAnswer() never returns them: the next run asks again.
    if (record.error.empty()) record.error = e.what();
    complete(record, elapsed_ms());
    cache_->Append(kind, record);
    if (out) *out = record;
    throw;
  }
  // The canonical answer is what a replay decodes, so it is stored as `parsed` whatever shape
  // the inner backend used there.
  record.parsed = answer;
  record.error.clear();
  complete(record, elapsed_ms());
  cache_->Append(kind, record);
  if (out) *out = std::move(record);
  return answer;
}

ExchangeCounters CachedCaller::counters() const {
  ExchangeCounters c;
  c.hits = hits_.load();
  c.misses = misses_.load();
  c.calls = calls_.load();
  c.failures = failures_.load();
  c.offline_misses = offline_misses_.load();
  return c;
}

std::vector<MissedExchange> CachedCaller::offline_misses() const {
  std::lock_guard<std::mutex> lock(misses_mutex_);
  return missed_;
}

}  // namespace detail

CachingVlmBackend::CachingVlmBackend(std::shared_ptr<VlmBackend> inner,
                                     std::shared_ptr<ExchangeCache> cache, CachingOptions options)
    : inner_(std::move(inner)),
      caller_(std::move(cache), Checked(std::move(options), inner_ != nullptr)) {}

std::string CachingVlmBackend::Kind() const {
  return caller_.options().backend.empty() ? inner_->Kind() : caller_.options().backend;
}

std::string CachingVlmBackend::Model() const {
  return caller_.options().model.empty() ? inner_->Model() : caller_.options().model;
}

ExchangeKeyContext CachingVlmBackend::Context(const std::string& template_hash) const {
  return {Kind(), Model(), template_hash, caller_.options().parameters};
}

std::string CachingVlmBackend::KeyFor(const GlobalContextRequest& request) const {
  return GlobalContextKey(Context(caller_.options().global_context_template_hash), request);
}

std::string CachingVlmBackend::KeyFor(const KeyObjectRequest& request) const {
  return KeyObjectKey(Context(caller_.options().key_objects_template_hash), request);
}

GlobalContext CachingVlmBackend::QueryGlobalContext(const GlobalContextRequest& request,
                                                    CallRecord* record) {
  const ExchangeKeyContext context = Context(caller_.options().global_context_template_hash);
  const Json description = DescribeRequest(request);
  const std::string key = ExchangeKey(kExchangeGlobalContext, context, description);
  const int frame = request.frame_indices.empty() ? 0 : request.frame_indices.front();
  const Json answer = caller_.Run(kExchangeGlobalContext, key, context, description,
                                  request.episode, frame, record, [&](CallRecord* r) {
                                    return inner_->QueryGlobalContext(request, r).ToJson();
                                  });
  return GlobalContext::FromJson(answer);
}

KeyObjectAnswer CachingVlmBackend::SelectKeyObjects(const KeyObjectRequest& request,
                                                    CallRecord* record) {
  const ExchangeKeyContext context = Context(caller_.options().key_objects_template_hash);
  const Json description = DescribeRequest(request);
  const std::string key = ExchangeKey(kExchangeKeyObjects, context, description);
  const Json answer = caller_.Run(kExchangeKeyObjects, key, context, description, request.episode,
                                  request.frame_index, record, [&](CallRecord* r) {
                                    return inner_->SelectKeyObjects(request, r).ToJson();
                                  });
  return KeyObjectAnswer::FromJson(answer);
}

CachingDetector::CachingDetector(std::shared_ptr<Detector> inner,
                                 std::shared_ptr<ExchangeCache> cache, CachingOptions options)
    : inner_(std::move(inner)),
      caller_(std::move(cache), Checked(std::move(options), inner_ != nullptr)) {}

std::string CachingDetector::Kind() const {
  return caller_.options().backend.empty() ? inner_->Kind() : caller_.options().backend;
}

std::string CachingDetector::Model() const {
  return caller_.options().model.empty() ? inner_->Model() : caller_.options().model;
}

ExchangeKeyContext CachingDetector::Context() const {
  return {Kind(), Model(), "", caller_.options().parameters};
}

std::string CachingDetector::KeyFor(const DetectRequest& request) const {
  return DetectKey(Context(), request);
}

std::vector<Detection> CachingDetector::Detect(const DetectRequest& request, CallRecord* record) {
  const ExchangeKeyContext context = Context();
  const Json description = DescribeRequest(request);
  const std::string key = ExchangeKey(kExchangeDetect, context, description);
  const Json answer = caller_.Run(kExchangeDetect, key, context, description, request.episode,
                                  request.frame_index, record, [&](CallRecord* r) {
                                    return DetectionsToJson(inner_->Detect(request, r));
                                  });
  return DetectionsFromJson(answer, "exchange cache answer " + key);
}

}  // namespace autofocus
