#include <gtest/gtest.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/exchange/exchange_cache.h"
#include "core/pipeline/backend_factory.h"
#include "core/pipeline/evaluation.h"
#include "core/pipeline/pipeline.h"
#include "core/sim/ground_truth.h"
#include "core/sim/sample_project.h"
#include "core/sim/scene_oracle.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

fs::path MakeSample(const TempDir& dir, int episodes, int frames, const std::string& name = "p") {
  sim::SampleWorldOptions w;
  w.episodes = episodes;
  w.frames = frames;
  w.seed = 7;
  sim::GenerateSampleProject(w, dir / name);
  return dir / name;
}

PipelineReport RunOnce(const fs::path& project, const PipelineOptions& options,
                       ExchangeCounters* vlm_counters = nullptr, ExchangeCounters* det_counters = nullptr) {
  ProjectStore store = ProjectStore::Open(project);
  RunBackends b = MakeRunBackends(store, options, ExchangeCache::ProjectFile(project));
  PipelineController c(store, options, b.AsPipeline());
  PipelineReport r = c.Run({});
  if (vlm_counters) *vlm_counters = b.vlm->counters();
  if (det_counters) *det_counters = b.detector->counters();
  return r;
}

TEST(PipelineE2E, OracleRunWritesEveryStageAndResumesWithZeroCalls) {
  TempDir dir;
  const fs::path p = MakeSample(dir, 3, 50);
  ExchangeCounters vc, dc;
  const PipelineReport first = RunOnce(p, PipelineOptions{}, &vc, &dc);
  ASSERT_EQ(first.Failed(), 0) << first.ToJson().dump(2);
  EXPECT_EQ(dc.calls, 3 * 50 + [&] {
    // plus the re-detections of missing-category re-runs
    int64_t n = 0;
    ProjectStore s = ProjectStore::Open(p);
    for (const auto& e : s.info().episodes) {
      const Json keys = s.LoadArtifact(e.name, "key_objects");  // keep it alive for the loop
      for (const Json& seg : keys["segments"]) {
        for (const Json& it : seg["iterations"]) {
          if (it["iteration"].get<int>() > 0) n += seg["end"].get<int>() - seg["start"].get<int>() + 1;
        }
      }
    }
    return n;
  }());
  ProjectStore store = ProjectStore::Open(p);
  for (const auto& e : store.info().episodes) {
    for (const char* a : {"context", "detections", "tracks", "key_objects", "saliency", "status"}) {
      EXPECT_TRUE(store.HasArtifact(e.name, a)) << e.name << " " << a;
    }
    EXPECT_EQ(LoadKeyBoxes(store, e.name).size(), 50u);
    const Json status = LoadEpisodeStatus(store, e.name);
    EXPECT_TRUE(status["error"].is_null());
    EXPECT_EQ(status["stages"].size(), 5u);
  }
  EXPECT_EQ(store.info().settings["pipeline"]["vlm"]["kind"], "oracle");

  // Same options again: nothing recomputed, no model call made.
  const PipelineReport again = RunOnce(p, PipelineOptions{}, &vc, &dc);
  ASSERT_EQ(again.Failed(), 0);
  EXPECT_EQ(vc.calls, 0);
  EXPECT_EQ(dc.calls, 0);
  for (const auto& e : again.episodes) {
    EXPECT_TRUE(e.ran.empty()) << e.episode;
    EXPECT_EQ(e.skipped, (std::vector<std::string>{"context", "detect", "track", "key_objects", "saliency"}));
  }
}

TEST(PipelineE2E, ChangedParametersInvalidateOnlyLaterStages) {
  TempDir dir;
  const fs::path p = MakeSample(dir, 2, 40);
  ASSERT_EQ(RunOnce(p, PipelineOptions{}).Failed(), 0);
  ProjectStore before = ProjectStore::Open(p);
  const Json tracks_before = before.LoadArtifact("episode_000", "tracks");

  PipelineOptions sal;
  sal.saliency.window = 2;
  ExchangeCounters vc, dc;
  PipelineReport r = RunOnce(p, sal, &vc, &dc);
  ASSERT_EQ(r.Failed(), 0);
  for (const auto& e : r.episodes) EXPECT_EQ(e.ran, std::vector<std::string>{"saliency"});
  EXPECT_EQ(vc.calls + dc.calls, 0);
  EXPECT_EQ(ProjectStore::Open(p).LoadArtifact("episode_000", "saliency")["parameters"]["window"], 2);
  EXPECT_EQ(ProjectStore::Open(p).LoadArtifact("episode_000", "tracks"), tracks_before);

  PipelineOptions trk = sal;
  trk.tracker.max_gap = 3;
  r = RunOnce(p, trk, &vc, &dc);
  ASSERT_EQ(r.Failed(), 0);
  for (const auto& e : r.episodes) {
    EXPECT_EQ(e.skipped, (std::vector<std::string>{"context", "detect"}));
  }
  EXPECT_EQ(dc.calls, 0) << "detections are reused when only the tracker changed";
}

// A VLM that answers garbage for one episode: the pipeline must finish the others.
class GarbageForOneEpisode : public VlmBackend {
 public:
  GarbageForOneEpisode(std::shared_ptr<VlmBackend> inner, std::string bad) : inner_(std::move(inner)), bad_(std::move(bad)) {}
  std::string Kind() const override { return inner_->Kind(); }
  std::string Model() const override { return inner_->Model(); }
  GlobalContext QueryGlobalContext(const GlobalContextRequest& r, CallRecord* rec) override {
    return inner_->QueryGlobalContext(r, rec);
  }
  KeyObjectAnswer SelectKeyObjects(const KeyObjectRequest& r, CallRecord* rec) override {
    if (r.episode == bad_) {
      if (rec) rec->raw_answer = "I am not JSON at all";
      throw Error("", "key objects", "answer is not valid JSON after one repair request");
    }
    return inner_->SelectKeyObjects(r, rec);
  }

