#include "core/exchange/endpoint_doctor.h"

#include <cstdlib>
#include <opencv2/imgproc.hpp>
#include <regex>
#include <sstream>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/base/strings.h"
#include "core/detect/qwen_grounding_detector.h"
#include "core/imageio/image_io.h"
#include "core/vlm/http_client.h"
#include "core/vlm/openai_vlm_backend.h"

namespace autofocus {
namespace {

using Status = DoctorCheck::Status;

// Collects checks and forwards each one as soon as it is known.
class Report {
 public:
  explicit Report(const std::function<void(const DoctorCheck&)>& sink) : sink_(sink) {}
  void Add(std::string name, Status status, std::string message) {
    checks_.push_back({std::move(name), status, std::move(message)});
    if (sink_) sink_(checks_.back());
  }
  std::vector<DoctorCheck> Take() { return std::move(checks_); }

 private:
  const std::function<void(const DoctorCheck&)>& sink_;
  std::vector<DoctorCheck> checks_;
};

std::string Ms(double ms) { return std::to_string(static_cast<long>(ms + 0.5)) + " ms"; }

// The key from the named variable, or "" (never printed anywhere).
std::string KeyFrom(const std::string& env_name) {
  if (env_name.empty()) return "";
  const char* v = std::getenv(env_name.c_str());
  return v ? std::string(v) : std::string();
}

// A small JPEG (56x56, a multiple of 28 so Qwen-style servers do not resize it): a red square
// on grey, so a model can answer the colour question.
std::string TinyJpeg() {
  cv::Mat img(56, 56, CV_8UC3, cv::Scalar(128, 128, 128));
  cv::rectangle(img, cv::Rect(14, 14, 28, 28), cv::Scalar(0, 0, 255), cv::FILLED);
  std::vector<uint8_t> buf;
  EncodeImage(".jpg", img, &buf, {kJpegQuality, 90});
  return std::string(buf.begin(), buf.end());
}

// Reports whether the named key variable is set (nothing when no variable is named).
void CheckKeyVariable(const std::string& check, const std::string& env_name,
                      const std::string& key, Report& report) {
  if (env_name.empty()) return;
  if (key.empty()) {
    report.Add(check, Status::kFail,
               "environment variable " + env_name + " is not set -> export " + env_name +
                   "=<API key> in the shell that runs autofocus");
  } else {
    report.Add(check, Status::kOk, env_name + " is set (value not shown)");
  }
}

std::string TransportAdvice(const TransportError& e, const std::string& what,
                            const DoctorOptions& o) {
  switch (e.kind()) {
    case TransportErrorKind::kConnection:
      return "cannot connect to " + what + " (" + e.reason() + ") -> wrong base URL or server not running";
    case TransportErrorKind::kTimeout:
      return "no answer from " + what + " within the time limit (connect " +
             std::to_string(static_cast<int>(o.connect_timeout_s)) + " s, total " +
             std::to_string(static_cast<int>(o.timeout_s)) +
             " s) -> check host, port and firewall; a model still loading may need a larger --timeout";
    case TransportErrorKind::kOther:
      break;
  }
  return "request to " + what + " failed (" + e.reason() + ") -> check the URL (scheme, host, port)";
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Extracts the JSON object of a chat answer, tolerating code fences and prose around it.
bool ParseAnswerObject(const std::string& content, Json* out) {
  const size_t a = content.find('{');
  const size_t b = content.rfind('}');
  if (a == std::string::npos || b == std::string::npos || b < a) return false;
  try {
    *out = Json::parse(content.substr(a, b - a + 1));
  } catch (const std::exception&) {
    return false;
  }
  return out->is_object();
}

void CheckVlm(const DoctorOptions& o, Report& report) {
  const std::string root = NormaliseBaseUrl(o.vlm_url);
  const std::string key = KeyFrom(o.vlm_key_env);
  CheckKeyVariable("vlm.key", o.vlm_key_env, key, report);
  auto with_auth = [&](HttpRequest r) {
    if (!key.empty()) r.headers.push_back({"Authorization", "Bearer " + key});
    r.connect_timeout_s = o.connect_timeout_s;
    r.total_timeout_s = o.timeout_s;
    return r;
  };
  auto auth_advice = [&](long status, const std::string& msg) {
    std::string s = "server rejected the request (HTTP " + std::to_string(status) +
                    (msg.empty() ? "" : ": " + msg) + ") -> ";
    if (o.vlm_key_env.empty()) return s + "the server needs an API key: name its variable with --vlm-key-env";
    return s + "API key rejected: check the value of " + o.vlm_key_env;
  };
  auto skip_rest = [&](const std::string& why) {
    report.Add("vlm.model", Status::kSkip, "not checked: " + why);
    report.Add("vlm.structured", Status::kSkip, "not checked: " + why);
  };

  // 1. Reachable + models listed.
  HttpRequest list;
  list.method = "GET";
  list.url = root + "/v1/models";
  HttpResponse models;
  try {
    models = PerformHttpRequest(with_auth(list));
  } catch (const TransportError& e) {
    report.Add("vlm.reachable", Status::kFail, TransportAdvice(e, root, o));
    skip_rest("server unreachable");
    return;
  }
  report.Add("vlm.reachable", Status::kOk,
             root + " answered (HTTP " + std::to_string(models.status) + ", " +
                 Ms(models.elapsed_ms) + ")");
  if (models.status == 401 || models.status == 403) {
    report.Add("vlm.auth", Status::kFail, auth_advice(models.status, ExtractErrorMessage(models.body)));
    skip_rest("API key rejected");
    return;
  }
  bool model_listed = false;
  if (models.status == 404) {
    report.Add("vlm.model", Status::kFail,
               "GET " + list.url + " answered HTTP 404 -> wrong base URL: give the server root "
               "(e.g. http://host:8000), where /v1/models and /v1/chat/completions live");
    report.Add("vlm.structured", Status::kSkip, "not checked: no OpenAI-compatible API at " + root);
    return;
  } else if (models.status != 200) {
    report.Add("vlm.model", Status::kFail,
               "GET " + list.url + " answered HTTP " + std::to_string(models.status) + ": " +
                   ExtractErrorMessage(models.body) + " -> see the server log");
  } else {
    std::vector<std::string> served;
    bool parsed = false;
    try {
      const Json j = Json::parse(models.body);
      if (j.contains("data") && j["data"].is_array()) {
        parsed = true;
        for (const Json& m : j["data"]) {
          if (m.is_object() && m.contains("id") && m["id"].is_string()) served.push_back(m["id"]);
        }
      }
    } catch (const std::exception&) {
    }
    if (!parsed) {
      report.Add("vlm.model", Status::kFail,
                 "GET " + list.url + " did not return an OpenAI model list -> wrong base URL or "
                 "not an OpenAI-compatible server");
      report.Add("vlm.structured", Status::kSkip, "not checked: no OpenAI-compatible API at " + root);
      return;
    }
    for (const auto& s : served) model_listed = model_listed || s == o.vlm_model;
    if (model_listed) {
      report.Add("vlm.model", Status::kOk, "model '" + o.vlm_model + "' is served");
    } else {
      report.Add("vlm.model", Status::kFail,
                 "model '" + o.vlm_model + "' is not served; the server lists: " +
                     (served.empty() ? std::string("(nothing)") : Joined(served)) +
                     " -> set the model name to one of these (or load the model on the server)");
    }
  }
  if (!model_listed && models.status == 200) {
    report.Add("vlm.structured", Status::kSkip, "not checked: model not served");
    return;
  }

  // 2. One structured call with images.
  const std::string image_url = "data:image/jpeg;base64," + Base64Encode(TinyJpeg());
  Json content = Json::array();
  content.push_back({{"type", "text"},
                     {"text", "What colour is the square in the image? Answer as JSON "
                              "{\"color\": \"<colour name>\"}."}});
  for (int i = 0; i < o.vlm_images; ++i) {
    content.push_back({{"type", "image_url"}, {"image_url", {{"url", image_url}}}});
  }
  Json body = {{"model", o.vlm_model},
               {"messages", Json::array({{{"role", "user"}, {"content", content}}})},
               {"temperature", 0},
               {"seed", 0},
               {"max_tokens", 64}};
  if (o.use_json_schema) {
    body["response_format"] = {
        {"type", "json_schema"},
        {"json_schema",
         {{"name", "doctor_check"},
          {"schema",
           {{"type", "object"},
            {"properties", {{"color", {{"type", "string"}}}}},
            {"required", Json::array({"color"})}}}}}};
  }
  HttpRequest chat;
  chat.method = "POST";
  chat.url = root + "/v1/chat/completions";
  chat.headers = {{"Content-Type", "application/json"}};
  chat.body = body.dump();
  const std::string images =
      std::to_string(o.vlm_images) + " image" + (o.vlm_images == 1 ? "" : "s");
  HttpResponse r;
  try {
    r = PerformHttpRequest(with_auth(chat));
  } catch (const TransportError& e) {
    report.Add("vlm.structured", Status::kFail, TransportAdvice(e, chat.url, o));
    return;
  }
  const std::string msg = ExtractErrorMessage(r.body);
  const std::string lower = ToLower(msg);
  if (r.status == 200) {
    std::string text;
    try {
      const Json j = Json::parse(r.body);
      const Json& c = j.at("choices").at(0).at("message").at("content");
      if (c.is_string()) text = c.get<std::string>();
    } catch (const std::exception&) {
      report.Add("vlm.structured", Status::kFail,
                 "chat completions answered HTTP 200 without choices[0].message.content -> not an "
                 "OpenAI-compatible chat endpoint");
      return;
    }
    Json answer;
    if (ParseAnswerObject(text, &answer) && answer.contains("color") && answer["color"].is_string()) {
      report.Add("vlm.structured", Status::kOk,
                 "structured call with " + images + " round-tripped in " + Ms(r.elapsed_ms) +
                     " (answer: " + answer.dump() + ")");
    } else if (o.use_json_schema) {
      report.Add("vlm.structured", Status::kFail,
                 "answer is not the requested JSON although response_format json_schema was sent "
                 "(got: " + text.substr(0, 120) + ") -> the server ignores structured output: "
                 "set use_json_schema false");
    } else {
      report.Add("vlm.structured", Status::kFail,
                 "answer is not JSON (got: " + text.substr(0, 120) +
                     ") -> use an instruction-following vision-language model");
    }
    return;
  }
  if (r.status == 401 || r.status == 403) {
    report.Add("vlm.auth", Status::kFail, auth_advice(r.status, msg));
    return;
  }
  const std::string http = "HTTP " + std::to_string(r.status) + (msg.empty() ? "" : ": " + msg);
  std::smatch m;
  static const std::regex kAtMost("at most (\\d+) image", std::regex::icase);
  if (std::regex_search(msg, m, kAtMost)) {
    report.Add("vlm.structured", Status::kFail,
               "images-per-prompt limit: the server accepts at most " + m[1].str() +
                   " image(s) per prompt, the call sent " + images + " (" + http +
                   ") -> send at most " + m[1].str() +
                   " frames per query, or raise the server's limit (vLLM: --limit-mm-per-prompt)");
  } else if (r.status >= 400 && r.status < 500 &&
             (lower.find("response_format") != std::string::npos ||
              lower.find("json_schema") != std::string::npos ||
              lower.find("structured output") != std::string::npos ||
              lower.find("guided") != std::string::npos)) {
    report.Add("vlm.structured", Status::kFail,
               "server has no structured-output support (" + http +
                   ") -> set use_json_schema false");
  } else if (lower.find("context length") != std::string::npos ||
             lower.find("maximum context") != std::string::npos ||
             lower.find("too long") != std::string::npos) {
    report.Add("vlm.structured", Status::kFail,
               "prompt exceeds the model's context (" + http + ") -> send fewer or smaller images");
  } else if (r.status == 404) {
    report.Add("vlm.structured", Status::kFail,
               "chat completions refused the model (" + http + ") -> check the model name");
  } else if (r.status >= 500) {
    report.Add("vlm.structured", Status::kFail, "server error (" + http + ") -> see the server log");
  } else {
    report.Add("vlm.structured", Status::kFail,
               "the structured call failed (" + http + ") -> see the message above");
  }
}

void CheckDetector(const DoctorOptions& o, Report& report) {
  const std::string root = NormaliseBaseUrl(o.detector_url);
  const std::string key = KeyFrom(o.detector_key_env);
  CheckKeyVariable("detector.key", o.detector_key_env, key, report);
  Json body = {{"image", {{"type", "base64"}, {"value", Base64Encode(TinyJpeg())}}},
               {"text", Json::array({"red square"})},
               {"box_threshold", 0.35},
               {"text_threshold", 0.25}};
  if (!key.empty()) body["api_key"] = key;
  HttpRequest req;
  req.method = "POST";
  req.url = root + "/grounding_dino/infer";
  req.headers = {{"Content-Type", "application/json"}};
  req.body = body.dump();
  req.connect_timeout_s = o.connect_timeout_s;
  req.total_timeout_s = o.timeout_s;
  HttpResponse r;
  try {
    r = PerformHttpRequest(req);
  } catch (const TransportError& e) {
    std::string advice = TransportAdvice(e, root, o);
    if (e.kind() == TransportErrorKind::kConnection) {
      advice += " (Roboflow Inference listens on port 9001 by default)";
    }
    report.Add("detector.infer", Status::kFail, advice);
    return;
  }
  const std::string msg = ExtractErrorMessage(r.body);
  const std::string http = "HTTP " + std::to_string(r.status) + (msg.empty() ? "" : ": " + msg);
  if (r.status == 200) {
    try {
      const Json j = Json::parse(r.body);
      if (j.contains("predictions") && j["predictions"].is_array()) {
        report.Add("detector.infer", Status::kOk,
                   "grounding_dino answered with " + std::to_string(j["predictions"].size()) +
                       " prediction(s) in " + Ms(r.elapsed_ms));
        return;
      }
    } catch (const std::exception&) {
    }
    report.Add("detector.infer", Status::kFail,
               "answer has no 'predictions' list -> not a Roboflow Inference server at " + root);
  } else if (r.status == 401 || r.status == 403) {
    report.Add("detector.infer", Status::kFail,
               "API key rejected (" + http + ") -> " +
                   (o.detector_key_env.empty() ? "name the key's variable with --detector-key-env"
                                               : "check the value of " + o.detector_key_env));
  } else if (r.status == 404) {
    report.Add("detector.infer", Status::kFail,
               "no /grounding_dino/infer at " + root + " (" + http +
                   ") -> wrong detector URL, or Grounding DINO is not enabled on this server");
  } else {
    report.Add("detector.infer", Status::kFail,
               "detector call failed (" + http + ") -> see the detector server log");
  }
}

void RequireString(const Json& obj, const char* field, const std::string& file,
                   const std::string& where, std::string* out) {
  if (!obj.contains(field)) return;
  if (!obj[field].is_string()) throw Error(file, where + "." + field, "must be a string");
  *out = obj[field].get<std::string>();
}

}  // namespace

// The Qwen grounding detector, built with the settings the pipeline would inherit (URL, model
// and key variable of the VLM unless the detector names its own), asked for the red square.
void CheckQwenDetector(const DoctorOptions& o, Report& report) {
  QwenGroundingOptions q;
  q.chat.base_url = o.detector_url.empty() ? o.vlm_url : o.detector_url;
  q.chat.model = o.detector_model.empty() ? o.vlm_model : o.detector_model;
  q.chat.api_key_env = o.detector_key_env.empty() ? o.vlm_key_env : o.detector_key_env;
  q.chat.connect_timeout_s = o.connect_timeout_s;
  q.chat.total_timeout_s = o.timeout_s;
  q.chat.retry.max_attempts = 1;
  CheckKeyVariable("detector.key", q.chat.api_key_env, KeyFrom(q.chat.api_key_env), report);
  cv::Mat img(56, 56, CV_8UC3, cv::Scalar(128, 128, 128));
  cv::rectangle(img, cv::Rect(14, 14, 28, 28), cv::Scalar(0, 0, 255), cv::FILLED);
  DetectRequest req;
  req.episode = "doctor";
  req.image = img;
  req.vocabulary = {"red square"};
  const std::string where = NormaliseBaseUrl(q.chat.base_url) + " (model '" + q.chat.model + "')";
  try {
    QwenGroundingDetector detector(q);
    CallRecord rec;
    const auto boxes = detector.Detect(req, &rec);
    report.Add("detector.ground", Status::kOk,
               "Qwen grounding at " + where + " answered with " + std::to_string(boxes.size()) +
                   " box(es) in " + Ms(rec.latency_ms) + (rec.repairs ? " after a repair turn" : ""));
  } catch (const Error& e) {
    report.Add("detector.ground", Status::kFail,
               "Qwen grounding at " + where + " failed: " + e.reason() +
                   " -> check --detector-url/--detector-model (default: the VLM's) and that the "
                   "model answers grounding prompts (Qwen2.5-VL)");
  }
}

void DoctorOptions::MergeConfig(const Json& config, const std::string& file) {
  if (!config.is_object()) throw Error(file, "", "the config must be a JSON object");
  if (config.contains("vlm")) {
    const Json& v = config["vlm"];
    if (!v.is_object()) throw Error(file, "vlm", "must be an object");
    RequireString(v, "base_url", file, "vlm", &vlm_url);
    RequireString(v, "model", file, "vlm", &vlm_model);
    RequireString(v, "api_key_env", file, "vlm", &vlm_key_env);
    if (v.contains("use_json_schema")) {
      if (!v["use_json_schema"].is_boolean()) {
        throw Error(file, "vlm.use_json_schema", "must be true or false");
      }
      use_json_schema = v["use_json_schema"].get<bool>();
    }
    if (v.contains("images_per_query")) {
      if (!v["images_per_query"].is_number_integer()) {
        throw Error(file, "vlm.images_per_query", "must be an integer");
      }
      vlm_images = v["images_per_query"].get<int>();
    }
  }
  if (config.contains("detector")) {
    const Json& d = config["detector"];
    if (!d.is_object()) throw Error(file, "detector", "must be an object");
    RequireString(d, "kind", file, "detector", &detector);
    RequireString(d, "url", file, "detector", &detector_url);
    RequireString(d, "base_url", file, "detector", &detector_url);
    RequireString(d, "model", file, "detector", &detector_model);
    RequireString(d, "api_key_env", file, "detector", &detector_key_env);
  }
}

void DoctorOptions::Check() const {
  if (vlm_url.empty() && detector_url.empty()) {
    throw Error("", "doctor", "nothing to check: give --vlm-url, --detector-url or --config");
  }
  if (!vlm_url.empty() && vlm_model.empty()) {
    throw Error("", "vlm.model", "a VLM URL needs the model name (--vlm-model)");
  }
  if (vlm_images < 1 || vlm_images > 64) throw Error("", "vlm.images_per_query", "must be in 1..64");
  if (!detector.empty() && detector != "roboflow" && detector != "qwen") {
    throw Error("", "detector.kind", "unknown detector kind '" + detector + "' (doctor checks: roboflow, qwen)");
  }
  if (detector == "qwen" && detector_url.empty() && vlm_url.empty()) {
    throw Error("", "detector.url", "detector 'qwen' needs --detector-url or the VLM's --vlm-url");
  }
  if (detector == "qwen" && detector_model.empty() && vlm_model.empty()) {
    throw Error("", "detector.model", "detector 'qwen' needs --detector-model or the VLM's --vlm-model");
  }
  if (!detector.empty() && detector != "qwen" && detector_url.empty()) {
    throw Error("", "detector.url", "detector '" + detector + "' needs --detector-url");
  }
  if (!(connect_timeout_s > 0) || !(timeout_s > 0)) throw Error("", "timeout", "must be positive");
}

std::string FormatDoctorCheck(const DoctorCheck& check) {
  const char* tag = check.status == Status::kOk ? "OK  " : check.status == Status::kFail ? "FAIL" : "SKIP";
  std::string name = check.name;
  if (name.size() < 16) name.resize(16, ' ');
  return std::string(tag) + "  " + name + " " + check.message;
}

std::vector<DoctorCheck> RunDoctor(const DoctorOptions& options,
                                   const std::function<void(const DoctorCheck&)>& on_check) {
  options.Check();
  Report report(on_check);
  if (!options.vlm_url.empty()) CheckVlm(options, report);
  if (options.detector == "qwen") {
    CheckQwenDetector(options, report);
  } else if (!options.detector_url.empty()) {
    CheckDetector(options, report);
  }
  return report.Take();
}

}  // namespace autofocus
