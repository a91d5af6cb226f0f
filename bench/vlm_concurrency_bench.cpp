// 200 key-object requests against the loopback OpenAI-compatible server with 200 ms latency at
// concurrency 8. Acceptance bound: 200 * 0.2 s / 8 * 1.15 = 5.75 s. Prints the achieved time, its
// ratio to that bound and the speed-up over the serial time measured in the same run.
//
// Usage: bench_vlm_concurrency [requests=200] [latency_s=0.2] [concurrency=8]

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "core/vlm/openai_vlm_backend.h"
#include "tests/vlm/fake_openai_server.h"

using namespace autofocus;

namespace {

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

KeyObjectRequest Request(int i) {
  KeyObjectRequest r;
  r.episode = "bench";
  r.frame_index = i;
  r.frame = cv::Mat(180, 320, CV_8UC3, cv::Scalar(i % 255, 80, 120));
  r.action = {0.1f, 0.5f, 0.f};
  r.action_names = {"steer", "throttle", "brake"};
  r.action_description = "cruising";
  r.context.summary = "Urban road.";
  r.candidates = {{7, "car", {32, 18, 160, 90}}, {9, "traffic light", {300, 0, 319, 40}}};
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 200;
  double latency = argc > 2 ? std::atof(argv[2]) : 0.2;
  int concurrency = argc > 3 ? std::atoi(argv[3]) : 8;

  testing::FakeOpenAiServer server;
  server.SetDefault([latency](const testing::ReceivedRequest&) {
    return testing::FakeReply::Chat(
               R"({"top_k":[{"id":7,"class":"car","score":0.9,"rationale":"ahead"}],"missing_suspects":[]})")
        .Delay(latency);
  });
  OpenAiVlmOptions o;
  o.base_url = server.base_url();
  o.model = "test-model";
  o.max_in_flight = concurrency;
  OpenAiVlmBackend vlm(o);

  // Serial baseline: a few calls one after the other, extrapolated to n.
  const int serial_calls = 5;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < serial_calls; ++i) vlm.SelectKeyObjects(Request(i), nullptr);
  double serial_per_call = Seconds(t0) / serial_calls;
  double serial_estimate = serial_per_call * n;

  // Concurrent run: more callers than slots, so the per-endpoint bound does the limiting.
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> workers;
  t0 = std::chrono::steady_clock::now();
  for (int w = 0; w < concurrency * 2; ++w) {
    workers.emplace_back([&] {
      for (int i = next++; i < n; i = next++) {
        try {
          if (vlm.SelectKeyObjects(Request(i), nullptr).key_objects.size() != 1) ++failures;
        } catch (const std::exception& e) {
          std::fprintf(stderr, "request %d failed: %s\n", i, e.what());
          ++failures;
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  double achieved = Seconds(t0);
  double bound = n * latency / concurrency * 1.15;

  std::printf("requests            %d\n", n);
  std::printf("server latency      %.3f s\n", latency);
  std::printf("concurrency         %d (peak in flight %d, server saw %d)\n", concurrency,
              vlm.client().pool().peak_in_flight(), server.max_concurrent());
  std::printf("serial per call     %.4f s -> serial estimate %.3f s\n", serial_per_call,
              serial_estimate);
  std::printf("achieved            %.3f s\n", achieved);
  std::printf("bound               %.3f s (n * latency / concurrency * 1.15)\n", bound);
  std::printf("ratio achieved/bound %.3f\n", achieved / bound);
  std::printf("ratio achieved/ideal %.3f (ideal = n * latency / concurrency)\n",
              achieved / (n * latency / concurrency));
  std::printf("speed-up vs serial  %.2fx\n", serial_estimate / achieved);
  std::printf("failures            %d\n", failures.load());
  bool ok = failures == 0 && achieved <= bound;
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
