#pragma once

// A loopback OpenAI-compatible test server (cpp-httplib) that replays scripted replies and
// injects faults. Reusable by every suite that talks HTTP (VLM, detectors, exchange, doctor):
// link the `autofocus_fake_openai_server` target.

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/base/json_io.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace autofocus::testing {

// How a reply misbehaves on the wire.
enum class FakeFault {
  kNone,             // a normal response
  kCloseConnection,  // the socket is shut down before any byte of the response is sent
  kTruncateBody,     // headers promise the full body, half of it is sent, then the socket closes
  kSlowBody,         // headers at once, the body only after `slow_body_s` seconds
};

// One scripted reply.
struct FakeReply {
  int status = 200;  // HTTP status
  std::string body;  // body as sent
  std::string content_type = "application/json";  // Content-Type header
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (e.g. Retry-After)
  double delay_s = 0;      // wait before answering (server latency)
  FakeFault fault = FakeFault::kNone;  // wire fault
  double slow_body_s = 0;  // kSlowBody: pause between the first and the second half of the body

  // A 200 chat-completions answer whose message content is `content`, with a usage block.
  static FakeReply Chat(const std::string& content, int prompt_tokens = 100,
                        int completion_tokens = 20);
  // An error answer with a raw body.
  static FakeReply Status(int status, const std::string& body);
  // Adds a header and returns *this (chaining).
  FakeReply& With(const std::string& name, const std::string& value);
  // Sets the latency and returns *this.
  FakeReply& Delay(double seconds);
};

// A request the server received.
struct ReceivedRequest {
  std::string method;  // "GET" | "POST"
  std::string path;    // e.g. "/v1/chat/completions"
  std::string body;    // raw body
  std::map<std::string, std::string> headers;  // lower-case names
  Json json;           // body parsed as JSON (null when it is not JSON)
};

// The server. Listens on 127.0.0.1 on a free port from construction to destruction.
// Replies: GET /v1/models lists `models` (unless a route overrides it); any other request takes
// the next scripted reply, else the default responder, else a 500 "no scripted reply".
class FakeOpenAiServer {
 public:
  using Responder = std::function<FakeReply(const ReceivedRequest&)>;

  FakeOpenAiServer();
  ~FakeOpenAiServer();
  FakeOpenAiServer(const FakeOpenAiServer&) = delete;
  FakeOpenAiServer& operator=(const FakeOpenAiServer&) = delete;

  // The bound port.
  int port() const { return port_; }
  // "http://127.0.0.1:<port>" (no trailing slash, no /v1).
  std::string base_url() const;

  // Appends scripted replies, consumed one per request in order.
  void Enqueue(FakeReply reply);
  // Answers requests when the script is empty.
  void SetDefault(Responder responder);
  // Answers every request to `path` (any method) with `responder`, bypassing the script.
  void Route(const std::string& path, Responder responder);
  // Model ids listed by GET /v1/models (default {"test-model"}).
  void SetModels(std::vector<std::string> models);

  // Every request received so far (copies).
  std::vector<ReceivedRequest> requests() const;
  // Number of requests received (including those answered with a fault).
  int request_count() const;
  // The highest number of requests being handled at the same time.
  int max_concurrent() const { return max_concurrent_.load(); }
  // Scripted replies not consumed yet.
  size_t pending() const;

 private:
  void Handle(const httplib::Request& req, httplib::Response& res);

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::deque<FakeReply> script_;
  Responder default_;
  std::map<std::string, Responder> routes_;
  std::vector<std::string> models_{"test-model"};
  std::vector<ReceivedRequest> received_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_concurrent_{0};
};

}  // namespace autofocus::testing
