#pragma once

// A cpp-httplib server on 127.0.0.1 with an OS-chosen port, for the HTTP detector tests.
// Register handlers on server() first, then Start(); the destructor stops and joins.

#include <httplib.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace autofocus::testing {

class LoopbackServer {
 public:
  // Connections close after each response: a kept-alive client connection would hold stop()
  // for the server's keep-alive timeout (5 s) at the end of every test.
  LoopbackServer() { server_.set_keep_alive_max_count(1); }
  ~LoopbackServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  httplib::Server& server() { return server_; }

  // Binds to 127.0.0.1:0 and serves on a background thread; returns once the accept loop
  // runs. (Server::stop() is a no-op before that, so an early destructor would hang in join.)
  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("loopback server: bind failed");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server_.is_running()) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("loopback server: did not start");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  int port() const { return port_; }
  // "http://127.0.0.1:<port>"
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = -1;
};

}  // namespace autofocus::testing
