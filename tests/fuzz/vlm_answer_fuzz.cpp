// Fuzz target: the VLM answer parser (core/vlm/answer_parsing.h). The input is a model's raw
// answer text: the JSON object is extracted (fences, prose) and validated both as a
// global-context answer (both domains) and as a key-object answer, as OpenAiVlmBackend does.
// InvalidAnswer / Error are the expected outcome of bad answers; the validated results are
// written out again (ToJson) and read back as a cached replay would (FromJson).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/vlm/answer_parsing.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using autofocus::CandidateObject;
using autofocus::Error;
using autofocus::Json;

const std::vector<CandidateObject>& Offered() {
  static const std::vector<CandidateObject> offered = {{7, "car", {10, 20, 50, 60}},
                                                       {9, "traffic light", {0, 0, 5, 5}},
                                                       {12, "pedestrian", {1, 1, 2, 2}},
                                                       {15, "car", {3, 3, 4, 4}}};
  return offered;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string answer = autofocus::fuzz::AsString(data, size);
  Json j;
  try {
    j = autofocus::ExtractJsonObject(answer);
  } catch (const Error&) {
    return 0;
  }
  for (const char* domain : {"driving", "manipulation"}) {
    try {
      std::vector<std::string> warnings;
      const autofocus::GlobalContext c = autofocus::ValidateGlobalContext(j, domain, &warnings);
      autofocus::GlobalContext::FromJson(c.ToJson()).VocabularyNames();
    } catch (const Error&) {
    }
  }
  for (int max_keys : {0, 2, 10}) {
    try {
      std::vector<std::string> warnings;
      const autofocus::KeyObjectAnswer a =
          autofocus::ValidateKeyObjects(j, Offered(), max_keys, &warnings);
      if (static_cast<int>(a.key_objects.size()) > max_keys) {
        autofocus::fuzz::Violated("more key objects than max_key_objects");
      }
      autofocus::KeyObjectAnswer::FromJson(a.ToJson());
    } catch (const Error&) {
    }
  }
  return 0;
}
