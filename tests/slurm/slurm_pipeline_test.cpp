// Annotation as a Slurm job array against a real single-node Slurm (tests/slurm/slurm_cluster.h)
// and the loopback model server of tests/pipeline_http: a 4-task array with its dependent merge
// equals one `autofocus run`; a task scancel'ed in the middle of a model call resumes on
// resubmission with no repeated calls.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "core/base/json_io.h"
#include "core/exchange/exchange_cache.h"
#include "tests/pipeline_http/loopback_model_server.h"
#include "tests/slurm/slurm_cluster.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::LoopbackModelServer;
using testing::ModelRequestKind;
using testing::RunCli;
using testing::RunProgram;
using testing::SlurmCluster;
using testing::TempDir;

// A fake key: it must not appear in any file of the job folder.
const std::string kKeyVar = "AF_SLURM_TEST_KEY", kKey = "sk-slurm-7d41c0b9e2";
// 4 episodes x 20 frames: one per shard of a 4-task array.
constexpr int kEpisodes = 4, kFrames = 20;
constexpr int kChatPerEpisode = testing::kChatRequestsPerEpisode;
constexpr int kDetectPerEpisode = testing::DetectRequestsPerEpisode(kFrames);

class SlurmPipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string why = SlurmCluster::Unavailable();
    if (!why.empty()) GTEST_SKIP() << why;
    ::setenv(kKeyVar.c_str(), kKey.c_str(), 1);
    cluster_ = std::make_unique<SlurmCluster>();
  }
  void TearDown() override {
    cluster_.reset();
    ::unsetenv(kKeyVar.c_str());
  }
  std::unique_ptr<SlurmCluster> cluster_;
};

// A generated sample-world project (the same for the same seed).
fs::path MakeSample(const TempDir& dir, const std::string& name) {
  const auto r =
      RunCli({"sim", "generate", "--out", (dir / name).string(), "--episodes",
              std::to_string(kEpisodes), "--frames", std::to_string(kFrames), "--seed", "11"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir / name;
}

// The model flags of every run: the loopback VLM and detector, the paper preset the scripted
// scene follows, the key by variable name.
std::vector<std::string> ModelFlags(const LoopbackModelServer& server) {
  return {"--preset",       "paper",         "--vlm-url",  server.url(), "--vlm-model",
          "loopback-vlm",   "--vlm-key-env", kKeyVar,      "--detector", "roboflow",
          "--detector-url", server.url(),    "--progress", "none"};
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A JSON artifact without what differs between two runs of the same computation.
Json Normalised(Json j) {
  if (j.is_object()) {
    for (const char* k : {"time", "finished", "seconds", "latency_ms", "ran", "from_cache"})
      j.erase(k);
    for (auto& [k, v] : j.items()) v = Normalised(v);
  } else if (j.is_array()) {
    for (auto& v : j) v = Normalised(v);
  }
  return j;
}

std::string ReadBytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every file under episodes/ (relative path -> content; JSON normalised).
std::map<std::string, std::string> Artifacts(const fs::path& project) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(project / "episodes")) {
    if (!e.is_regular_file()) continue;
    const std::string rel = fs::relative(e.path(), project).string();
    out[rel] = e.path().extension() == ".json" ? Normalised(LoadJsonFile(e.path())).dump(1)
                                               : ReadBytes(e.path());
  }
  return out;
}

// Every answered key of an exchange file.
std::set<std::string> AnsweredKeys(const fs::path& file) {
  ExchangeCacheOptions ro;
  ro.mode = ExchangeOpenMode::kReadOnly;
  std::set<std::string> keys;
  for (const auto& e : ExchangeCache(file, ro).Entries()) {
    if (e.answered()) keys.insert(e.key);
  }
  return keys;
}

// True when no file under `dir` contains `needle`.
void ExpectNowhere(const fs::path& dir, const std::string& needle) {
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      EXPECT_EQ(ReadBytes(e.path()).find(needle), std::string::npos) << e.path();
    }
  }
}

