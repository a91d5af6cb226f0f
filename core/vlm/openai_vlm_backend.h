#pragma once

// The OpenAI-compatible chat-completions client (vLLM, SGLang, Ollama /v1, llama.cpp server,
// LM Studio, DashScope compatible mode, OpenAI) and the VlmBackend built on it.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/base/progress.h"
#include "core/vlm/http_client.h"
#include "core/vlm/image_encoding.h"
#include "core/vlm/prompt_template.h"
#include "core/vlm/vlm_backend.h"

namespace autofocus {

// Settings of the OpenAI-compatible client and backend. See docs/vlm.md.
struct OpenAiVlmOptions {
  std::string base_url = "http://127.0.0.1:8000";  // server root; a trailing "/" or "/v1" is ok
  std::vector<std::string> extra_base_urls;  // more servers with the same model (load spread)
  std::string endpoint_selection = "round_robin";  // "round_robin" | "least_busy"
  int max_in_flight = 8;          // concurrent requests per endpoint (callers beyond wait)
  std::string model = "Qwen/Qwen2.5-VL-7B-Instruct";  // model name as served
  std::string api_key_env;        // NAME of the env variable holding the key ("" = no auth)
  int max_pixels = 1280 * 28 * 28;  // per-image pixel budget after smart_resize
  int min_pixels = 56 * 56;       // smart_resize lower bound (small frames are enlarged)
  int jpeg_quality = 90;          // JPEG quality of sent images, 1..100
  double temperature = 0;         // sampling temperature (0: deterministic answers)
  int64_t seed = 1234;            // sampling seed sent with every request
  bool use_json_schema = true;    // send response_format json_schema (off for servers without)
  int max_tokens = 1024;          // completion token limit
  double connect_timeout_s = 10;  // per-attempt connect timeout
  double total_timeout_s = 180;   // per-attempt total timeout
  RetryPolicy retry;              // transient-failure retries
  int max_key_objects = 3;        // at most this many key objects (also capped by the request)
  bool repair = true;             // one repair request after an invalid answer
  std::string domain;             // "driving" | "manipulation"; "" = take it from each request
  std::string prompt_dir;         // per-project template overrides (files with the same names)

  // Throws Error naming the offending field.
  void Check() const;
  // Normalised server roots without "/v1" or a trailing slash (base_url first).
  std::vector<std::string> Endpoints() const;
};

// The OpenAiVlmOptions fields that say which server and model to talk to and how (what a
// detector on the same server inherits from the VLM settings): base_url, extra_base_urls,
// endpoint_selection, max_in_flight, model, api_key_env, connect_timeout_s, total_timeout_s,
// retry.
extern const std::vector<std::string> kOpenAiConnectionFields;

// The one reader of OpenAI-compatible client settings (the VLM's and the Qwen grounding
// detector's). Field names as in OpenAiVlmOptions; "retry" is {"max_attempts","base_delay_s",
// "max_delay_s","honour_retry_after"}. Fields missing from `j` keep the values of `base`. Keys
// that are neither client fields nor in `extra_keys` are rejected, "api_key" with a pointer to
// api_key_env: a key never sits in a file. Errors name `file` and `where`.field.
OpenAiVlmOptions OpenAiOptionsFromJson(const Json& j, const std::string& file, const std::string& where,
                                       const std::vector<std::string>& extra_keys = {},
                                       const OpenAiVlmOptions& base = {});

// The VLM flavour: client fields plus "kind", "max_key_objects", "repair", "domain" and
// "prompt_dir", errors under "vlm".
OpenAiVlmOptions OpenAiVlmOptionsFromJson(const Json& j, const std::string& file);

// `detector` with every connection field (kOpenAiConnectionFields) it does not set taken from
// `vlm`: a detector that talks to the VLM's OpenAI-compatible server (Qwen grounding) goes to
// the same URL, with the same model, key variable, timeouts and pool, unless told otherwise.
Json InheritOpenAiConnection(const Json& vlm, const Json& detector);

// Normalises a base URL: strips trailing "/" and a trailing "/v1".
std::string NormaliseBaseUrl(const std::string& base_url);

// Bounds in-flight requests per endpoint and picks endpoints (round-robin or least-busy).
class EndpointPool {
 public:
  // A held slot on one endpoint; released on destruction.
  class Lease {
   public:
    Lease(EndpointPool* pool, size_t index) : pool_(pool), index_(index) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), index_(o.index_) { o.pool_ = nullptr; }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    // Index of the endpoint.
    size_t index() const { return index_; }
    // Its base URL.
    const std::string& url() const;

   private:
    EndpointPool* pool_;
    size_t index_;
  };

