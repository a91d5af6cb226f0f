#include "core/vlm/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>
#include <thread>

#include "core/base/json_io.h"
#include "core/base/strings.h"

namespace autofocus {
namespace {

// curl_global_init is not thread-safe itself; every entry point funnels through this.
void EnsureCurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlEasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};

// One easy handle per thread: curl_easy_reset keeps the handle's connection cache, so repeated
// calls from a worker thread reuse keep-alive connections without any cross-thread sharing.
CURL* ThreadHandle() {
  thread_local std::unique_ptr<CURL, CurlEasyDeleter> handle;
  if (!handle) {
    EnsureCurlGlobalInit();
    handle.reset(curl_easy_init());
    if (!handle) throw TransportError(TransportErrorKind::kOther, "", "curl_easy_init failed");
  } else {
    curl_easy_reset(handle.get());
  }
  return handle.get();
}

size_t WriteBody(char* ptr, size_t size, size_t nmemb, void* user) {
  static_cast<std::string*>(user)->append(ptr, size * nmemb);
  return size * nmemb;
}

size_t WriteHeader(char* ptr, size_t size, size_t nmemb, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(ptr, size * nmemb);
  // A new status line starts a new header block (100 Continue, redirects): keep only the last.
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();
  } else {
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      (*headers)[ToLower(Trim(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
    }
  }
  return size * nmemb;
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

TransportErrorKind Classify(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return TransportErrorKind::kTimeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TransportErrorKind::kConnection;
    default:
      return TransportErrorKind::kOther;
  }
}

// Month index for RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
int MonthIndex(const std::string& m) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (m == kMonths[i]) return i;
  }
  return -1;
}

}  // namespace

std::string HttpResponse::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

TransportError::TransportError(TransportErrorKind kind, const std::string& url,
                               const std::string& reason)
    : Error(url, std::string(TransportErrorKindName(kind)) + " error", reason), kind_(kind) {}

const char* TransportErrorKindName(TransportErrorKind kind) {
  switch (kind) {
    case TransportErrorKind::kConnection:
      return "connection";
    case TransportErrorKind::kTimeout:
      return "timeout";
    default:
      return "other";
  }
}

void RetryPolicy::Check() const {
  if (max_attempts < 1) throw Error("", "retry.max_attempts", "must be >= 1");
  if (!(base_delay_s >= 0)) throw Error("", "retry.base_delay_s", "must be >= 0");
  if (!(max_delay_s >= base_delay_s)) {
    throw Error("", "retry.max_delay_s", "must be >= retry.base_delay_s");
  }
  if (!(max_retry_after_s >= 0)) throw Error("", "retry.max_retry_after_s", "must be >= 0");
}