Json Status(const fs::path& project, const std::string& job) {
  const auto r = RunCli({"cluster", "status", project.string(), "--job", job, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return ParseJsonText(r.out, "cluster status");
}

// The id of the newest job of `project` (ids end in their UTC creation time).
std::string NewestJob(const fs::path& project) {
  const auto ids = testing::ListDir(project / "jobs");
  EXPECT_FALSE(ids.empty());
  return ids.empty() ? "" : ids.back();
}

TEST_F(SlurmPipeline, FourTaskArrayWithDependentMergeEqualsOneProcess) {
  TempDir dir;
  const fs::path single = MakeSample(dir, "single");
  LoopbackModelServer server;
  server.AddProject(single);
  const fs::path sharded = dir / "sharded", pristine = dir / "pristine";
  fs::copy(single, sharded, fs::copy_options::recursive);
  fs::copy(single, pristine, fs::copy_options::recursive);

  const auto one = RunCli(Concat({"run", single.string()}, ModelFlags(server)));
  ASSERT_EQ(one.exit_code, 0) << one.out << one.err;
  const int single_calls = server.Total();
  EXPECT_EQ(single_calls, kEpisodes * (kChatPerEpisode + kDetectPerEpisode));

  const auto t0 = std::chrono::steady_clock::now();
  const auto sub =
      RunCli(Concat({"cluster", "submit", sharded.string(), "--slurm", "--shards", "4", "--wait"},
                    ModelFlags(server)));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(sub.exit_code, 0) << sub.out << sub.err;
  std::printf("4-task array + merge: %.1f s from submit to the merge's end\n", seconds);
  const std::string job = NewestJob(sharded);
  const fs::path job_dir = sharded / "jobs" / job;

  // The same number of model calls, the same artifacts.
  EXPECT_EQ(server.Total() - single_calls, single_calls);
  EXPECT_EQ(Artifacts(sharded), Artifacts(single));
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(fs::exists(ExchangeCache::ShardFile(sharded, i, 4))) << i;
    EXPECT_FALSE(testing::ListDir(job_dir / "logs").empty());
  }
  // The merge put every answered call into the project's exchange cache.
  EXPECT_EQ(AnsweredKeys(ExchangeCache::ProjectFile(sharded)),
            AnsweredKeys(ExchangeCache::ProjectFile(single)));
  const Json report = LoadJsonFile(job_dir / "report.json");
  EXPECT_EQ(report["exchanges"]["appended"], single_calls);
  EXPECT_EQ(report["episodes"]["done"], kEpisodes);

  const Json st = Status(sharded, job);
  ASSERT_EQ(st["shards"].size(), 4u);
  for (const Json& s : st["shards"]) {
    EXPECT_EQ(s["state"], "done") << st.dump();
    EXPECT_EQ(s["episodes_done"], 1);
  }
  EXPECT_EQ(st["merge"], "done") << st.dump();
  EXPECT_NE(st["source"].get<std::string>().find("task files"), std::string::npos);

  // The merge is idempotent: again by hand, nothing is added and the file is unchanged.
  const std::string before = ReadBytes(ExchangeCache::ProjectFile(sharded));
  const auto again = RunCli({"cluster", "merge", sharded.string(), "--job", job});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find(", 0 added"), std::string::npos) << again.out;
  EXPECT_EQ(ReadBytes(ExchangeCache::ProjectFile(sharded)), before);

  // The merged cache alone answers a fresh copy of the project offline, with the same result.
  fs::create_directories(pristine / "exchanges");
  fs::copy_file(ExchangeCache::ProjectFile(sharded), ExchangeCache::ProjectFile(pristine));
  const int calls_before = server.Total();
  const auto offline = RunCli(Concat({"run", pristine.string(), "--offline"}, ModelFlags(server)));
  EXPECT_EQ(offline.exit_code, 0) << offline.out << offline.err;
  EXPECT_EQ(server.Total(), calls_before);
  EXPECT_EQ(Artifacts(pristine), Artifacts(single));

  // The key travels by variable name only: not in the scripts, logs, task files or reports.
  ExpectNowhere(job_dir, kKey);
  EXPECT_NE(ReadBytes(job_dir / "shards.sbatch").find(kKeyVar), std::string::npos);
}

