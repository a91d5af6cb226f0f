#include "core/detect/qwen_grounding_detector.h"

#include <algorithm>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/base/strings.h"
#include "core/detect/box_ops.h"
#include "core/detect/detection_json.h"

namespace autofocus {
namespace {

// The end of the balanced JSON value starting at `begin` ('[' or '{'), skipping brackets inside
// strings; npos when it is not closed.
size_t BalancedEnd(const std::string& s, size_t begin) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = begin; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return i;
    }
  }
  return std::string::npos;
}

// The first JSON list or object in `text` that parses, after a ```json fence when there is one.
Json ExtractJsonValue(const std::string& text, const std::string& origin) {
  std::string body = text;
  const size_t fence = body.find("```");
  if (fence != std::string::npos) {
    size_t start = body.find('\n', fence);
    start = start == std::string::npos ? fence + 3 : start + 1;
    const size_t close = body.find("```", start);
    body = body.substr(start, close == std::string::npos ? std::string::npos : close - start);
  }
  for (size_t pos = body.find_first_of("[{"); pos != std::string::npos;
       pos = body.find_first_of("[{", pos + 1)) {
    const size_t end = BalancedEnd(body, pos);
    if (end == std::string::npos) continue;
    Json j = Json::parse(body.substr(pos, end - pos + 1), nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded()) return j;
  }
  throw Error(origin, "answer", "no JSON list of boxes in the answer");
}

// The vocabulary entry a model label means: exact (lower-case, trimmed), else without a plural
// "s"/"es"; "" when none.
std::string MatchLabel(const std::string& raw, const std::vector<std::string>& vocabulary) {
  const std::string label = ToLower(Trim(raw));
  auto has = [&](const std::string& v) {
    return std::find(vocabulary.begin(), vocabulary.end(), v) != vocabulary.end();
  };
  if (has(label)) return label;
  for (const char* suffix : {"es", "s"}) {
    const std::string s(suffix);
    if (label.size() > s.size() && label.compare(label.size() - s.size(), s.size(), s) == 0 &&
        has(label.substr(0, label.size() - s.size()))) {
      return label.substr(0, label.size() - s.size());
    }
  }
  return "";
}

}  // namespace

void QwenGroundingOptions::Check() const {
  chat.Check();
  if (prompt.find("{classes}") == std::string::npos) {
    throw Error("", "prompt", "must contain the {classes} placeholder");
  }
  if (!(score > 0.f && score <= 1.f)) throw Error("", "score", "must be in (0,1]");
}

QwenGroundingOptions QwenGroundingOptions::FromJson(const Json& j, const std::string& origin) {
  const std::string where = "qwen";
  QwenGroundingOptions o;
  // The chat settings go through core/vlm's one reader; only prompt, score and repair are ours.
  o.chat = OpenAiOptionsFromJson(j, origin, where, {"kind", "prompt", "score", "repair"}, o.chat);
  o.prompt = JsonStringOr(j, "prompt", o.prompt, origin, where);
  o.score = static_cast<float>(JsonNumberOr(j, "score", o.score, origin, where));
  if (j.contains("repair")) {
    if (!j["repair"].is_boolean()) throw Error(origin, where + ".repair", "has the wrong type");
    o.repair = j["repair"].get<bool>();
  }
  try {
    o.Check();
  } catch (const Error& e) {
    throw Error(origin, where + "." + e.where(), e.reason());
  }
  return o;
}

QwenGroundingDetector::QwenGroundingDetector(QwenGroundingOptions options,
                                             std::shared_ptr<const OpenAiChatClient> client)
    : options_(std::move(options)), client_(std::move(client)) {
  options_.Check();
  if (!client_) client_ = std::make_shared<OpenAiChatClient>(options_.chat);
}

std::string QwenGroundingDetector::RenderPrompt(const std::vector<std::string>& vocabulary) const {
  std::string classes;
  for (const auto& v : vocabulary) classes += (classes.empty() ? "" : ", ") + v;
  std::string out = options_.prompt;
  for (size_t pos = out.find("{classes}"); pos != std::string::npos;
       pos = out.find("{classes}", pos + classes.size())) {
    out.replace(pos, 9, classes);
  }
  return out;
}

GroundingParse QwenGroundingDetector::ParseAnswer(const std::string& answer,
                                                  const EncodedImage& sent,
                                                  const std::vector<std::string>& vocabulary,
                                                  float score, const std::string& origin) {
  Json j = ExtractJsonValue(answer, origin);
  // Some answers wrap the list ({"objects":[...]}) or give one bare object.
  if (j.is_object()) {
    Json list;
    if (!j.contains("bbox_2d")) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (it->is_array() && (it->empty() || it->front().is_object())) {
          list = *it;
          break;
        }
      }
    }
    j = list.is_array() ? list : Json::array({j});
  }
  GroundingParse out;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string where = "[" + std::to_string(i) + "]";
    const Json& e = j[i];
    const Json* bbox = e.is_object() && e.contains("bbox_2d") ? &e["bbox_2d"] : nullptr;
    if (!bbox || !bbox->is_array() || bbox->size() != 4 ||
        !std::all_of(bbox->begin(), bbox->end(), [](const Json& v) { return v.is_number(); })) {
      out.warnings.push_back(where + ": no bbox_2d of 4 numbers; dropped");
      continue;
    }
    std::string label;
    if (e.contains("label") && e["label"].is_string()) {
      label = MatchLabel(e["label"].get<std::string>(), vocabulary);
      if (label.empty()) {
        out.warnings.push_back(where + ": label '" + e["label"].get<std::string>() +
                               "' is not in the vocabulary; dropped");
        continue;
      }
    } else if (vocabulary.size() == 1) {
      label = vocabulary[0];  // one class asked: an unlabelled box can only be that
    } else {
      out.warnings.push_back(where + ": no label; dropped");
      continue;
    }
    const double x1 = (*bbox)[0].get<double>(), y1 = (*bbox)[1].get<double>();
    const double x2 = (*bbox)[2].get<double>(), y2 = (*bbox)[3].get<double>();
    Box b{static_cast<float>(sent.ToOriginalX(x1)), static_cast<float>(sent.ToOriginalY(y1)),
          static_cast<float>(sent.ToOriginalX(x2)), static_cast<float>(sent.ToOriginalY(y2))};
    Detection d;
    d.box = ClampBox(FixInvertedBox(b), sent.original_width, sent.original_height);
    if (d.box.Area() <= 0.f) {
      out.warnings.push_back(where + ": empty box inside the image; dropped");
      continue;
    }
    d.label = label;
    d.score = score;
    out.detections.push_back(std::move(d));
  }
  return out;
}

