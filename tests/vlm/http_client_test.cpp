#include "core/vlm/http_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "tests/vlm/fake_openai_server.h"

namespace autofocus {
namespace {

using testing::FakeFault;
using testing::FakeOpenAiServer;
using testing::FakeReply;

HttpRequest Post(const FakeOpenAiServer& server, double total_timeout_s = 5) {
  HttpRequest r;
  r.url = server.base_url() + "/v1/chat/completions";
  r.body = R"({"x":1})";
  r.headers = {{"Content-Type", "application/json"}};
  r.connect_timeout_s = 2;
  r.total_timeout_s = total_timeout_s;
  return r;
}

// A client whose waits are recorded, not slept.
struct RecordingClient {
  explicit RecordingClient(RetryPolicy p) : client(p, 42) {
    client.SetSleeper([this](double s, const StopCheck&) { waits.push_back(s); });
  }
  HttpClient client;
  std::vector<double> waits;
};

TEST(HttpClient, PlainRequestReturnsBodyHeadersAndStatus) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Status(200, R"({"ok":true})").With("X-Thing", "7"));
  HttpResponse r = PerformHttpRequest(Post(server));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"ok":true})");
  EXPECT_EQ(r.Header("x-thing"), "7");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  ASSERT_EQ(server.request_count(), 1);
  EXPECT_EQ(server.requests()[0].body, R"({"x":1})");
  EXPECT_EQ(server.requests()[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(server.requests()[0].headers.count("expect"), 0u);
}

TEST(HttpClient, RetriesServerErrorsThenSucceeds) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Status(500, "boom"));
  server.Enqueue(FakeReply::Status(503, R"({"error":{"message":"server busy"}})"));
  server.Enqueue(FakeReply::Status(200, "fine"));
  RetryPolicy p;
  p.base_delay_s = 0.01;
  p.max_delay_s = 0.05;
  HttpClient client(p);
  RetryStats stats;
  auto t0 = std::chrono::steady_clock::now();
  HttpResponse r = client.Send(Post(server), {}, &stats);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "fine");
  EXPECT_EQ(stats.attempts, 3);
  EXPECT_EQ(stats.retries, 2);
  ASSERT_EQ(stats.delays_s.size(), 2u);
  EXPECT_LE(stats.delays_s[0], 0.01);  // U(0, base)
  EXPECT_LE(stats.delays_s[1], 0.02);  // U(0, 2 * base)
  EXPECT_LT(s, 2.0);
}

TEST(HttpClient, HonoursRetryAfterSeconds) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Status(429, "slow down").With("Retry-After", "0.3"));
  server.Enqueue(FakeReply::Status(200, "ok"));
  RetryPolicy p;
  p.base_delay_s = 0.001;
  p.max_delay_s = 0.001;
  HttpClient client(p);
  RetryStats stats;
  auto t0 = std::chrono::steady_clock::now();
  HttpResponse r = client.Send(Post(server), {}, &stats);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(stats.delays_s.size(), 1u);
  EXPECT_DOUBLE_EQ(stats.delays_s[0], 0.3);
  EXPECT_GE(s, 0.3);  // really waited
  EXPECT_LT(s, 3.0);
}

TEST(HttpClient, RetryAfterIgnoredWhenDisabledAndClampedToMaximum) {
  HttpClient::Transport t = [n = 0](const HttpRequest&) mutable {
    HttpResponse r;
    r.status = ++n < 3 ? 429 : 200;
    r.headers["retry-after"] = "1000";
    return r;
  };
  RetryPolicy p;
  p.base_delay_s = 0.5;
  p.max_retry_after_s = 7;
  RecordingClient a(p);
  a.client.SetTransport(t);
  EXPECT_EQ(a.client.Send({}).status, 200);
  EXPECT_EQ(a.waits, (std::vector<double>{7, 7}));

  p.honour_retry_after = false;
  RecordingClient b(p);
  b.client.SetTransport(t);
  EXPECT_EQ(b.client.Send({}).status, 200);
  ASSERT_EQ(b.waits.size(), 2u);
  EXPECT_LE(b.waits[0], 0.5);
  EXPECT_LE(b.waits[1], 1.0);
}

TEST(HttpClient, ParsesRetryAfterHttpDate) {
  // 784111777 = Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_DOUBLE_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 12), 12);
  EXPECT_DOUBLE_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 5), 0);
  EXPECT_DOUBLE_EQ(ParseRetryAfter(" 3 ", 0), 3);
  EXPECT_LT(ParseRetryAfter("", 0), 0);
  EXPECT_LT(ParseRetryAfter("soon", 0), 0);
}

TEST(HttpClient, BackoffIsFullJitterUnderTheCap) {
  RetryPolicy p;
  p.base_delay_s = 1;
  p.max_delay_s = 5;
  HttpClient c(p, 7);
  double max_seen[6] = {};
  for (int i = 0; i < 2000; ++i) {
    for (int k = 0; k < 6; ++k) {
      double d = c.BackoffDelay(k);
      ASSERT_GE(d, 0);
      ASSERT_LE(d, std::min(5.0, std::ldexp(1.0, k)));
      max_seen[k] = std::max(max_seen[k], d);
    }
  }
  // Full jitter reaches close to the ceiling of every step: 1, 2, 4, 5 (cap), 5.
  EXPECT_GT(max_seen[0], 0.95);
  EXPECT_GT(max_seen[2], 3.8);
  EXPECT_GT(max_seen[5], 4.75);
  // Same seed, same sequence (reproducible tests).
  HttpClient d1(p, 9), d2(p, 9);
  EXPECT_DOUBLE_EQ(d1.BackoffDelay(3), d2.BackoffDelay(3));
}

