#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/detect/detector.h"
#include "core/exchange/exchange_cache.h"
#include "core/exchange/exchange_key.h"
#include "core/vlm/vlm_backend.h"

namespace autofocus {

// Thrown in offline mode when a question has no cached answer. The decorator also counts it
// and lists it in offline_misses(), so a run can go on and report everything that is missing.
class OfflineMiss : public Error {
 public:
  OfflineMiss(const std::string& file, std::string kind, std::string key, const std::string& what);
  // Exchange kind of the missing call.
  const std::string& kind() const { return kind_; }
  // Cache key of the missing call.
  const std::string& key() const { return key_; }

 private:
  std::string kind_;
  std::string key_;
};

// One question that offline mode could not answer.
struct MissedExchange {
  std::string kind;     // exchange kind
  std::string key;      // cache key
  std::string episode;  // episode of the request
  int frame_index = 0;  // first frame of the request (global context: first sampled frame)
};

// Call statistics of a caching decorator (a snapshot).
struct ExchangeCounters {
  int64_t hits = 0;            // answered from the cache, no call made
  int64_t misses = 0;          // not in the cache (online: a call followed; offline: OfflineMiss)
  int64_t calls = 0;           // calls made to the inner backend
  int64_t failures = 0;        // inner calls that threw (stored, not replayed)
  int64_t offline_misses = 0;  // misses in offline mode
};

// Options shared by the caching decorators.
struct CachingOptions {
  bool offline = false;  // never call the inner backend; a miss throws OfflineMiss (default off)
  std::string backend;   // backend kind for the key; empty = the inner backend's Kind()
  std::string model;     // model name for the key; empty = the inner backend's Model()
  Json parameters = Json::object();  // settings that shape answers (temperature, seed, pixel
                                     // budget, thresholds ...); part of every key
  std::string global_context_template_hash;  // VLM: hash of the global-context template
  std::string key_objects_template_hash;     // VLM: hash of the key-object template

  // Throws Error when backend/model cannot be known (no inner backend and no override).
  void Check(bool has_inner) const;
};

namespace detail {
// The cache-or-call logic both decorators share.
class CachedCaller {
 public:
  CachedCaller(std::shared_ptr<ExchangeCache> cache, CachingOptions options);
  // Returns the canonical answer JSON for `key`: from the cache (record->from_cache = true) or
  // from `call`, which fills the record and returns the answer as canonical JSON.
  Json Run(const std::string& kind, const std::string& key, const ExchangeKeyContext& context,
           const Json& description, const std::string& episode, int frame_index,
           CallRecord* out, const std::function<Json(CallRecord*)>& call);
  ExchangeCounters counters() const;
  std::vector<MissedExchange> offline_misses() const;
  const CachingOptions& options() const { return options_; }

 private:
  std::shared_ptr<ExchangeCache> cache_;
  CachingOptions options_;
  std::atomic<int64_t> hits_{0}, misses_{0}, calls_{0}, failures_{0}, offline_misses_{0};
  mutable std::mutex misses_mutex_;
  std::vector<MissedExchange> missed_;
};
}  // namespace detail

// A VlmBackend that answers from the exchange cache when it can and otherwise calls `inner`
// and records the exchange (answers and failures; failures are never replayed).
class CachingVlmBackend : public VlmBackend {
 public:
  // `inner` may be null only in offline mode with options.backend and options.model set.
  CachingVlmBackend(std::shared_ptr<VlmBackend> inner, std::shared_ptr<ExchangeCache> cache,
                    CachingOptions options = {});

  std::string Kind() const override;
  std::string Model() const override;
  GlobalContext QueryGlobalContext(const GlobalContextRequest& request,
                                   CallRecord* record) override;
  KeyObjectAnswer SelectKeyObjects(const KeyObjectRequest& request, CallRecord* record) override;

  // The key QueryGlobalContext would use for `request`.
  std::string KeyFor(const GlobalContextRequest& request) const;
  // The key SelectKeyObjects would use for `request`.
  std::string KeyFor(const KeyObjectRequest& request) const;
  // Call statistics so far.
  ExchangeCounters counters() const { return caller_.counters(); }
  // Questions offline mode could not answer, in order.
  std::vector<MissedExchange> offline_misses() const { return caller_.offline_misses(); }

 private:
  ExchangeKeyContext Context(const std::string& template_hash) const;

  std::shared_ptr<VlmBackend> inner_;
  detail::CachedCaller caller_;
};

// A Detector that answers from the exchange cache when it can and otherwise calls `inner`.
class CachingDetector : public Detector {
 public:
  // `inner` may be null only in offline mode with options.backend and options.model set.
  CachingDetector(std::shared_ptr<Detector> inner, std::shared_ptr<ExchangeCache> cache,
                  CachingOptions options = {});

  std::string Kind() const override;
  std::string Model() const override;
  std::vector<Detection> Detect(const DetectRequest& request, CallRecord* record) override;

  // The key Detect would use for `request`.
  std::string KeyFor(const DetectRequest& request) const;
  // Call statistics so far.
  ExchangeCounters counters() const { return caller_.counters(); }
  // Questions offline mode could not answer, in order.
  std::vector<MissedExchange> offline_misses() const { return caller_.offline_misses(); }

 private:
  ExchangeKeyContext Context() const;

  std::shared_ptr<Detector> inner_;
  detail::CachedCaller caller_;
};

}  // namespace autofocus
