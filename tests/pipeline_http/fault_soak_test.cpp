// The fault soak: the pipeline over HTTP against the loopback model server with more than a
// thousand injected faults (429 with Retry-After, 503, connection resets, timeouts, truncated
// bodies, malformed and hallucinated answers, slow drips). No crash; every episode is complete
// or failed with its reason recorded; nothing finished is lost; and a second pass, without
// faults, completes the rest without asking again anything already answered.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>

#include "core/exchange/exchange_cache.h"
#include "core/pipeline/backend_factory.h"
#include "core/pipeline/pipeline.h"
#include "core/sim/sample_project.h"
#include "tests/pipeline_http/loopback_model_server.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::LoopbackModelServer;
using testing::TempDir;

constexpr const char* kKeyVar = "AF_SOAK_KEY";
constexpr const char* kModel = "loopback-vlm";

PipelineReport RunPipeline(const fs::path& project, const PipelineOptions& options) {
  ProjectStore store = ProjectStore::Open(project);
  RunBackends b = MakeRunBackends(store, options, ExchangeCache::ProjectFile(project));
  PipelineController controller(store, options, b.AsPipeline());
  return controller.Run({});
}

// The outputs of an episode that finished with nothing left to ask.
std::map<std::string, std::string> Outputs(const fs::path& project, const std::string& ep) {
  std::map<std::string, std::string> out;
  for (const char* a : {"context", "detections", "tracks", "key_objects", "saliency"})
    out[a] = testing::ReadText(project / "episodes" / ep / (std::string(a) + ".json"));
  return out;
}

TEST(FaultSoak, ThousandFaultsLoseNothingAndASecondPassCompletesTheRest) {
  ::setenv(kKeyVar, "sk-soak-5be1", 1);
  TempDir dir;
  const fs::path p = dir / "p";
  sim::SampleWorldOptions w;
  w.episodes = 44;
  w.frames = 50;
  w.seed = 11;
  w.threads = 2;
  sim::GenerateSampleProject(w, p);
  LoopbackModelServer server(kModel);
  server.AddProject(p);

  // Short limits so that a timeout costs 0.3 s and a Retry-After of 1 s is clamped: the soak
  // measures what is lost, not how long the backoff is.
  PipelineOptions o = PipelineOptions::Paper();
  const Json retry = {{"max_attempts", 4},
                      {"base_delay_s", 0.002},
                      {"max_delay_s", 0.01},
                      {"max_retry_after_s", 0.01}};
  o.vlm = {{"kind", "openai"},       {"base_url", server.url()}, {"model", kModel},
           {"api_key_env", kKeyVar}, {"total_timeout_s", 0.3},   {"retry", retry}};
  o.detector = {{"kind", "roboflow"},
                {"base_url", server.url()},
                {"api_key_env", kKeyVar},
                {"total_timeout_s", 0.3},
                {"retry", retry}};
  testing::FaultPlan plan;
  plan.seed = 7;
  plan.rate = 0.3;
  plan.timeout_delay_s = 0.8;
  server.InjectFaults(plan);

  const PipelineReport first = RunPipeline(p, o);
  const int faults = server.FaultTotal();
  EXPECT_GE(faults, 1000);
  const auto counts = server.FaultCounts();
  for (const char* kind : testing::kFaultKinds)
    EXPECT_GT(counts.count(kind) ? counts.at(kind) : 0, 50) << kind;
  std::string summary;
  for (const auto& [k, v] : counts) summary += k + "=" + std::to_string(v) + " ";
  std::printf("faults injected: %d (%s); requests %d\n", faults, summary.c_str(), server.Total());

  // Every episode is complete, or failed with its reason in the report and in status.json.
  ProjectStore store = ProjectStore::Open(p);
  std::map<std::string, std::map<std::string, std::string>> finished;
  int failed = 0, unfinished = 0;
  ASSERT_EQ(first.episodes.size(), 44u);
  for (const auto& e : first.episodes) {
    SCOPED_TRACE(e.episode);
    const Json status = LoadEpisodeStatus(store, e.episode);
    if (!e.ok) {
      ++failed;
      EXPECT_FALSE(e.failed_stage.empty());
      EXPECT_FALSE(e.error.empty());
      ASSERT_TRUE(status["error"].is_object()) << status.dump();
      EXPECT_EQ(status["error"]["message"], e.error);
      EXPECT_EQ(status["error"]["stage"], e.failed_stage);
    } else if (e.failed_frames > 0 || e.undecided > 0) {
      ++unfinished;  // complete, with frames or sub-sequences the next run asks again
      EXPECT_TRUE(status["error"].is_null());
    } else {
      EXPECT_TRUE(status["error"].is_null());
      finished[e.episode] = Outputs(p, e.episode);
    }
  }
  std::printf("first pass: %zu finished, %d complete with items to ask again, %d failed\n",
              finished.size(), unfinished, failed);
  EXPECT_GT(finished.size(), 0u);

  ExchangeCacheOptions ro;
  ro.mode = ExchangeOpenMode::kReadOnly;
  size_t answered_first = 0;
  {
    const ExchangeCache cache(ExchangeCache::ProjectFile(p), ro);
    answered_first = cache.answered_count();
  }

  // Without faults, and with the default time limits so that a loaded machine cannot fail it.
  server.StopFaults();
  const int requests_before = server.Total();
  o.vlm.erase("total_timeout_s");
  o.detector.erase("total_timeout_s");
  const PipelineReport second = RunPipeline(p, o);
  EXPECT_EQ(second.Failed(), 0) << second.ToJson().dump(2);
  EXPECT_EQ(second.FailedFrames(), 0);
  EXPECT_EQ(second.Undecided(), 0);
  for (const auto& [ep, outputs] : finished) EXPECT_EQ(Outputs(p, ep), outputs) << ep;

  // No key was answered twice: nothing answered in the first pass was asked again, and the
  // second pass asked exactly what was missing.
  const ExchangeCache cache(ExchangeCache::ProjectFile(p), ro);
  std::map<std::string, int> answers;
  for (const auto& e : cache.Entries())
    if (e.answered()) ++answers[e.key];
  for (const auto& [key, n] : answers) EXPECT_EQ(n, 1) << key;
  const size_t asked_second = cache.answered_count() - answered_first;
  EXPECT_EQ(static_cast<size_t>(server.Total() - requests_before), asked_second);
  std::printf("second pass: %zu requests, all episodes complete\n", asked_second);
  ::unsetenv(kKeyVar);
}

}  // namespace
}  // namespace autofocus
