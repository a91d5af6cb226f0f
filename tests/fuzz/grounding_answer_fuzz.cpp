// Fuzz target: the grounding-answer parser of the Qwen2.5-VL detector
// (QwenGroundingDetector::ParseAnswer, core/detect). The input is the model's raw answer; it is
// parsed for a 320x180 frame sent as 308x168 with a three-class and a one-class vocabulary.
// Every box kept must lie inside the frame with a positive area and a vocabulary label.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/detect/detection_json.h"
#include "core/detect/qwen_grounding_detector.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string answer = autofocus::fuzz::AsString(data, size);
  autofocus::EncodedImage sent;
  sent.width = 308;
  sent.height = 168;
  sent.original_width = 320;
  sent.original_height = 180;
  const std::vector<std::vector<std::string>> vocabularies = {{"car", "traffic light", "bus"},
                                                              {"cup"}};
  for (const auto& vocabulary : vocabularies) {
    try {
      const autofocus::GroundingParse p =
          autofocus::QwenGroundingDetector::ParseAnswer(answer, sent, vocabulary, 0.5f, "fuzz");
      for (const auto& d : p.detections) {
        const auto& b = d.box;
        if (!(b.x1 >= 0 && b.y1 >= 0 && b.x2 <= 320 && b.y2 <= 180 && b.Area() > 0)) {
          autofocus::fuzz::Violated("a kept box is outside the frame or empty");
        }
        if (std::find(vocabulary.begin(), vocabulary.end(), d.label) == vocabulary.end()) {
          autofocus::fuzz::Violated("a kept box has a label outside the vocabulary");
        }
      }
      // What the exchange cache stores and a replay decodes.
      autofocus::DetectionsFromJson(autofocus::DetectionsToJson(p.detections), "fuzz");
    } catch (const autofocus::Error&) {
    }
  }
  return 0;
}