TEST_F(SlurmPipeline, ScancelledTaskResumesOnResubmissionWithNoRepeatedCalls) {
  TempDir dir;
  const fs::path project = MakeSample(dir, "P");
  LoopbackModelServer server;
  server.AddProject(project);
  // Episode 2 is shard 2's: its first key-object question waits at the server, after its
  // context and its 20 detections were answered (and recorded by the task).
  server.HoldFirstKeyObjectsFor("episode_002");
  // One request at a time: the held question is the only one in flight when the task dies.
  const auto sub =
      RunCli(Concat({"cluster", "submit", project.string(), "--slurm", "--shards", "4"},
                    Concat(ModelFlags(server), {"--request-workers", "1"})));
  ASSERT_EQ(sub.exit_code, 0) << sub.out << sub.err;
  const std::string job = NewestJob(project);
  const std::string array =
      LoadJsonFile(project / "jobs" / job / "job.json")["submissions"][0]["job_id"];
  ASSERT_TRUE(server.WaitUntilHeld(120)) << "shard 2 never asked its key-object question";
  EXPECT_GE(server.Count(ModelRequestKind::kDetect), kFrames);

  // Killed in the middle of a model call, like a preemption or a time limit.
  const auto cancel = RunProgram("scancel", {array + "_2"});
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  ASSERT_TRUE(cluster_->WaitUntilGone(array + "_2", 60));
  server.ReleaseHeld();
  ASSERT_TRUE(cluster_->WaitForEmptyQueue(120)) << "the other shards and the merge did not end";
  Json st = Status(project, job);
  EXPECT_EQ(st["shards"][2]["state"], "failed") << st.dump();
  for (int i : {0, 1, 3}) EXPECT_EQ(st["shards"][i]["state"], "done") << st.dump();
  EXPECT_EQ(st["merge"].get<std::string>().rfind("not run", 0), 0u) << st.dump();
  const int before = server.Total();
  const int detect_before = server.Count(ModelRequestKind::kDetect);

  // Only the failed shard is submitted again, with a new merge.
  const auto re =
      RunCli({"cluster", "status", project.string(), "--job", job, "--resubmit-failed"});
  ASSERT_EQ(re.exit_code, 0) << re.out << re.err;
  EXPECT_NE(re.out.find("resubmitted"), std::string::npos) << re.out;
  const Json manifest = LoadJsonFile(project / "jobs" / job / "job.json");
  ASSERT_EQ(manifest["submissions"].size(), 2u);
  EXPECT_EQ(manifest["submissions"][1]["shards"], Json::array({2}));
  ASSERT_TRUE(cluster_->WaitForEmptyQueue(120));
  st = Status(project, job);
  for (const Json& s : st["shards"]) EXPECT_EQ(s["state"], "done") << st.dump();
  EXPECT_EQ(st["merge"], "done") << st.dump();

  // No answered call was asked again: the resubmitted shard asked only the held question (never
  // answered) and what followed it; every count is the single-process one plus that question.
  std::printf("requests: %d before the resubmission, %d after (of which detections %d)\n", before,
              server.Total() - before, server.Count(ModelRequestKind::kDetect) - detect_before);
  EXPECT_EQ(server.Count(ModelRequestKind::kContext), kEpisodes);
  EXPECT_EQ(server.Count(ModelRequestKind::kDetect), kEpisodes * kDetectPerEpisode);
  EXPECT_EQ(server.Count(ModelRequestKind::kKeyObjects), kEpisodes * (kChatPerEpisode - 1) + 1);
  EXPECT_EQ(server.Total(), kEpisodes * (kChatPerEpisode + kDetectPerEpisode) + 1);
  const Json report = LoadJsonFile(project / "jobs" / job / "report.json");
  EXPECT_EQ(report["episodes"]["done"], kEpisodes);
  ExpectNowhere(project / "jobs", kKey);
}

}  // namespace
}  // namespace autofocus
