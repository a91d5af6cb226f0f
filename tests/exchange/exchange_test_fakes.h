#pragma once

// Counting fake backends for the exchange tests: deterministic answers derived from the
// request, a call counter, and an optional failure with raw text (no HTTP involved).
#include <atomic>
#include <string>

#include "core/base/error.h"
#include "core/detect/detector.h"
#include "core/vlm/vlm_backend.h"

namespace autofocus::testing {

// A VlmBackend whose answers depend on the request; counts calls.
class CountingVlm : public VlmBackend {
 public:
  std::atomic<int> calls{0};         // calls received
  std::atomic<int> fail_next{0};     // this many next calls fail with raw text kept
  std::string model = "fake-vl-7b";  // reported model

  std::string Kind() const override { return "fake"; }
  std::string Model() const override { return model; }

  GlobalContext QueryGlobalContext(const GlobalContextRequest& request,
                                   CallRecord* record) override {
    ++calls;
    MaybeFail(record);
    GlobalContext c;
    c.summary = "summary of " + request.episode + " with " +
                std::to_string(request.frames.size()) + " frames";
    c.vocabulary = {{"Car", "safety_critical", "vehicles"}, {"Traffic light", "traffic_control", ""}};
    if (record) {
      record->raw_answer = c.ToJson().dump();
      record->latency_ms = 12.5;
      record->prompt_tokens = 100;
    }
    return c;
  }

  KeyObjectAnswer SelectKeyObjects(const KeyObjectRequest& request, CallRecord* record) override {
    ++calls;
    MaybeFail(record);
    KeyObjectAnswer a;
    for (const auto& c : request.candidates) {
      if (static_cast<int>(a.key_objects.size()) >= request.max_key_objects) break;
      a.key_objects.push_back({c.id, c.label, 0.5f + 0.125f * static_cast<float>(c.id % 4),
                               "frame " + std::to_string(request.frame_index)});
    }
    a.missing_categories = {"pedestrian"};
    if (record) record->raw_answer = a.ToJson().dump();
    return a;
  }

 private:
  void MaybeFail(CallRecord* record) {
    int n = fail_next.load();
    while (n > 0 && !fail_next.compare_exchange_weak(n, n - 1)) {
    }
    if (n > 0) {
      if (record) {
        record->raw_answer = "Sure! Here is {not json";
        record->error = "answer is not valid JSON";
      }
      throw Error("", "fake", "answer is not valid JSON");
    }
  }
};

// A Detector that returns one box per vocabulary word; counts calls.
class CountingDetector : public Detector {
 public:
  std::atomic<int> calls{0};  // calls received

  std::string Kind() const override { return "fake-detector"; }
  std::string Model() const override { return "fake-dino"; }

  std::vector<Detection> Detect(const DetectRequest& request, CallRecord* record) override {
    ++calls;
    std::vector<Detection> out;
    float x = static_cast<float>(request.frame_index);
    for (const auto& word : request.vocabulary) {
      Detection d;
      d.label = word;
      d.score = 0.3f + 0.1f * static_cast<float>(out.size());
      d.box = {x, 2.5f, x + 10.25f, 20.f};
      x += 11.f;
      out.push_back(d);
    }
    if (record) record->raw_answer = "{\"predictions\":[]}";
    return out;
  }
};

}  // namespace autofocus::testing