  EndpointPool(std::vector<std::string> urls, int max_in_flight, bool least_busy);
  // Waits for a free slot (throws Cancelled when `stop` fires while waiting).
  Lease Acquire(const StopCheck& stop = {});
  // Requests in flight on endpoint `i` now.
  int in_flight(size_t i) const;
  // The highest in-flight count any endpoint reached.
  int peak_in_flight() const;
  // Number of endpoints.
  size_t size() const { return urls_.size(); }

 private:
  void Release(size_t index);

  std::vector<std::string> urls_;
  int max_in_flight_;
  bool least_busy_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<int> in_flight_;
  size_t next_ = 0;
  int peak_ = 0;
};

// The HTTP status of a failed chat call plus an actionable reason. file() is the URL.
class VlmHttpError : public Error {
 public:
  VlmHttpError(const std::string& url, long status, const std::string& reason)
      : Error(url, "HTTP " + std::to_string(status), reason), status_(status) {}
  long status() const { return status_; }

 private:
  long status_;
};

// The outcome of one chat completion.
struct ChatResult {
  std::string content;        // the assistant message text
  std::string finish_reason;  // "stop", "length", ...
  int prompt_tokens = 0;      // usage.prompt_tokens (0 when absent)
  int completion_tokens = 0;  // usage.completion_tokens (0 when absent)
  int retries = 0;            // transport retries of this call
  double latency_ms = 0;      // wall time including retries and waiting for a slot
  std::string endpoint;       // base URL that answered
};

// A thread-safe OpenAI-compatible chat-completions client (also used by the Qwen grounding
// detector and `autofocus doctor`).
class OpenAiChatClient {
 public:
  // Checks the options; throws Error when they are invalid.
  explicit OpenAiChatClient(OpenAiVlmOptions options);

  // The request body for `messages` (OpenAI message objects), with model, temperature, seed,
  // max_tokens and, when `schema` is an object and use_json_schema is on, response_format
  // {"type":"json_schema","json_schema":{"name":schema_name,"schema":schema}}.
  Json BuildBody(const Json& messages, const std::string& schema_name, const Json& schema) const;
  // POSTs `body` to {endpoint}/v1/chat/completions with retries. Throws VlmHttpError for a
  // non-2xx answer (message says what to do), TransportError when the server is unreachable,
  // Error when the 200 body is not a chat completion, Cancelled on stop.
  ChatResult Complete(const Json& body, const StopCheck& stop = {}) const;

  // A user message with a text part followed by image parts (data:image/jpeg;base64 URLs).
  static Json UserMessage(const std::string& text, const std::vector<EncodedImage>& images);
  // Copy of `body` with every data: URL replaced by "sha256:<hex of the decoded bytes>".
  static Json RedactImages(const Json& body);

  const OpenAiVlmOptions& options() const { return options_; }
  // The endpoint pool (for tests and statistics).
  EndpointPool& pool() const { return *pool_; }

 private:
  OpenAiVlmOptions options_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<EndpointPool> pool_;
};

// The method's two questions over OpenAiChatClient, with prompt templates, strict answer
// validation and one repair request. Thread-safe.
class OpenAiVlmBackend : public VlmBackend {
 public:
  // Loads the templates (override dir first, then resources/prompts); throws Error when the
  // options are invalid or a template is missing.
  explicit OpenAiVlmBackend(OpenAiVlmOptions options);

  std::string Kind() const override { return "openai"; }
  std::string Model() const override { return client_.options().model; }
  GlobalContext QueryGlobalContext(const GlobalContextRequest& request,
                                   CallRecord* record) override;
  KeyObjectAnswer SelectKeyObjects(const KeyObjectRequest& request, CallRecord* record) override;

  // Makes waits (slots, retries) stop early; set before use.
  void SetStopCheck(StopCheck stop) { stop_ = std::move(stop); }
  // The text part of the key-object prompt for `request` (rendered template).
  std::string RenderKeyObjectsPrompt(const KeyObjectRequest& request) const;
  // The text part of the global-context prompt for `request`.
  std::string RenderGlobalContextPrompt(const GlobalContextRequest& request) const;
  // The candidate list as sent: "- id:7, class:car, bbox:[x1,y1,x2,y2]" (normalised, 3 decimals).
  static std::string FormatCandidates(const std::vector<CandidateObject>& candidates, int width,
                                      int height);
  const OpenAiChatClient& client() const { return client_; }

 private:
  std::string DomainOf(const std::string& request_domain) const;
  const PromptTemplate& Template(const std::string& kind, const std::string& domain) const;

  OpenAiChatClient client_;
  std::vector<PromptTemplate> templates_;  // global_context_*, key_objects_*, repair
  StopCheck stop_;
};

}  // namespace autofocus
