#include "core/vlm/openai_vlm_backend.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include "core/base/hash.h"
#include "core/base/strings.h"
#include "core/vlm/answer_parsing.h"

namespace autofocus {
namespace {

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

bool StartsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

std::string Fixed3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// An actionable explanation of a non-2xx chat answer. Never includes the key itself.
std::string ExplainStatus(long status, const std::string& message, const OpenAiVlmOptions& o) {
  std::string lower = ToLower(message);
  std::smatch m;
  static const std::regex kImageLimit(R"(at most (\d+) image)", std::regex::icase);
  if (status == 400 && std::regex_search(message, m, kImageLimit)) {
    return "the server accepts at most " + m[1].str() +
           " image(s) per prompt: send fewer frames (or raise the server's limit, e.g. vLLM "
           "--limit-mm-per-prompt) [" + message + "]";
  }
  if ((status == 400 || status == 413) &&
      (lower.find("context length") != std::string::npos ||
       lower.find("maximum context") != std::string::npos ||
       lower.find("context window") != std::string::npos ||
       lower.find("too long") != std::string::npos ||
       lower.find("too many tokens") != std::string::npos)) {
    return "the prompt exceeds the model's context length: send fewer or smaller images (lower "
           "max_pixels, currently " + std::to_string(o.max_pixels) + ") [" + message + "]";
  }
  if (status == 401 || status == 403) {
    std::string key = o.api_key_env.empty()
                          ? "no api_key_env is configured"
                          : ("check the key in environment variable " + o.api_key_env +
                             (std::getenv(o.api_key_env.c_str()) ? "" : " (it is not set)"));
    return "not authorised: " + key + " [" + message + "]";
  }
  if (status == 404) {
    return "not found: check base_url (server root, with or without /v1) and that model '" +
           o.model + "' is served [" + message + "]";
  }
  if (status == 400 && lower.find("response_format") != std::string::npos) {
    return "the server rejected response_format: set use_json_schema to false [" + message + "]";
  }
  return message.empty() ? "request failed" : message;
}

// Text of message.content: a string, or a list of parts whose text parts are joined.
std::string ContentText(const Json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {
    for (const Json& p : content) {
      if (p.is_object() && p.value("type", "") == "text" && p.contains("text") &&
          p["text"].is_string()) {
        out += p["text"].get<std::string>();
      }
    }
  }
  return out;
}

int UsageField(const Json& body, const char* name) {
  auto u = body.find("usage");
  if (u == body.end() || !u->is_object()) return 0;
  auto v = u->find(name);
  return v != u->end() && v->is_number_integer() ? v->get<int>() : 0;
}

Json RedactValue(const Json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    size_t comma = s.find(',');
    if (StartsWith(s, "data:") && comma != std::string::npos) {
      // Records keep the hash of the image bytes, so they stay small and still identify it.
      try {
        return "sha256:" + Sha256Hex(Base64Decode(std::string_view(s).substr(comma + 1)));
      } catch (const std::exception&) {
        return "sha256:" + Sha256Hex(s);
      }
    }
    return v;
  }
  if (v.is_array() || v.is_object()) {
    Json out = v;
    for (auto it = out.begin(); it != out.end(); ++it) *it = RedactValue(*it);
    return out;
  }
  return v;
}

std::string FileNameFor(const std::string& kind, const std::string& domain) {
  return kind == "repair" ? "repair.txt" : kind + "_" + domain + ".txt";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Options

std::string NormaliseBaseUrl(const std::string& base_url) {
  std::string u = Trim(base_url);
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (u.size() >= 3 && u.compare(u.size() - 3, 3, "/v1") == 0) u.resize(u.size() - 3);
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

std::vector<std::string> OpenAiVlmOptions::Endpoints() const {
  std::vector<std::string> out{NormaliseBaseUrl(base_url)};
  for (const auto& u : extra_base_urls) out.push_back(NormaliseBaseUrl(u));
  return out;
}

const std::vector<std::string> kOpenAiConnectionFields = {
    "base_url", "extra_base_urls", "endpoint_selection", "max_in_flight", "model",
    "api_key_env", "connect_timeout_s", "total_timeout_s", "retry"};

namespace {

template <typename T>
void ReadField(const Json& j, const char* key, T* out, const std::string& file, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return;
  try {
    *out = it->get<T>();
  } catch (const Json::exception&) {
    throw Error(file, where + "." + key, "has the wrong type");
  }
}

}  // namespace

OpenAiVlmOptions OpenAiOptionsFromJson(const Json& j, const std::string& file, const std::string& w,
                                       const std::vector<std::string>& extra_keys,
                                       const OpenAiVlmOptions& base) {
  if (!j.is_object()) throw Error(file, w, "expected an object");
  static const std::vector<std::string> client = {
      "base_url", "extra_base_urls", "endpoint_selection", "max_in_flight", "model", "api_key_env",
      "max_pixels", "min_pixels", "jpeg_quality", "temperature", "seed", "use_json_schema",
      "max_tokens", "connect_timeout_s", "total_timeout_s", "retry"};
  for (const auto& [k, v] : j.items()) {
    if (std::find(client.begin(), client.end(), k) == client.end() &&
        std::find(extra_keys.begin(), extra_keys.end(), k) == extra_keys.end()) {
      throw Error(file, w + "." + k,
                  k == "api_key" ? "never put a key in a file: set api_key_env to the NAME of an environment variable"
                                 : "unknown option");
    }
  }
  OpenAiVlmOptions o = base;
  ReadField(j, "base_url", &o.base_url, file, w);
  ReadField(j, "extra_base_urls", &o.extra_base_urls, file, w);
  ReadField(j, "endpoint_selection", &o.endpoint_selection, file, w);
  ReadField(j, "max_in_flight", &o.max_in_flight, file, w);
  ReadField(j, "model", &o.model, file, w);
  ReadField(j, "api_key_env", &o.api_key_env, file, w);
  ReadField(j, "max_pixels", &o.max_pixels, file, w);
  ReadField(j, "min_pixels", &o.min_pixels, file, w);
  ReadField(j, "jpeg_quality", &o.jpeg_quality, file, w);
  ReadField(j, "temperature", &o.temperature, file, w);
  ReadField(j, "seed", &o.seed, file, w);
  ReadField(j, "use_json_schema", &o.use_json_schema, file, w);
  ReadField(j, "max_tokens", &o.max_tokens, file, w);
  ReadField(j, "connect_timeout_s", &o.connect_timeout_s, file, w);
  ReadField(j, "total_timeout_s", &o.total_timeout_s, file, w);
  // Only read when the caller accepts them (the VLM does; a detector has its own meaning).
  auto accepts = [&](const char* k) {
    return std::find(extra_keys.begin(), extra_keys.end(), k) != extra_keys.end();
  };
  if (accepts("max_key_objects")) ReadField(j, "max_key_objects", &o.max_key_objects, file, w);
  if (accepts("repair")) ReadField(j, "repair", &o.repair, file, w);
  if (accepts("domain")) ReadField(j, "domain", &o.domain, file, w);
  if (accepts("prompt_dir")) ReadField(j, "prompt_dir", &o.prompt_dir, file, w);
  if (j.contains("retry")) {
    const Json& r = j["retry"];
    if (!r.is_object()) throw Error(file, w + ".retry", "expected an object");
    for (const auto& [k, v] : r.items()) {
      if (k != "max_attempts" && k != "base_delay_s" && k != "max_delay_s" && k != "honour_retry_after" &&
          k != "max_retry_after_s" && k != "retry_timeouts") {
        throw Error(file, w + ".retry." + k, "unknown option");
      }
    }
    ReadField(r, "max_attempts", &o.retry.max_attempts, file, w + ".retry");
    ReadField(r, "base_delay_s", &o.retry.base_delay_s, file, w + ".retry");
    ReadField(r, "max_delay_s", &o.retry.max_delay_s, file, w + ".retry");
    ReadField(r, "honour_retry_after", &o.retry.honour_retry_after, file, w + ".retry");
    ReadField(r, "max_retry_after_s", &o.retry.max_retry_after_s, file, w + ".retry");
    ReadField(r, "retry_timeouts", &o.retry.retry_timeouts, file, w + ".retry");
  }
  try {
    o.Check();
  } catch (const Error& e) {
    throw Error(file, e.where().empty() ? w : w + "." + e.where(), e.reason());
  }
  return o;
}

OpenAiVlmOptions OpenAiVlmOptionsFromJson(const Json& j, const std::string& file) {
  return OpenAiOptionsFromJson(j, file, "vlm", {"kind", "max_key_objects", "repair", "domain", "prompt_dir"});
}

Json InheritOpenAiConnection(const Json& vlm, const Json& detector) {
  Json out = detector;
  if (!vlm.is_object()) return out;
  for (const auto& k : kOpenAiConnectionFields) {
    if (!out.contains(k) && vlm.contains(k)) out[k] = vlm[k];
  }
  return out;
}

void OpenAiVlmOptions::Check() const {
  for (const auto& u : Endpoints()) {
    if (!StartsWith(u, "http://") && !StartsWith(u, "https://")) {
      throw Error("", "base_url", "'" + u + "' must start with http:// or https://");
    }
  }
  if (endpoint_selection != "round_robin" && endpoint_selection != "least_busy") {
    throw Error("", "endpoint_selection", "must be round_robin or least_busy");
  }
  if (max_in_flight < 1) throw Error("", "max_in_flight", "must be >= 1");
  if (Trim(model).empty()) throw Error("", "model", "must not be empty");
  // A key pasted where the variable NAME belongs must not leak into errors: do not echo it.
  for (char c : api_key_env) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
      throw Error("", "api_key_env",
                  "must be the NAME of an environment variable (letters, digits, '_'), not the "
                  "key itself");
    }
  }
  if (StartsWith(api_key_env, "sk") && api_key_env.size() > 24) {
    throw Error("", "api_key_env", "looks like a key: give the NAME of the variable holding it");
  }
  if (min_pixels < 0) throw Error("", "min_pixels", "must be >= 0");
  if (max_pixels < 28 * 28 || max_pixels < min_pixels) {
    throw Error("", "max_pixels", "must be >= 784 (one 28x28 block) and >= min_pixels");
  }
  if (jpeg_quality < 1 || jpeg_quality > 100) throw Error("", "jpeg_quality", "must be 1..100");
  if (!(temperature >= 0 && temperature <= 2)) throw Error("", "temperature", "must be 0..2");
  if (max_tokens < 1) throw Error("", "max_tokens", "must be >= 1");
  if (!(connect_timeout_s > 0)) throw Error("", "connect_timeout_s", "must be > 0");
  if (!(total_timeout_s > 0)) throw Error("", "total_timeout_s", "must be > 0");
  retry.Check();
  if (max_key_objects < 1) throw Error("", "max_key_objects", "must be >= 1");
  if (!domain.empty() && domain != "driving" && domain != "manipulation") {
    throw Error("", "domain", "must be driving, manipulation or empty (per request)");
  }
}

// ---------------------------------------------------------------------------------------------
// EndpointPool

EndpointPool::Lease::~Lease() {
  if (pool_) pool_->Release(index_);
}

const std::string& EndpointPool::Lease::url() const { return pool_->urls_[index_]; }

EndpointPool::EndpointPool(std::vector<std::string> urls, int max_in_flight, bool least_busy)
    : urls_(std::move(urls)),
      max_in_flight_(std::max(1, max_in_flight)),
      least_busy_(least_busy),
      in_flight_(urls_.size(), 0) {
  if (urls_.empty()) throw Error("", "endpoints", "no endpoint configured");
}

EndpointPool::Lease EndpointPool::Acquire(const StopCheck& stop) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    ThrowIfStopped(stop);
    size_t n = urls_.size();
    size_t chosen = n;
    if (least_busy_) {
      for (size_t i = 0; i < n; ++i) {
        size_t k = (next_ + i) % n;  // rotating start breaks ties fairly
        if (in_flight_[k] < max_in_flight_ &&
            (chosen == n || in_flight_[k] < in_flight_[chosen])) {
          chosen = k;
        }
      }
    } else {
      for (size_t i = 0; i < n && chosen == n; ++i) {
        size_t k = (next_ + i) % n;
        if (in_flight_[k] < max_in_flight_) chosen = k;
      }
    }
    if (chosen < n) {
      next_ = (chosen + 1) % n;
      peak_ = std::max(peak_, ++in_flight_[chosen]);
      return Lease(this, chosen);
    }
    // Timed wait so a stop request is noticed even when no slot frees up.
    cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
}

