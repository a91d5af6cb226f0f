#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/detect/detector.h"
#include "core/vlm/image_encoding.h"
#include "core/vlm/openai_vlm_backend.h"

namespace autofocus {

// Options of the Qwen2.5-VL grounding detector.
struct QwenGroundingOptions {
  OpenAiVlmOptions chat;  // server, model, key variable, image budget, timeouts, retries
  // Prompt text; "{classes}" becomes the vocabulary as "car, traffic light".
  std::string prompt =
      "Locate every instance of the following object categories in the image: {classes}. "
      "Answer with a JSON list in a ```json code block, one entry per object: "
      "{\"bbox_2d\": [x1, y1, x2, y2], \"label\": \"<category>\"}, with x1,y1 the top-left and "
      "x2,y2 the bottom-right corner in absolute pixel coordinates of this image. Use exactly "
      "the category names given. Answer [] if none of them is visible.";
  float score = 1.f;  // score given to every box (Qwen grounding reports none)
  // An answer with no usable JSON list gets a repair turn (the model sees its answer and the
  // error), then one fresh request; only then is the frame's detection an error.
  bool repair = true;

  // Throws Error naming the field when out of range.
  void Check() const;
  // Reads the options from a JSON object: "prompt", "score", "repair", and the chat settings
  // read by OpenAiOptionsFromJson (core/vlm). `origin` names the config in errors.
  static QwenGroundingOptions FromJson(const Json& j, const std::string& origin);
};

// Boxes parsed from a grounding answer, and what was dropped.
struct GroundingParse {
  std::vector<Detection> detections;  // in original-frame pixels, clamped, vocabulary labels
  std::vector<std::string> warnings;  // dropped entries and why
};

// Open-vocabulary detection with Qwen2.5-VL grounding through the OpenAI-compatible chat
// client: the frame is resized on the client to multiples of 28 (smart_resize, so the server
// keeps it as is), the model answers `[{"bbox_2d":[x1,y1,x2,y2],"label":..}]` in pixels of the
// sent image, and the boxes are mapped back with one scale factor per axis, swapped when
// inverted, clamped, and their labels matched to the vocabulary (lower case; a plural "s"/"es"
// is accepted). An empty vocabulary returns no boxes without a call.
class QwenGroundingDetector : public Detector {
 public:
  // `client` (optional) replaces the chat client built from options.chat.
  explicit QwenGroundingDetector(QwenGroundingOptions options,
                                 std::shared_ptr<const OpenAiChatClient> client = nullptr);

  std::string Kind() const override { return "qwen-grounding"; }
  std::string Model() const override { return options_.chat.model; }
  std::vector<Detection> Detect(const DetectRequest& request, CallRecord* record) override;

  // The prompt text for a vocabulary.
  std::string RenderPrompt(const std::vector<std::string>& vocabulary) const;
  // Parses an answer (code fences and prose around the JSON list are tolerated) for an image
  // sent as `sent`; Error naming `origin` when no JSON list or object can be found. Entries
  // without a usable box or label are dropped and reported in the warnings.
  static GroundingParse ParseAnswer(const std::string& answer, const EncodedImage& sent,
                                    const std::vector<std::string>& vocabulary, float score,
                                    const std::string& origin);

 private:
  QwenGroundingOptions options_;
  std::shared_ptr<const OpenAiChatClient> client_;
};

}  // namespace autofocus
