#pragma once

// A small libcurl HTTP transport with retries, shared by the VLM client, the detectors and the
// exchange tools. TLS peer verification is always on.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/base/error.h"
#include "core/base/progress.h"

namespace autofocus {

// One HTTP request.
struct HttpRequest {
  std::string method = "POST";  // "GET" | "POST" (any other verb is sent as a custom request)
  std::string url;              // absolute URL
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  std::string body;              // request body (sent for POST even when empty)
  double connect_timeout_s = 10;  // connection phase limit in seconds
  double total_timeout_s = 120;   // whole transfer limit in seconds (0 = no limit)
};

// One HTTP response (any status; transport failures throw TransportError instead).
struct HttpResponse {
  long status = 0;   // HTTP status code
  std::string body;  // response body
  std::map<std::string, std::string> headers;  // response headers, names lower-case
  double elapsed_ms = 0;  // wall time of this attempt

  // The header value or "" (`name` must be lower-case).
  std::string Header(const std::string& name) const;
};

// Why a transfer failed without an HTTP response.
enum class TransportErrorKind {
  kConnection,  // refused, reset, resolve failure, truncated or empty reply
  kTimeout,     // connect or total timeout
  kOther,       // anything else (bad URL, TLS failure, ...)
};

// A transfer that produced no usable HTTP response. file() is the URL.
class TransportError : public Error {
 public:
  TransportError(TransportErrorKind kind, const std::string& url, const std::string& reason);
  TransportErrorKind kind() const { return kind_; }

 private:
  TransportErrorKind kind_;
};

// Name of a TransportErrorKind for messages: "connection" | "timeout" | "other".
const char* TransportErrorKindName(TransportErrorKind kind);

// Retry behaviour for transient failures.
struct RetryPolicy {
  int max_attempts = 4;          // attempts in total (1 = no retry)
  double base_delay_s = 0.5;     // backoff base: attempt n waits U(0, min(cap, base * 2^n))
  double max_delay_s = 20;       // cap of the exponential backoff
  bool honour_retry_after = true;  // wait the server's Retry-After instead of the backoff
  double max_retry_after_s = 120;  // longer Retry-After values are clamped to this
  bool retry_timeouts = true;    // retry transfers that hit the connect/total timeout

  // Throws Error naming the offending field.
  void Check() const;
};

// True for statuses that are worth retrying: 408, 429, 500, 502, 503, 504.
bool IsRetryableStatus(long status);

// Parses a Retry-After value: delta seconds, or an HTTP-date (RFC 7231) relative to `now_epoch_s`.
// Returns a negative number when absent or unparsable.
double ParseRetryAfter(const std::string& value, double now_epoch_s);

// The human-readable message of an error body: {"object":"error","message":..},
// {"error":{"message":..}}, {"error":".."}, {"detail":..} or plain text (trimmed, cut at 500
// characters). Empty when the body is empty.
std::string ExtractErrorMessage(const std::string& body);

// Performs exactly one transfer. Throws TransportError when no HTTP response was received.
// Thread-safe; each thread reuses its own curl handle (and so its keep-alive connections).
HttpResponse PerformHttpRequest(const HttpRequest& request);

// Counters of one Send() call.
struct RetryStats {
  int attempts = 0;  // attempts made
  int retries = 0;   // attempts - 1
  std::vector<double> delays_s;  // the waits between attempts
};

// Sends requests with the retry policy. Thread-safe.
class HttpClient {
 public:
  // One transfer; the default is PerformHttpRequest (tests substitute fakes).
  using Transport = std::function<HttpResponse(const HttpRequest&)>;
  // Waits `seconds`, returning early (and throwing Cancelled) when `stop` says so.
  using Sleeper = std::function<void(double seconds, const StopCheck& stop)>;
  // Wall clock in seconds since the Unix epoch (for HTTP-date Retry-After values).
  using Clock = std::function<double()>;

  explicit HttpClient(RetryPolicy policy = {}, uint64_t seed = 0x5eed);

  // Replaces the transport, the sleeper or the clock (tests).
  void SetTransport(Transport transport) { transport_ = std::move(transport); }
  void SetSleeper(Sleeper sleeper) { sleeper_ = std::move(sleeper); }
  void SetClock(Clock clock) { clock_ = std::move(clock); }
  const RetryPolicy& policy() const { return policy_; }

  // Sends `request`, retrying connection errors (and timeouts when enabled) and retryable
  // statuses. Returns the last HTTP response, whatever its status (the caller interprets
  // 4xx/5xx); throws TransportError when the last attempt got no response, Cancelled when `stop`
  // fired. `stats` (optional) receives the attempt count and the waits.
  HttpResponse Send(const HttpRequest& request, const StopCheck& stop = {},
                    RetryStats* stats = nullptr) const;

  // The backoff wait before retry number `retry` (0-based), full jitter. Thread-safe.
  double BackoffDelay(int retry) const;

 private:
  RetryPolicy policy_;
  Transport transport_;
  Sleeper sleeper_;
  Clock clock_;
  mutable std::mutex rng_mutex_;
  mutable std::mt19937_64 rng_;
};

// Sleeps in short slices, throwing Cancelled as soon as `stop` returns true.
void SleepWithStop(double seconds, const StopCheck& stop);

}  // namespace autofocus