std::vector<Detection> QwenGroundingDetector::Detect(const DetectRequest& request,
                                                     CallRecord* record) {
  const long long start = SteadyNowNs();
  const std::vector<std::string> vocabulary = NormalizeVocabulary(request.vocabulary);
  if (record) {
    record->backend = Kind();
    record->model = Model();
  }
  if (vocabulary.empty()) {
    if (record) {
      record->parsed = Json::array();
      record->latency_ms = ElapsedMs(start);
    }
    return {};
  }
  const OpenAiVlmOptions& chat = client_->options();
  const EncodedImage sent =
      EncodeImageForVlm(request.image, chat.max_pixels, chat.jpeg_quality, chat.min_pixels);
  const Json messages =
      Json::array({OpenAiChatClient::UserMessage(RenderPrompt(vocabulary), {sent})});
  // No response_format: the grounding answer is a JSON list, which json_schema servers
  // disagree on, and Qwen was trained to answer it in a fenced block anyway.
  const Json body = client_->BuildBody(messages, "", Json());
  if (record) {
    record->request = OpenAiChatClient::RedactImages(body);
    record->template_hash = Sha256Hex(options_.prompt);
    record->cache_key = DetectorCacheKey(*record);
  }
  ChatResult result;
  try {
    result = client_->Complete(body);
  } catch (const Error& e) {
    if (record) {
      record->error = e.what();
      record->latency_ms = ElapsedMs(start);
    }
    throw;
  }
  if (record) {
    record->raw_answer = result.content;
    record->prompt_tokens = result.prompt_tokens;
    record->completion_tokens = result.completion_tokens;
    record->retries = result.retries;
    record->latency_ms = ElapsedMs(start);
  }
  const std::string origin = result.endpoint + "/v1/chat/completions";
  std::string first_error;
  for (int attempt = 0;; ++attempt) {
    try {
      GroundingParse parsed = ParseAnswer(result.content, sent, vocabulary, options_.score, origin);
      if (record) {
        record->warnings = parsed.warnings;
        if (attempt > 0) {
          record->warnings.insert(record->warnings.begin(), "answer " + std::to_string(attempt + 1) +
                                                               " used; the first had: " + first_error);
        }
        record->parsed = DetectionsToJson(parsed.detections);
        record->raw_answer = result.content;
        record->latency_ms = ElapsedMs(start);
      }
      return std::move(parsed.detections);
    } catch (const Error& e) {
      if (first_error.empty()) first_error = e.what();
      // Attempt 1: a repair turn (the model sees its answer and what was wrong); attempt 2: a
      // fresh request, for servers that sample or had a bad moment. Then the frame fails.
      const bool repair_next = attempt == 0 && options_.repair;
      const bool fresh_next = attempt == (options_.repair ? 1 : 0);
      if (!repair_next && !fresh_next) {
        if (record) {
          record->raw_answer = result.content;  // the last answer; the error says how many came before
          record->error = std::string(e.what()) + (attempt > 0 ? " (after " + std::to_string(attempt) + " more attempt(s))" : "");
          record->latency_ms = ElapsedMs(start);
        }
        throw Error(e.file(), e.where(), e.reason() + (attempt > 0 ? " (after " + std::to_string(attempt) + " more attempt(s))" : ""));
      }
      Json retry_body = body;
      if (repair_next) {
        Json msgs = messages;
        msgs.push_back({{"role", "assistant"}, {"content", result.content}});
        msgs.push_back({{"role", "user"},
                        {"content", "Your answer could not be used (" + e.reason() +
                                        "). Answer again with only the JSON list in a ```json code block, "
                                        "one {\"bbox_2d\": [x1, y1, x2, y2], \"label\": \"<category>\"} per "
                                        "object, or [] if none is visible."}});
        retry_body = client_->BuildBody(msgs, "", Json());
        if (record) record->repairs += 1;
      } else if (record) {
        record->retries += 1;
      }
      try {
        result = client_->Complete(retry_body);
      } catch (const Error& e2) {
        if (record) {
          record->error = e2.what();
          record->latency_ms = ElapsedMs(start);
        }
        throw;
      }
      if (record) {
        record->prompt_tokens += result.prompt_tokens;
        record->completion_tokens += result.completion_tokens;
      }
    }
  }
}

}  // namespace autofocus
