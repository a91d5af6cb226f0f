#include <algorithm>
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
  trk.tracker.iou_threshold = 0.9f;  // fragments tracks: a different track stage output
  r = RunOnce(p, trk, &vc, &dc);
  ASSERT_EQ(r.Failed(), 0);
  for (const auto& e : r.episodes) {
    EXPECT_EQ(e.skipped, (std::vector<std::string>{"context", "detect"}));
  }
  EXPECT_EQ(dc.calls, 0) << "detections are reused when only the tracker changed";
}

// A VLM that answers garbage for one episode's key-object questions (and, when asked, for its
// global context): a bad answer costs one sub-sequence, never the episode; a bad global context
// stays a hard failure of that episode only.
class GarbageForOneEpisode : public VlmBackend {
 public:
  GarbageForOneEpisode(std::shared_ptr<VlmBackend> inner, std::string bad, bool bad_context = false)
      : inner_(std::move(inner)), bad_(std::move(bad)), bad_context_(bad_context) {}
  std::string Kind() const override { return inner_->Kind(); }
  std::string Model() const override { return inner_->Model(); }
  GlobalContext QueryGlobalContext(const GlobalContextRequest& r, CallRecord* rec) override {
    if (bad_context_ && r.episode == bad_) throw Error("", "global context", "answer is not valid JSON");
    return inner_->QueryGlobalContext(r, rec);
  }
  KeyObjectAnswer SelectKeyObjects(const KeyObjectRequest& r, CallRecord* rec) override {
    if (r.episode == bad_ && (bad_frame_ < 0 || r.frame_index == bad_frame_)) {
      if (rec) rec->raw_answer = "I am not JSON at all";
      throw Error("", "key objects", "answer is not valid JSON after one repair request");
    }
    return inner_->SelectKeyObjects(r, rec);
  }
  int bad_frame_ = -1;  // only this frame's question fails (-1: all of the episode's)

 private:
  std::shared_ptr<VlmBackend> inner_;
  std::string bad_;
  bool bad_context_;
};

TEST(PipelineE2E, GarbageKeyObjectAnswersLeaveSubsequencesUndecidedNotTheEpisodeFailed) {
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
  for (const auto& e : r.episodes) EXPECT_TRUE(e.ok) << e.episode << ": " << e.error;
  const Json keys = store.LoadArtifact("episode_001", "key_objects");
  const int n = static_cast<int>(keys["segments"].size());
  ASSERT_GT(n, 0);
  EXPECT_EQ(r.episodes[1].undecided, n);
  EXPECT_EQ(r.Undecided(), n);
  EXPECT_EQ(keys["undecided"], n);
  EXPECT_FALSE(keys["complete"].get<bool>()) << "undecided questions are asked again by the next run";
  for (const Json& sg : keys["segments"]) {
    EXPECT_EQ(sg["status"], "undecided");
    EXPECT_TRUE(sg["flagged"].get<bool>());
    // Every candidate is kept as a key object, for review.
    std::vector<int> candidates;
    for (const Json& cand : sg["iterations"][0]["candidates"]) candidates.push_back(cand["id"]);
    std::sort(candidates.begin(), candidates.end());
    EXPECT_EQ(sg["key_ids"].get<std::vector<int>>(), candidates);
    EXPECT_EQ(sg["iterations"][0]["record"]["raw_answer"], "I am not JSON at all");
  }
  EXPECT_TRUE(store.HasArtifact("episode_001", "saliency"));
  EXPECT_EQ(store.LoadArtifact("episode_000", "key_objects")["undecided"], 0);

  // One bad question costs exactly one sub-sequence.
  TempDir dir2;
  const fs::path p2 = MakeSample(dir2, 2, 30);
  ProjectStore store2 = ProjectStore::Open(p2);
  auto truth2 = sim::GroundTruthStore::FromProject(p2);
  {
    PipelineBackends ok;
    ok.vlm = std::make_shared<sim::SceneOracleVlm>(truth2);
    ok.detector = std::make_shared<sim::SceneOracleDetector>(truth2);
    PipelineController c0(store2, PipelineOptions{}, ok);
    ASSERT_EQ(c0.Run({"episode_001"}).Failed(), 0);
  }
  const Json good = store2.LoadArtifact("episode_001", "key_objects");
  ASSERT_GE(good["segments"].size(), 2u);
  fs::remove(store2.ArtifactPath("episode_001", "key_objects"));
  auto one = std::make_shared<GarbageForOneEpisode>(std::make_shared<sim::SceneOracleVlm>(truth2), "episode_001");
  one->bad_frame_ = good["segments"][1]["frame"].get<int>();
  PipelineBackends b2;
  b2.vlm = one;
  b2.detector = std::make_shared<sim::SceneOracleDetector>(truth2);
  PipelineController c2(store2, PipelineOptions{}, b2);
  const PipelineReport r2 = c2.Run({"episode_001"});
  EXPECT_TRUE(r2.episodes[0].ok);
  EXPECT_EQ(r2.episodes[0].undecided, 1);
  const Json keys2 = store2.LoadArtifact("episode_001", "key_objects");
  ASSERT_EQ(keys2["segments"].size(), good["segments"].size());
  for (size_t i = 0; i < keys2["segments"].size(); ++i) {
    EXPECT_EQ(keys2["segments"][i]["status"], i == 1 ? "undecided" : "ok") << i;
    if (i != 1) {
      EXPECT_EQ(keys2["segments"][i]["key_ids"], good["segments"][i]["key_ids"]) << i;
    }
  }
}

TEST(PipelineE2E, GarbageGlobalContextFailsOnlyThatEpisode) {
  TempDir dir;
  const fs::path p = MakeSample(dir, 3, 30);
  ProjectStore store = ProjectStore::Open(p);
  auto truth = sim::GroundTruthStore::FromProject(p);
  PipelineBackends b;
  b.vlm = std::make_shared<GarbageForOneEpisode>(std::make_shared<sim::SceneOracleVlm>(truth), "episode_001",
                                                 /*bad_context=*/true);
  b.detector = std::make_shared<sim::SceneOracleDetector>(truth);
  PipelineController c(store, PipelineOptions{}, b);
  const PipelineReport r = c.Run({});
  ASSERT_EQ(r.episodes.size(), 3u);
  EXPECT_TRUE(r.episodes[0].ok);
  EXPECT_FALSE(r.episodes[1].ok);
  EXPECT_TRUE(r.episodes[2].ok);
  EXPECT_EQ(r.episodes[1].failed_stage, "context");
  EXPECT_NE(r.episodes[1].error.find("not valid JSON"), std::string::npos) << r.episodes[1].error;
  EXPECT_EQ(LoadEpisodeStatus(store, "episode_001")["error"]["stage"], "context");
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
