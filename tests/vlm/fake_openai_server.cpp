#include "tests/vlm/fake_openai_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <stdexcept>

#include "core/base/strings.h"

namespace autofocus::testing {
namespace {

void SleepSeconds(double s) {
  if (s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(s));
}

// cpp-httplib gives handlers no access to the socket, so the connection is found by its
// address pair: the accepted socket whose local port is ours and whose peer port is the client's.
int FindConnectionSocket(int local_port, int remote_port) {
  for (int fd = 3; fd < 4096; ++fd) {
    sockaddr_in local{}, peer{};
    socklen_t len = sizeof(local);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) continue;
    if (local.sin_family != AF_INET || ntohs(local.sin_port) != local_port) continue;
    len = sizeof(peer);
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    if (ntohs(peer.sin_port) == remote_port) return fd;
  }
  return -1;
}

}  // namespace

FakeReply FakeReply::Chat(const std::string& content, int prompt_tokens, int completion_tokens) {
  Json body = {
      {"id", "chatcmpl-test"},
      {"object", "chat.completion"},
      {"model", "test-model"},
      {"choices",
       {{{"index", 0},
         {"message", {{"role", "assistant"}, {"content", content}}},
         {"finish_reason", "stop"}}}},
      {"usage",
       {{"prompt_tokens", prompt_tokens},
        {"completion_tokens", completion_tokens},
        {"total_tokens", prompt_tokens + completion_tokens}}}};
  FakeReply r;
  r.body = body.dump();
  return r;
}

FakeReply FakeReply::Status(int status, const std::string& body) {
  FakeReply r;
  r.status = status;
  r.body = body;
  return r;
}

FakeReply& FakeReply::With(const std::string& name, const std::string& value) {
  headers.emplace_back(name, value);
  return *this;
}

FakeReply& FakeReply::Delay(double seconds) {
  delay_s = seconds;
  return *this;
}

FakeOpenAiServer::FakeOpenAiServer() : server_(std::make_unique<httplib::Server>()) {
  // Enough workers that a concurrency benchmark measures the client, not this server.
  server_->new_task_queue = [] { return new httplib::ThreadPool(32); };
  // One request per connection: a closed-connection fault then always hits a fresh request.
  server_->set_keep_alive_max_count(1);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
  server_->Get(".*", handler);
  server_->Post(".*", handler);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("FakeOpenAiServer: cannot bind 127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  for (int i = 0; i < 500 && !server_->is_running(); ++i) SleepSeconds(0.002);
}

FakeOpenAiServer::~FakeOpenAiServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeOpenAiServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void FakeOpenAiServer::Enqueue(FakeReply reply) {
  std::lock_guard<std::mutex> lock(mutex_);
  script_.push_back(std::move(reply));
}

void FakeOpenAiServer::SetDefault(Responder responder) {
  std::lock_guard<std::mutex> lock(mutex_);
  default_ = std::move(responder);
}

void FakeOpenAiServer::Route(const std::string& path, Responder responder) {
  std::lock_guard<std::mutex> lock(mutex_);
  routes_[path] = std::move(responder);
}

void FakeOpenAiServer::SetModels(std::vector<std::string> models) {
  std::lock_guard<std::mutex> lock(mutex_);
  models_ = std::move(models);
}

std::vector<ReceivedRequest> FakeOpenAiServer::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_;
}

int FakeOpenAiServer::request_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(received_.size());
}

size_t FakeOpenAiServer::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return script_.size();
}

void FakeOpenAiServer::Handle(const httplib::Request& req, httplib::Response& res) {
  int now = ++in_flight_;
  int seen = max_concurrent_.load();
  while (now > seen && !max_concurrent_.compare_exchange_weak(seen, now)) {
  }
  ReceivedRequest r;
  r.method = req.method;
  r.path = req.path;
  r.body = req.body;
  for (const auto& [name, value] : req.headers) r.headers[ToLower(name)] = value;
  r.json = Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (r.json.is_discarded()) r.json = nullptr;

  FakeReply reply;
  bool have = false;
  Responder responder;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    received_.push_back(r);
    auto route = routes_.find(req.path);
    if (route != routes_.end()) {
      responder = route->second;
    } else if (req.method == "GET" && req.path == "/v1/models") {
      Json data = Json::array();
      for (const auto& m : models_) data.push_back({{"id", m}, {"object", "model"}});
      reply.body = Json{{"object", "list"}, {"data", data}}.dump();
      have = true;
    } else if (!script_.empty()) {
      reply = script_.front();
      script_.pop_front();
      have = true;
    } else {
      responder = default_;
    }
  }
  if (!have) {
    reply = responder ? responder(r)
                      : FakeReply::Status(500, R"({"object":"error","message":"no scripted reply"})");
  }

  SleepSeconds(reply.delay_s);
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  switch (reply.fault) {
    case FakeFault::kNone:
      res.set_content(reply.body, reply.content_type.c_str());
      break;
    case FakeFault::kCloseConnection: {
      int fd = FindConnectionSocket(port_, req.remote_port);
      // SHUT_RDWR makes every later write of httplib fail, so nothing reaches the client.
      if (fd >= 0) shutdown(fd, SHUT_RDWR);
      res.set_content("", "text/plain");
      break;
    }
    case FakeFault::kTruncateBody: {
      std::string body = reply.body;
      res.set_content_provider(body.size(), reply.content_type.c_str(),
                               [body](size_t offset, size_t, httplib::DataSink& sink) {
                                 if (offset == 0) sink.write(body.data(), body.size() / 2);
                                 return false;  // abort: the client sees a short body
                               });
      break;
    }
    case FakeFault::kSlowBody: {
      std::string body = reply.body;
      double pause = reply.slow_body_s;
      res.set_content_provider(body.size(), reply.content_type.c_str(),
                               [body, pause](size_t offset, size_t, httplib::DataSink& sink) {
                                 size_t half = body.size() / 2;
                                 if (offset == 0) {
                                   sink.write(body.data(), half);
                                   SleepSeconds(pause);
                                 } else {
                                   sink.write(body.data() + offset, body.size() - offset);
                                 }
                                 return true;
                               });
      break;
    }
  }
  --in_flight_;
}

}  // namespace autofocus::testing
