#pragma once

// A scripted Detector for tests: returns fixed boxes per label and remembers what it was asked.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/detect/detector.h"

namespace autofocus::testing {

class FakeDetector : public Detector {
 public:
  FakeDetector(std::string kind, std::string model)
      : kind_(std::move(kind)), model_(std::move(model)) {}

  // Adds a box this detector finds whenever `label` is asked for (or the vocabulary is empty).
  FakeDetector& Add(const std::string& label, Box box, float score) {
    Detection d;
    d.label = label;
    d.box = box;
    d.score = score;
    boxes_.push_back(d);
    return *this;
  }
  // Makes every call throw Error(file, "", reason).
  void FailWith(std::string reason) { fail_ = std::move(reason); }

  std::string Kind() const override { return kind_; }
  std::string Model() const override { return model_; }
  std::vector<Detection> Detect(const DetectRequest& request, CallRecord* record) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      calls_.push_back(request.vocabulary);
    }
    if (!fail_.empty()) throw Error(model_, "", fail_);
    std::vector<Detection> out;
    for (const auto& d : boxes_) {
      bool asked = request.vocabulary.empty();
      for (const auto& v : request.vocabulary) asked = asked || v == d.label;
      if (asked) out.push_back(d);
    }
    if (record) {
      record->backend = kind_;
      record->model = model_;
      record->retries = 1;
    }
    return out;
  }

  // The vocabularies of all calls so far, in call order.
  std::vector<std::vector<std::string>> Calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

 private:
  std::string kind_, model_, fail_;
  std::vector<Detection> boxes_;
  mutable std::mutex mutex_;
  std::vector<std::vector<std::string>> calls_;
};

}  // namespace autofocus::testing