void EndpointPool::Release(size_t index) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --in_flight_[index];
  }
  cv_.notify_one();
}

int EndpointPool::in_flight(size_t i) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_flight_.at(i);
}

int EndpointPool::peak_in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return peak_;
}

// ---------------------------------------------------------------------------------------------
// OpenAiChatClient

OpenAiChatClient::OpenAiChatClient(OpenAiVlmOptions options) : options_(std::move(options)) {
  options_.Check();
  http_ = std::make_unique<HttpClient>(options_.retry, static_cast<uint64_t>(options_.seed));
  pool_ = std::make_unique<EndpointPool>(options_.Endpoints(), options_.max_in_flight,
                                         options_.endpoint_selection == "least_busy");
}

Json OpenAiChatClient::BuildBody(const Json& messages, const std::string& schema_name,
                                 const Json& schema) const {
  Json body = {{"model", options_.model},
               {"messages", messages},
               {"temperature", options_.temperature},
               {"seed", options_.seed},
               {"max_tokens", options_.max_tokens},
               {"stream", false}};
  if (options_.use_json_schema && schema.is_object()) {
    body["response_format"] = {{"type", "json_schema"},
                               {"json_schema", {{"name", schema_name}, {"schema", schema}}}};
  }
  return body;
}

Json OpenAiChatClient::UserMessage(const std::string& text,
                                   const std::vector<EncodedImage>& images) {
  Json content = Json::array();
  content.push_back({{"type", "text"}, {"text", text}});
  for (const auto& img : images) {
    content.push_back({{"type", "image_url"}, {"image_url", {{"url", img.DataUrl()}}}});
  }
  return {{"role", "user"}, {"content", content}};
}

