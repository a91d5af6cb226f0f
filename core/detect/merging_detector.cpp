#include "core/detect/merging_detector.h"

#include <algorithm>
#include <future>
#include <set>

#include "core/base/error.h"
#include "core/detect/box_ops.h"
#include "core/detect/detection_json.h"

namespace autofocus {

void MergingDetectorOptions::Check() const {
  if (!(cross_nms_iou >= 0.f && cross_nms_iou <= 1.f)) {
    throw Error("", "merge.cross_nms_iou", "must be in [0,1] (0 = no cross-detector NMS)");
  }
}

MergingDetector::MergingDetector(std::vector<MergeMember> members, MergingDetectorOptions options)
    : members_(std::move(members)), options_(options) {
  options_.Check();
  if (members_.empty()) throw Error("", "merge.detectors", "needs at least one detector");
  std::set<std::string> names;
  for (size_t i = 0; i < members_.size(); ++i) {
    auto& m = members_[i];
    const std::string where = "merge.detectors[" + std::to_string(i) + "]";
    if (!m.detector) throw Error("", where, "no detector");
    if (m.name.empty()) m.name = m.detector->Kind();
    if (!names.insert(m.name).second) {
      throw Error("", where + ".name", "duplicate member name '" + m.name + "'");
    }
    m.vocabulary = NormalizeVocabulary(m.vocabulary);
    if (m.always && m.vocabulary.empty()) {
      throw Error("", where + ".always", "needs a vocabulary to ask for");
    }
  }
}

std::string MergingDetector::Model() const {
  std::string out;
  for (const auto& m : members_) out += (out.empty() ? "" : "+") + m.detector->Model();
  return out;
}

std::vector<std::string> MergingDetector::MemberVocabulary(
    size_t index, const std::vector<std::string>& request_vocabulary, bool* skip) const {
  const MergeMember& m = members_.at(index);
  const std::vector<std::string> requested = NormalizeVocabulary(request_vocabulary);
  *skip = false;
  if (m.vocabulary.empty()) return requested;
  // An empty request means "all classes": for a restricted member that is its sub-vocabulary.
  if (m.always || requested.empty()) return m.vocabulary;
  std::vector<std::string> out;
  for (const auto& name : requested) {
    if (std::find(m.vocabulary.begin(), m.vocabulary.end(), name) != m.vocabulary.end()) {
      out.push_back(name);
    }
  }
  *skip = out.empty();
  return out;
}

std::vector<Detection> MergingDetector::Detect(const DetectRequest& request, CallRecord* record) {
  std::vector<Detection> out;
  for (auto& s : DetectSourced(request, record)) out.push_back(std::move(s.detection));
  return out;
}

std::vector<SourcedDetection> MergingDetector::DetectSourced(const DetectRequest& request,
                                                             CallRecord* record) {
  const long long start = SteadyNowNs();
  struct Call {
    bool skip = false;
    DetectRequest request;
    CallRecord record;
    std::vector<Detection> detections;
  };
  std::vector<Call> calls(members_.size());
  for (size_t i = 0; i < members_.size(); ++i) {
    calls[i].request.episode = request.episode;
    calls[i].request.frame_index = request.frame_index;
    calls[i].request.image = request.image;  // shared pixels, no copy
    calls[i].request.vocabulary = MemberVocabulary(i, request.vocabulary, &calls[i].skip);
  }
  auto run = [&](size_t i) {
    if (calls[i].skip) return;
    try {
      calls[i].detections = members_[i].detector->Detect(calls[i].request, &calls[i].record);
    } catch (const Error& e) {
      // Keep the member's file/field but say which member failed.
      throw Error(
          e.file(),
          "merge member '" + members_[i].name + "'" + (e.where().empty() ? "" : ": " + e.where()),
          e.reason());
    }
  };
  size_t active = 0;
  for (const auto& c : calls) active += c.skip ? 0 : 1;
  if (options_.parallel && active > 1) {
    // Members are usually remote (HTTP) or independent models: overlap their latencies.
    std::vector<std::future<void>> futures;
    for (size_t i = 0; i < calls.size(); ++i) {
      if (!calls[i].skip) futures.push_back(std::async(std::launch::async, run, i));
    }
    // Wait for every member before rethrowing, so no task outlives `calls`.
    std::exception_ptr first_error;
    for (auto& f : futures) {
      try {
        f.get();
      } catch (...) {
        if (!first_error) first_error = std::current_exception();
      }
    }
    if (first_error) std::rethrow_exception(first_error);
  } else {
    for (size_t i = 0; i < calls.size(); ++i) run(i);
  }

  std::vector<SourcedDetection> merged;
  for (size_t i = 0; i < calls.size(); ++i) {
    const auto& vocab = calls[i].request.vocabulary;
    for (auto& d : calls[i].detections) {
      // A restricted member only contributes its own classes, whatever the backend returned.
      if (!members_[i].vocabulary.empty() &&
          std::find(vocab.begin(), vocab.end(), d.label) == vocab.end()) {
        continue;
      }
      merged.push_back({std::move(d), static_cast<int>(i), members_[i].name});
    }
  }
  if (options_.cross_nms_iou > 0.f) {
    std::vector<Detection> plain;
    for (const auto& s : merged) plain.push_back(s.detection);
    std::vector<SourcedDetection> kept;
    for (int i : NmsIndices(plain, options_.cross_nms_iou, options_.cross_nms_class_agnostic)) {
      kept.push_back(std::move(merged[i]));
    }
    merged = std::move(kept);
  }

  if (record) {
    record->backend = Kind();
    record->model = Model();
    Json members = Json::array();
    record->retries = 0;
    record->prompt_tokens = 0;
    record->completion_tokens = 0;
    for (size_t i = 0; i < calls.size(); ++i) {
      Json m = {{"name", members_[i].name},
                {"kind", members_[i].detector->Kind()},
                {"model", members_[i].detector->Model()},
                {"vocabulary", calls[i].request.vocabulary},
                {"skipped", calls[i].skip}};
      if (!calls[i].skip) m["record"] = calls[i].record.ToJson();
      members.push_back(std::move(m));
      record->retries += calls[i].record.retries;
      record->prompt_tokens += calls[i].record.prompt_tokens;
      record->completion_tokens += calls[i].record.completion_tokens;
    }
    record->request = {{"episode", request.episode},
                       {"frame_index", request.frame_index},
                       {"vocabulary", NormalizeVocabulary(request.vocabulary)},
                       {"cross_nms_iou", options_.cross_nms_iou},
                       {"cross_nms_class_agnostic", options_.cross_nms_class_agnostic},
                       {"members", std::move(members)}};
    Json parsed = Json::array();
    for (const auto& s : merged) {
      Json d = DetectionsToJson({s.detection})[0];
      d["source"] = s.source;
      parsed.push_back(std::move(d));
    }
    record->parsed = std::move(parsed);
    record->raw_answer = record->parsed.dump();
    record->latency_ms = ElapsedMs(start);
  }
  return merged;
}

}  // namespace autofocus
