#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/detect/detector.h"

namespace autofocus {

// One detector inside a MergingDetector.
struct MergeMember {
  std::string name;                     // provenance name; default: the member's Kind()
  std::shared_ptr<Detector> detector;   // the backend (shared: may also be used elsewhere)
  std::vector<std::string> vocabulary;  // sub-vocabulary this member answers; empty = all
  bool always = false;  // ask for `vocabulary` even when the request does not name it (e.g. a
                        // gripper detector whose class the VLM never proposes)
};

// Options of the merging detector.
struct MergingDetectorOptions {
  float cross_nms_iou = 0.f;              // > 0: NMS over the union with this IoU; 0 = plain union
  bool cross_nms_class_agnostic = false;  // cross-detector NMS across labels too
  bool parallel = true;  // call the members concurrently (each must be thread-safe)

  // Throws Error naming the field when out of range.
  void Check() const;
};

// A merged detection with the member that produced it.
struct SourcedDetection {
  Detection detection;  // the box, label and score as the member returned them
  int member = -1;      // index into the members
  std::string source;   // the member's name
};

// Unions several detectors (e.g. open-vocabulary + gripper). Each member gets the request
// vocabulary restricted to its sub-vocabulary (skipped when that leaves nothing, unless
// `always`), its boxes are filtered to that vocabulary, and optionally NMS runs across members.
// The CallRecord's `parsed` lists the boxes with a "source" field, and `request.members` holds
// every member's own record.
class MergingDetector : public Detector {
 public:
  // Throws Error when there is no member, a member has no detector, or names repeat.
  MergingDetector(std::vector<MergeMember> members, MergingDetectorOptions options = {});

  std::string Kind() const override { return "merge"; }
  // The member models joined with "+", e.g. "grounding_dino+gripper.pt".
  std::string Model() const override;
  std::vector<Detection> Detect(const DetectRequest& request, CallRecord* record) override;

  // Like Detect, with the member behind every box.
  std::vector<SourcedDetection> DetectSourced(const DetectRequest& request, CallRecord* record);
  // The vocabulary member `index` is asked for, given the request vocabulary (empty result with
  // a restricted member = the member is skipped).
  std::vector<std::string> MemberVocabulary(size_t index,
                                            const std::vector<std::string>& request_vocabulary,
                                            bool* skip) const;
  // The members, in order.
  const std::vector<MergeMember>& members() const { return members_; }

 private:
  std::vector<MergeMember> members_;
  MergingDetectorOptions options_;
};

}  // namespace autofocus