Json OpenAiChatClient::RedactImages(const Json& body) { return RedactValue(body); }

ChatResult OpenAiChatClient::Complete(const Json& body, const StopCheck& stop) const {
  auto t0 = std::chrono::steady_clock::now();
  EndpointPool::Lease lease = pool_->Acquire(stop);
  HttpRequest req;
  req.method = "POST";
  req.url = lease.url() + "/v1/chat/completions";
  req.body = body.dump();
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back("Accept", "application/json");
  // The key is read at call time and lives only in this header, never in options or records.
  if (!options_.api_key_env.empty()) {
    const char* key = std::getenv(options_.api_key_env.c_str());
    if (key && *key) req.headers.emplace_back("Authorization", std::string("Bearer ") + key);
  }
  req.connect_timeout_s = options_.connect_timeout_s;
  req.total_timeout_s = options_.total_timeout_s;
  RetryStats stats;
  HttpResponse resp = http_->Send(req, stop, &stats);
  ChatResult out;
  out.retries = stats.retries;
  out.endpoint = lease.url();
  if (resp.status < 200 || resp.status >= 300) {
    std::string reason = ExplainStatus(resp.status, ExtractErrorMessage(resp.body), options_);
    if (stats.retries > 0) reason += " (after " + std::to_string(stats.retries) + " retries)";
    throw VlmHttpError(req.url, resp.status, reason);
  }
  Json j = Json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    throw Error(req.url, "response", "the server's 200 answer is not JSON (" +
                                         ExtractErrorMessage(resp.body).substr(0, 200) + ")");
  }
  auto choices = j.find("choices");
  if (choices == j.end() || !choices->is_array() || choices->empty() ||
      !(*choices)[0].is_object() || !(*choices)[0].contains("message")) {
    throw Error(req.url, "response.choices", "missing choices[0].message");
  }
  const Json& choice = (*choices)[0];
  out.content = ContentText(choice["message"].value("content", Json()));
  if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) {
    out.finish_reason = choice["finish_reason"];
  }
  out.prompt_tokens = UsageField(j, "prompt_tokens");
  out.completion_tokens = UsageField(j, "completion_tokens");
  out.latency_ms = MsSince(t0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// OpenAiVlmBackend

OpenAiVlmBackend::OpenAiVlmBackend(OpenAiVlmOptions options) : client_(std::move(options)) {
  const std::string& dir = client_.options().prompt_dir;
  for (const char* kind : {"global_context", "key_objects"}) {
    for (const char* domain : {"driving", "manipulation"}) {
      templates_.push_back(LoadPromptTemplate(FileNameFor(kind, domain), dir));
    }
  }
  templates_.push_back(LoadPromptTemplate("repair.txt", dir));
}

std::string OpenAiVlmBackend::DomainOf(const std::string& request_domain) const {
  std::string d = client_.options().domain.empty() ? request_domain : client_.options().domain;
  AllowedRelevance(d);  // throws Error for an unknown domain
  return d;
}

const PromptTemplate& OpenAiVlmBackend::Template(const std::string& kind,
                                                 const std::string& domain) const {
  std::string name = FileNameFor(kind, domain);
  for (const auto& t : templates_) {
    if (t.name() == name) return t;
  }
  throw Error(name, "", "prompt template not loaded");
}

std::string OpenAiVlmBackend::FormatCandidates(const std::vector<CandidateObject>& candidates,
                                               int width, int height) {
  std::string out;
  auto nx = [&](float v) { return Fixed3(std::clamp(v / std::max(1, width), 0.f, 1.f)); };
  auto ny = [&](float v) { return Fixed3(std::clamp(v / std::max(1, height), 0.f, 1.f)); };
  for (const auto& c : candidates) {
    out += "- id:" + std::to_string(c.id) + ", class:" + c.label + ", bbox:[" + nx(c.box.x1) +
           "," + ny(c.box.y1) + "," + nx(c.box.x2) + "," + ny(c.box.y2) + "]\n";
  }
  if (out.empty()) out = "(no candidate objects)\n";
  out.pop_back();
  return out;
}

std::string OpenAiVlmBackend::RenderGlobalContextPrompt(const GlobalContextRequest& r) const {
  std::string domain = DomainOf(r.domain);
  std::string indices;
  for (int i : r.frame_indices) indices += (indices.empty() ? "" : ", ") + std::to_string(i);
  std::string relevance;
  for (const auto& v : AllowedRelevance(domain)) relevance += (relevance.empty() ? "" : "|") + v;
  return Template("global_context", domain)
      .Render({{"num_frames", std::to_string(r.frames.size())},
               {"frame_indices", indices},
               {"relevance_values", relevance}});
}

std::string OpenAiVlmBackend::RenderKeyObjectsPrompt(const KeyObjectRequest& r) const {
  std::string domain = DomainOf(r.domain);
  int max_k = std::min(client_.options().max_key_objects, std::max(1, r.max_key_objects));
  std::string action;
  for (size_t i = 0; i < r.action.size(); ++i) {
    std::string name = i < r.action_names.size() ? r.action_names[i] : "a" + std::to_string(i);
    action += (action.empty() ? "" : ", ") + name + "=" + Fixed3(r.action[i]);
  }
  std::string vocabulary;
  for (const auto& n : r.context.VocabularyNames()) {
    vocabulary += (vocabulary.empty() ? "" : ", ") + n;
  }
  return Template("key_objects", domain)
      .Render({{"context_summary", r.context.summary.empty() ? "(none)" : r.context.summary},
               {"vocabulary", vocabulary.empty() ? "(none)" : vocabulary},
               {"action", action.empty() ? "(none)" : action},
               {"action_description",
                r.action_description.empty() ? "(none)" : r.action_description},
               {"candidates", FormatCandidates(r.candidates, r.frame.cols, r.frame.rows)},
               {"max_key_objects", std::to_string(max_k)},
               {"frame_index", std::to_string(r.frame_index)}});
}

namespace {

// One question with validation and at most one repair request. `validate` parses the answer
// text and returns the validated value as JSON, throwing InvalidAnswer.
template <typename Validate>
Json Ask(const OpenAiChatClient& client, const PromptTemplate& tmpl, const PromptTemplate& repair,
         const Json& user_message, const std::string& schema_name, const Json& schema,
         Validate validate, const StopCheck& stop, CallRecord* record) {
  CallRecord local;
  CallRecord& rec = record ? *record : local;
  rec = CallRecord{};
  rec.backend = "openai";
  rec.model = client.options().model;
  rec.template_name = tmpl.name();
  rec.template_hash = tmpl.hash();
  auto t0 = std::chrono::steady_clock::now();
  Json messages = Json::array({user_message});
  Json body = client.BuildBody(messages, schema_name, schema);
  rec.request = OpenAiChatClient::RedactImages(body);
  {
    Sha256 key;
    for (const std::string& part : {rec.backend, rec.model, rec.template_hash, rec.request.dump()}) {
      key.UpdateField(part);
    }
    rec.cache_key = key.FinalHex();
  }
  auto account = [&](const ChatResult& r) {
    rec.prompt_tokens += r.prompt_tokens;
    rec.completion_tokens += r.completion_tokens;
    rec.retries += r.retries;
    rec.raw_answer = r.content;
  };
  try {
    ChatResult first = client.Complete(body, stop);
    account(first);
    std::vector<std::string> warnings;
    try {
      Json parsed = validate(first.content, &warnings);
      rec.parsed = parsed;
      rec.warnings = warnings;
      rec.latency_ms = MsSince(t0);
      return parsed;
    } catch (const InvalidAnswer& e) {
      if (!client.options().repair) {
        throw Error(tmpl.name(), "answer", std::string("invalid answer: ") + e.what());
      }
      rec.warnings.push_back(std::string("first answer invalid: ") + e.what());
      // The repair turn replays the conversation so the model sees its own answer and the error.
      std::string text = repair.Render({{"error", e.what()}, {"schema", schema.dump()}});
      Json repair_messages = messages;
      repair_messages.push_back({{"role", "assistant"}, {"content", first.content}});
      repair_messages.push_back({{"role", "user"}, {"content", text}});
      Json repair_body = client.BuildBody(repair_messages, schema_name, schema);
      rec.repairs = 1;
      rec.request["repair"] = {{"template_name", repair.name()},
                               {"template_hash", repair.hash()},
                               {"first_answer", first.content},
                               {"text", text}};
      ChatResult second = client.Complete(repair_body, stop);
      account(second);
      warnings.clear();
      try {
        Json parsed = validate(second.content, &warnings);
        rec.parsed = parsed;
        rec.warnings.insert(rec.warnings.end(), warnings.begin(), warnings.end());
        rec.latency_ms = MsSince(t0);
        return parsed;
      } catch (const InvalidAnswer& e2) {
        throw Error(tmpl.name(), "answer",
                    std::string("invalid answer after one repair: ") + e2.what());
      }
    }
  } catch (const Cancelled&) {
    rec.error = "cancelled";
    rec.latency_ms = MsSince(t0);
    throw;
  } catch (const Error& e) {
    rec.error = e.what();
    rec.latency_ms = MsSince(t0);
    throw;
  }
}

}  // namespace

GlobalContext OpenAiVlmBackend::QueryGlobalContext(const GlobalContextRequest& request,
                                                   CallRecord* record) {
  std::string domain = DomainOf(request.domain);
  if (request.frames.empty()) throw Error("", "global context " + request.episode, "no frames");
  const auto& o = client_.options();
  std::vector<EncodedImage> images;
  for (const auto& f : request.frames) {
    images.push_back(EncodeImageForVlm(f, o.max_pixels, o.jpeg_quality, o.min_pixels));
  }
  Json user = OpenAiChatClient::UserMessage(RenderGlobalContextPrompt(request), images);
  Json schema = GlobalContextSchema(domain);
  Json parsed = Ask(
      client_, Template("global_context", domain), Template("repair", ""), user, "global_context",
      schema,
      [&](const std::string& raw, std::vector<std::string>* w) {
        return ValidateGlobalContext(ExtractJsonObject(raw), domain, w).ToJson();
      },
      stop_, record);
  return GlobalContext::FromJson(parsed);
}

KeyObjectAnswer OpenAiVlmBackend::SelectKeyObjects(const KeyObjectRequest& request,
                                                   CallRecord* record) {
  std::string domain = DomainOf(request.domain);
  const auto& o = client_.options();
  int max_k = std::min(o.max_key_objects, std::max(1, request.max_key_objects));
  std::vector<EncodedImage> images{
      EncodeImageForVlm(request.frame, o.max_pixels, o.jpeg_quality, o.min_pixels)};
  Json user = OpenAiChatClient::UserMessage(RenderKeyObjectsPrompt(request), images);
  Json parsed = Ask(
      client_, Template("key_objects", domain), Template("repair", ""), user, "key_objects",
      KeyObjectsSchema(max_k),
      [&](const std::string& raw, std::vector<std::string>* w) {
        return ValidateKeyObjects(ExtractJsonObject(raw), request.candidates, max_k, w).ToJson();
      },
      stop_, record);
  return KeyObjectAnswer::FromJson(parsed);
}

}  // namespace autofocus