bool IsRetryableStatus(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

double ParseRetryAfter(const std::string& value, double now_epoch_s) {
  std::string v = Trim(value);
  if (v.empty()) return -1;
  if (std::all_of(v.begin(), v.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
    try {
      return std::stod(v);
    } catch (...) {
      return -1;
    }
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (the only form servers are required to send).
  char wday[4] = {}, mon[4] = {}, zone[4] = {};
  int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
  if (std::sscanf(v.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", wday, &day, mon, &year, &hh, &mm, &ss,
                  zone) != 8) {
    return -1;
  }
  int month = MonthIndex(mon);
  if (month < 0 || std::string(zone) != "GMT") return -1;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  double when = static_cast<double>(timegm(&tm));
  return std::max(0.0, when - now_epoch_s);
}

std::string ExtractErrorMessage(const std::string& body) {
  std::string text = Trim(body);
  if (text.empty()) return "";
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    // Flat vLLM/SGLang shape: {"object":"error","message":..}.
    if (j.contains("message") && j["message"].is_string()) return j["message"];
    if (j.contains("error")) {
      const Json& e = j["error"];
      // Wrapped OpenAI/Ollama/llama.cpp shape: {"error":{"message":..}} or {"error":".."}.
      if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"];
      if (e.is_string()) return e;
    }
    // FastAPI-style servers (e.g. Roboflow Inference) answer {"detail":..}.
    if (j.contains("detail")) return j["detail"].is_string() ? j["detail"].get<std::string>()
                                                              : j["detail"].dump();
  }
  if (text.size() > 500) text = text.substr(0, 500) + "...";
  return text;
}

HttpResponse PerformHttpRequest(const HttpRequest& request) {
  CURL* h = ThreadHandle();
  HttpResponse response;
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  // Signals are not thread-safe; without this, timeouts use SIGALRM.
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max(1.0, request.connect_timeout_s * 1000)));
  if (request.total_timeout_s > 0) {
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(std::max(1.0, request.total_timeout_s * 1000)));
  }
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // accept whatever curl can decode
  if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty()) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }
  std::unique_ptr<curl_slist, SlistDeleter> list;
  curl_slist* raw = nullptr;
  for (const auto& [name, value] : request.headers) {
    raw = curl_slist_append(raw, (name + ": " + value).c_str());
  }
  // Large image bodies would otherwise wait up to 1 s for a "100 Continue" some servers never send.
  raw = curl_slist_append(raw, "Expect:");
  list.reset(raw);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.get());

  auto t0 = std::chrono::steady_clock::now();
  CURLcode code = curl_easy_perform(h);
  response.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  // The handle outlives this call; do not leave it pointing at our stack objects.
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  if (code != CURLE_OK) {
    std::string reason = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(code));
    throw TransportError(Classify(code), request.url, reason);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

void SleepWithStop(double seconds, const StopCheck& stop) {
  auto end = std::chrono::steady_clock::now() +
             std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 std::chrono::duration<double>(std::max(0.0, seconds)));
  while (true) {
    ThrowIfStopped(stop);
    auto now = std::chrono::steady_clock::now();
    if (now >= end) return;
    // Short slices keep cancellation responsive during long Retry-After waits.
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        end - now, std::chrono::milliseconds(50)));
  }
}

HttpClient::HttpClient(RetryPolicy policy, uint64_t seed)
    : policy_(policy),
      transport_(PerformHttpRequest),
      sleeper_(SleepWithStop),
      clock_([] {
        return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
            .count();
      }),
      rng_(seed) {
  policy_.Check();
}

double HttpClient::BackoffDelay(int retry) const {
  double ceiling = std::min(policy_.max_delay_s, policy_.base_delay_s * std::ldexp(1.0, retry));
  std::lock_guard<std::mutex> lock(rng_mutex_);
  // Full jitter (AWS architecture blog): spreads simultaneous retries of many workers.
  return std::uniform_real_distribution<double>(0.0, ceiling)(rng_);
}

HttpResponse HttpClient::Send(const HttpRequest& request, const StopCheck& stop,
                              RetryStats* stats) const {
  RetryStats local;
  RetryStats& st = stats ? *stats : local;
  st = RetryStats{};
  for (int attempt = 0;; ++attempt) {
    ThrowIfStopped(stop);
    ++st.attempts;
    st.retries = st.attempts - 1;
    bool last = attempt + 1 >= policy_.max_attempts;
    double delay = -1;
    try {
      HttpResponse response = transport_(request);
      if (!IsRetryableStatus(response.status) || last) return response;
      if (policy_.honour_retry_after) {
        double ra = ParseRetryAfter(response.Header("retry-after"), clock_());
        if (ra >= 0) delay = std::min(ra, policy_.max_retry_after_s);
      }
    } catch (const TransportError& e) {
      bool retryable = e.kind() == TransportErrorKind::kConnection ||
                       (e.kind() == TransportErrorKind::kTimeout && policy_.retry_timeouts);
      if (!retryable || last) throw;
    }
    if (delay < 0) delay = BackoffDelay(attempt);
    st.delays_s.push_back(delay);
    sleeper_(delay, stop);
  }
}

}  // namespace autofocus