 private:
  std::shared_ptr<VlmBackend> inner_;
  std::string bad_;
};

TEST(PipelineE2E, OneFailingEpisodeLeavesTheOthersComplete) {
  TempDir dir;
  const fs::path p = MakeSample(dir, 3, 30);
  ProjectStore store = ProjectStore::Open(p);
  auto truth = sim::GroundTruthStore::FromProject(p);
  PipelineBackends b;
  b.vlm = std::make_shared<GarbageForOneEpisode>(std::make_shared<sim::SceneOracleVlm>(truth), "episode_001");
  b.detector = std::make_shared<sim::SceneOracleDetector>(truth);
  PipelineController c(store, PipelineOptions{}, b);
  const PipelineReport r = c.Run({});
  ASSERT_EQ(r.episodes.size(), 3u);
  EXPECT_TRUE(r.episodes[0].ok);
  EXPECT_FALSE(r.episodes[1].ok);
  EXPECT_TRUE(r.episodes[2].ok);
  EXPECT_EQ(r.episodes[1].failed_stage, "key_objects");
  EXPECT_NE(r.episodes[1].error.find("not valid JSON"), std::string::npos) << r.episodes[1].error;
  const Json status = LoadEpisodeStatus(store, "episode_001");
  EXPECT_EQ(status["error"]["stage"], "key_objects");
  const Json keys = store.LoadArtifact("episode_001", "key_objects");
  EXPECT_FALSE(keys["complete"].get<bool>());
  EXPECT_EQ(keys["segments"][0]["status"], "failed");
  EXPECT_EQ(keys["segments"][0]["iterations"][0]["record"]["raw_answer"], "I am not JSON at all");
  EXPECT_FALSE(store.HasArtifact("episode_001", "saliency"));
  EXPECT_TRUE(store.HasArtifact("episode_002", "saliency"));
}

size_t CountLines(const fs::path& file) {
  std::ifstream in(file);
  size_t n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

Json Results(const fs::path& project) {
  ProjectStore s = ProjectStore::Open(project);
  Json out = Json::object();
  for (const auto& e : s.info().episodes) {
    out[e.name] = {{"detections", s.LoadArtifact(e.name, "detections")["result"]["frames"]},
                   {"tracks", s.LoadArtifact(e.name, "tracks")["result"]},
                   {"key_boxes", s.LoadArtifact(e.name, "key_objects")["frames"]},
                   {"coverage", s.LoadArtifact(e.name, "saliency")["coverage"]}};
  }
  return out;
}

TEST(PipelineE2E, KillNineMidRunThenResumeGivesIdenticalResultsWithoutRepeatedCalls) {
  TempDir dir;
  const fs::path p = MakeSample(dir, 4, 120, "victim");
  const fs::path ref = dir / "reference";
  fs::copy(p, ref, fs::copy_options::recursive);
  ASSERT_EQ(testing::RunCli({"run", ref.string(), "--progress", "none"}).exit_code, 0);
  const size_t reference_calls = CountLines(ExchangeCache::ProjectFile(ref));

  const pid_t child = fork();
  if (child == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    execl(AUTOFOCUS_CLI_PATH, "autofocus", "run", p.c_str(), "--progress", "none", "--episode-workers", "1",
          "--request-workers", "1", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill once a fraction of the calls is on disk (polling with a deadline, not a timed sleep).
  const fs::path exchanges = ExchangeCache::ProjectFile(p);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool killed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(child, &status, WNOHANG) == child) break;  // finished before we could kill it
    if (fs::exists(exchanges) && CountLines(exchanges) >= reference_calls / 3) {
      ::kill(child, SIGKILL);
      waitpid(child, &status, 0);
      killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(killed) << "the run ended before it could be killed";
  const size_t calls_before = CountLines(exchanges);
  ASSERT_LT(calls_before, reference_calls);

  const auto resumed = testing::RunCli({"run", p.string(), "--progress", "none"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(Results(p), Results(ref));
  // Every call answered before the kill was reused: the exchange file holds each question once,
  // exactly as many as the uninterrupted run (a torn last line, if any, was cut off).
  ExchangeCache cache(exchanges, {ExchangeOpenMode::kReadOnly});
  std::map<std::string, int> per_key;
  for (const auto& entry : cache.Entries()) ++per_key[entry.key];
  for (const auto& [key, n] : per_key) EXPECT_EQ(n, 1) << key;
  EXPECT_EQ(cache.Entries().size(), reference_calls);
}

TEST(PipelineE2E, DemoCommandAnnotatesAndEvaluates) {
  TempDir dir;
  const auto r = testing::RunCli({"demo", "--out", (dir / "demo").string(), "--episodes", "3", "--frames", "80",
                                  "--progress", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("scene oracle"), std::string::npos) << r.out;
  const auto e = testing::RunCli({"evaluate-annotations", (dir / "demo").string(), "--json"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const Json j = Json::parse(e.out);
  EXPECT_EQ(j["episodes"].size(), 3u);
  EXPECT_GE(j["key_objects"]["precision"].get<double>(), 0.9) << j.dump(2);
  EXPECT_GE(j["key_objects"]["recall"].get<double>(), 0.9) << j.dump(2);
}

}  // namespace
}  // namespace autofocus