TEST(HttpClient, NeverRetriesClientErrors) {
  for (int status : {400, 401, 403, 404, 422}) {
    FakeOpenAiServer server;
    server.Enqueue(FakeReply::Status(status, R"({"object":"error","message":"nope"})"));
    server.Enqueue(FakeReply::Status(200, "should not be reached"));
    RetryPolicy p;
    p.base_delay_s = 0.001;
    HttpClient client(p);
    RetryStats stats;
    HttpResponse r = client.Send(Post(server), {}, &stats);
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(stats.retries, 0);
    EXPECT_EQ(server.request_count(), 1) << status;
  }
}

TEST(HttpClient, GivesUpAfterMaxAttemptsReturningLastResponse) {
  FakeOpenAiServer server;
  for (int i = 0; i < 5; ++i) server.Enqueue(FakeReply::Status(502, "bad gateway"));
  RetryPolicy p;
  p.max_attempts = 3;
  p.base_delay_s = 0.001;
  HttpClient client(p);
  RetryStats stats;
  HttpResponse r = client.Send(Post(server), {}, &stats);
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(stats.attempts, 3);
  EXPECT_EQ(server.request_count(), 3);
}

TEST(HttpClient, ConnectionClosedIsAConnectionErrorAndRetried) {
  FakeOpenAiServer server;
  FakeReply reset;
  reset.fault = FakeFault::kCloseConnection;
  server.Enqueue(reset);
  server.Enqueue(FakeReply::Status(200, "after reset"));
  try {
    PerformHttpRequest(Post(server));
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), TransportErrorKind::kConnection) << e.what();
  }
  RetryPolicy p;
  p.base_delay_s = 0.001;
  HttpClient client(p);
  server.Enqueue(reset);
  server.Enqueue(FakeReply::Status(200, "after reset"));
  RetryStats stats;
  // The first scripted "after reset" is consumed here; then reset, then the second one.
  EXPECT_EQ(client.Send(Post(server), {}, &stats).body, "after reset");
  EXPECT_EQ(stats.retries, 0);
  EXPECT_EQ(client.Send(Post(server), {}, &stats).body, "after reset");
  EXPECT_EQ(stats.retries, 1);
}

TEST(HttpClient, TruncatedBodyIsAConnectionError) {
  FakeOpenAiServer server;
  FakeReply r = FakeReply::Chat("{}");
  r.fault = FakeFault::kTruncateBody;
  server.Enqueue(r);
  try {
    PerformHttpRequest(Post(server));
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), TransportErrorKind::kConnection) << e.what();
  }
}

TEST(HttpClient, SlowBodyHitsTheTotalTimeout) {
  FakeOpenAiServer server;
  FakeReply r = FakeReply::Chat("{}");
  r.fault = FakeFault::kSlowBody;
  r.slow_body_s = 1.0;
  server.Enqueue(r);
  auto t0 = std::chrono::steady_clock::now();
  try {
    PerformHttpRequest(Post(server, 0.2));
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), TransportErrorKind::kTimeout) << e.what();
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(s, 0.19);
  EXPECT_LT(s, 0.9);
}

TEST(HttpClient, RefusedConnectionIsAConnectionError) {
  int port;
  {
    FakeOpenAiServer server;
    port = server.port();
  }
  HttpRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/models";
  r.method = "GET";
  RetryPolicy p;
  p.max_attempts = 2;
  p.base_delay_s = 0.001;
  HttpClient client(p);
  RetryStats stats;
  try {
    client.Send(r, {}, &stats);
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), TransportErrorKind::kConnection);
    EXPECT_EQ(e.file(), r.url);
  }
  EXPECT_EQ(stats.attempts, 2);
}

TEST(HttpClient, StopCheckInterruptsTheWait) {
  HttpClient client(RetryPolicy{}, 1);
  client.SetTransport([](const HttpRequest&) {
    HttpResponse r;
    r.status = 503;
    r.headers["retry-after"] = "30";
    return r;
  });
  std::atomic<bool> stop{false};
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
  });
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(client.Send({}, StopOnFlag(stop)), Cancelled);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t.join();
  EXPECT_LT(s, 2.0);
}

TEST(HttpClient, ExtractsErrorMessagesFromBothShapesAndText) {
  EXPECT_EQ(ExtractErrorMessage(R"({"object":"error","message":"At most 1 image(s) may be provided in one request.","type":"BadRequestError","code":400})"),
            "At most 1 image(s) may be provided in one request.");
  EXPECT_EQ(ExtractErrorMessage(R"({"error":{"message":"model 'x' not found","type":"api_error"}})"),
            "model 'x' not found");
  EXPECT_EQ(ExtractErrorMessage(R"({"error":"server busy"})"), "server busy");
  EXPECT_EQ(ExtractErrorMessage(R"({"detail":"Not Found"})"), "Not Found");
  EXPECT_EQ(ExtractErrorMessage("  Bad Gateway\n"), "Bad Gateway");
  EXPECT_EQ(ExtractErrorMessage(""), "");
  EXPECT_EQ(ExtractErrorMessage(std::string(600, 'x')).size(), 503u);
}

TEST(HttpClient, RetryPolicyCheck) {
  RetryPolicy p;
  EXPECT_NO_THROW(p.Check());
  p.max_attempts = 0;
  EXPECT_THROW(p.Check(), Error);
  p = RetryPolicy{};
  p.max_delay_s = 0.1;
  p.base_delay_s = 1;
  EXPECT_THROW(p.Check(), Error);
}

}  // namespace
}  // namespace autofocus
