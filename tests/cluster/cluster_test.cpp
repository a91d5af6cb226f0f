// core/cluster without a scheduler: the scripts `autofocus cluster submit --dry-run` writes,
// bad input, the merge of shard exchange files, status from a scripted squeue and the tasks'
// state files, and the array script run as a Kubernetes Indexed Job would run it.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <map>

#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/cluster/cluster_job.h"
#include "core/exchange/exchange_cache.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::RunCli;
using testing::RunProgram;
using testing::TempDir;
using testing::WriteText;

constexpr const char* kKeyVar = "AF_CLUSTER_TEST_KEY";
constexpr const char* kKey = "sk-cluster-5be1f09a";

// A generated sample-world project.
fs::path MakeSample(const TempDir& dir, int episodes = 3, int frames = 8) {
  const auto r = RunCli({"sim", "generate", "--out", (dir / "P").string(), "--episodes",
                         std::to_string(episodes), "--frames", std::to_string(frames)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir / "P";
}

std::string ReadText(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path OnlyJob(const fs::path& project) {
  const auto ids = testing::ListDir(project / "jobs");
  EXPECT_EQ(ids.size(), 1u);
  return project / "jobs" / (ids.empty() ? "" : ids.front());
}

TEST(Cluster, DryRunWritesReadableArrayAndMergeScriptsWithTheKeyNameOnly) {
  TempDir dir;
  const fs::path p = MakeSample(dir);
  ::setenv(kKeyVar, kKey, 1);
  const auto r = RunCli({"cluster",
                         "submit",
                         p.string(),
                         "--slurm",
                         "--shards",
                         "3",
                         "--dry-run",
                         "--partition",
                         "cpu",
                         "--time",
                         "01:30:00",
                         "--cpus-per-task",
                         "4",
                         "--sbatch-arg",
                         "--mem=2G",
                         "--vlm-url",
                         "http://10.0.0.9:8000",
                         "--vlm-model",
                         "Qwen/Qwen2.5-VL-7B-Instruct",
                         "--vlm-key-env",
                         kKeyVar,
                         "--episode-workers",
                         "2"});
  ::unsetenv(kKeyVar);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("dry run"), std::string::npos);
  const fs::path job = OnlyJob(p);
  const std::string shards = ReadText(job / "shards.sbatch"),
                    merge = ReadText(job / "merge.sbatch");
  for (const char* want :
       {"#SBATCH --array=0-2", "#SBATCH --partition=cpu", "#SBATCH --time=01:30:00",
        "#SBATCH --cpus-per-task=4", "#SBATCH --mem=2G", "SHARDS=3", "--shard \"$INDEX/$SHARDS\"",
        "JOB_COMPLETION_INDEX", "http://10.0.0.9:8000", "Qwen/Qwen2.5-VL-7B-Instruct",
        "--episode-workers", "for var in AF_CLUSTER_TEST_KEY", "logs/shard-%a.%A.out"}) {
    EXPECT_NE(shards.find(want), std::string::npos) << want << "\n" << shards;
  }
  EXPECT_NE(merge.find("cluster merge"), std::string::npos) << merge;
  EXPECT_NE(merge.find("--job " + job.filename().string()), std::string::npos) << merge;
  EXPECT_EQ(RunProgram("bash", {"-n", (job / "shards.sbatch").string()}).exit_code, 0);
  EXPECT_EQ(RunProgram("bash", {"-n", (job / "merge.sbatch").string()}).exit_code, 0);
  for (const auto& f : testing::ListDir(job)) {
    if (fs::is_regular_file(job / f)) {
      EXPECT_EQ(ReadText(job / f).find(kKey), std::string::npos) << f;
    }
  }
  const Json manifest = LoadJsonFile(job / "job.json");
  EXPECT_EQ(manifest["kind"], "annotate");
  EXPECT_EQ(manifest["shards"], 3);
  EXPECT_TRUE(manifest["submissions"].empty());
}

TEST(Cluster, TrainScriptMapsSlurmRanksAndResumesItsRun) {
  TempDir dir;
  const fs::path p = MakeSample(dir);
  const auto r = RunCli({"cluster", "submit", p.string(), "--train", "--nodes", "2",
                         "--ntasks-per-node", "2", "--name", "dp4", "--requeue", "--dry-run",
                         "--preset", "quick", "--threads", "2", "--epochs", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path job = OnlyJob(p);
  const std::string s = ReadText(job / "train.sbatch");
  for (const char* want :
       {"#SBATCH --nodes=2", "#SBATCH --ntasks-per-node=2", "#SBATCH --requeue",
        "scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1",
        "MASTER_PORT=$((29500 + SLURM_JOB_ID % 10000))",
        "RANK=$SLURM_PROCID WORLD_SIZE=$SLURM_NTASKS LOCAL_RANK=$SLURM_LOCALID",
        "ARGS=(--resume \"$NAME\" --threads 2)",
        "ARGS=(--name \"$NAME\" --preset quick --threads 2 --epochs 3)", "srun "}) {
    EXPECT_NE(s.find(want), std::string::npos) << want << "\n" << s;
  }
  EXPECT_EQ(RunProgram("bash", {"-n", (job / "train.sbatch").string()}).exit_code, 0);
  EXPECT_EQ(LoadJsonFile(job / "job.json")["run_name"], "dp4");
}

TEST(Cluster, BadInputFailsNamingTheFieldAndWritesNothing) {
  TempDir dir;
  const fs::path p = MakeSample(dir);
  struct Case {
    std::vector<std::string> args;
    std::string names;
  };
  const std::vector<Case> cases = {
      {{"--slurm", "--shards", "0"}, "--shards"},
      {{"--slurm", "--sbatch-arg", "--mem 4G"}, "--sbatch-arg"},
      {{"--slurm", "--time", "two hours"}, "--time"},
      {{"--slurm", "--shard", "1/4"}, "--shard"},
      {{"--slurm", "--train", "--name", "x"}, "--slurm/--train"},
      {{"--train"}, "--name"},
      {{"--train", "--name", "x", "--resume", "y"}, "--resume"},
      {{"--slurm", "--vlm-key-env", "AF_CLUSTER_TEST_UNSET_KEY"}, "AF_CLUSTER_TEST_UNSET_KEY"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"cluster", "submit", p.string()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 1) << c.names << ": " << r.err;
    EXPECT_NE(r.err.find(c.names), std::string::npos) << r.err;
  }
  // A key variable named by the project's saved settings (a previous run) is checked too.
  Json info = LoadJsonFile(p / "project.json");
  info["settings"]["pipeline"]["vlm"] = {{"kind", "openai"},
                                         {"api_key_env", "AF_CLUSTER_TEST_SAVED_KEY"}};
  SaveJsonFile(p / "project.json", info);
  const auto saved = RunCli({"cluster", "submit", p.string(), "--slurm"});
  EXPECT_EQ(saved.exit_code, 1);
  EXPECT_NE(saved.err.find("AF_CLUSTER_TEST_SAVED_KEY"), std::string::npos) << saved.err;
  EXPECT_FALSE(fs::exists(p / "jobs") && !testing::ListDir(p / "jobs").empty());
  const auto missing =
      RunCli({"cluster", "submit", (dir / "nope").string(), "--slurm", "--dry-run"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no such project"), std::string::npos) << missing.err;
  const auto nojob = RunCli({"cluster", "status", p.string()});
  EXPECT_EQ(nojob.exit_code, 1);
  EXPECT_NE(nojob.err.find("no cluster job"), std::string::npos) << nojob.err;
}

CallRecord Answer(const std::string& key, const std::string& text) {
  CallRecord r;
  r.backend = "openai";
  r.model = "m";
  r.cache_key = key;
  r.raw_answer = text;
  return r;
}

TEST(Cluster, MergeAddsEveryShardRecordOnceAndIsIdempotent) {
  TempDir dir;
  const fs::path p = MakeSample(dir);
  ArrayJobOptions o;
  o.shards = 2;
  o.slurm.autofocus = "/usr/bin/true";
  const ClusterJob job = WriteArrayJob(p, o);
  {
    ExchangeCache main(ExchangeCache::ProjectFile(p));
    main.Append("detect", Answer("k-old", "before the job"));
  }
  {
    ExchangeCache s0(ExchangeCache::ShardFile(p, 0, 2)), s1(ExchangeCache::ShardFile(p, 1, 2));
    s0.Append("detect", Answer("k-a", "a"));
    s0.Append("detect", Answer("k-old", "asked again"));
    s1.Append("detect", Answer("k-b", "b"));
    CallRecord failed = Answer("k-c", "");
    failed.error = "HTTP 503";
    s1.Append("detect", failed);
    s1.Append("detect", Answer("k-c", "c"));
  }
  const MergeReport first = MergeShardExchanges(p, job);
  EXPECT_EQ(first.files, 2);
  EXPECT_EQ(first.read, 5);
  EXPECT_EQ(first.appended, 4);  // k-a, k-b, the failed k-c (history) and k-c
  EXPECT_EQ(first.already, 1);   // k-old was answered before
  const std::string after = ReadText(ExchangeCache::ProjectFile(p));
  const MergeReport second = MergeShardExchanges(p, job);
  EXPECT_EQ(second.appended, 0);
  EXPECT_EQ(second.already, 5);
  EXPECT_EQ(ReadText(ExchangeCache::ProjectFile(p)), after);
  ExchangeCacheOptions ro;
  ro.mode = ExchangeOpenMode::kReadOnly;
  const ExchangeCache merged(ExchangeCache::ProjectFile(p), ro);
  EXPECT_EQ(merged.answered_count(), 4u);
  EXPECT_EQ(merged.FindAnswer("k-old")->raw_answer, "before the job");
  EXPECT_EQ(merged.FindAnswer("k-c")->raw_answer, "c");
  const Json report = LoadJsonFile(JobPaths{fs::absolute(p), job.id}.dir() / "report.json");
  EXPECT_EQ(report["exchanges"]["appended"], 0);
  EXPECT_EQ(report["episodes"]["total"], 3);
  EXPECT_TRUE(fs::exists(JobPaths{fs::absolute(p), job.id}.dir() / "report.txt"));
}

TEST(Cluster, StatusCombinesTheQueueWithTheTasksOwnStateFiles) {
  TempDir dir;
  const fs::path p = fs::absolute(MakeSample(dir, 5));
  ArrayJobOptions o;
  o.shards = 5;
  o.slurm.autofocus = "/usr/bin/true";
  ClusterJob job = WriteArrayJob(p, o);
  std::vector<std::vector<std::string>> calls;
  const CommandRunner fake = [&](const std::vector<std::string>& argv) {
    calls.push_back(argv);
    if (argv[0] == "sbatch")
      return CommandResult{0, calls.size() == 1 ? "41\n" : "42;aftest\n", ""};
    if (argv[0] == "squeue")
      return CommandResult{0, "41_3|RUNNING|None\n41_4|PENDING|Resources\n42|PENDING|Dependency\n",
                           ""};
    if (argv[0] == "sacct") return CommandResult{1, "", "Slurm accounting storage is disabled\n"};
    return CommandResult{0, "", ""};
  };
  const JobSubmission sub = SubmitArrayJob(p, job, {}, fake);
  EXPECT_EQ(sub.job_id, "41");
  EXPECT_EQ(sub.merge_job_id, "42");
  EXPECT_EQ(calls[1][2], "--dependency=afterok:41");
  const JobPaths paths{p, job.id};
  WriteText(paths.task_state(0), "state=done exit=0 job=41 host=n1 time=t\n");
  WriteText(paths.task_state(1), "state=running job=41 host=n1 time=t\n");  // then SIGKILL
  WriteText(paths.task_state(2), "state=failed exit=1 job=41 host=n1 time=t\n");
  WriteText(paths.task_state(3), "state=running job=41 host=n1 time=t\n");
  const ClusterJobStatus st = QueryClusterJob(p, job, fake);
  ASSERT_EQ(st.shards.size(), 5u);
  EXPECT_EQ(st.shards[0].state, "done");
  EXPECT_EQ(st.shards[1].state, "failed");
  EXPECT_NE(st.shards[1].detail.find("lost"), std::string::npos);
  EXPECT_EQ(st.shards[2].state, "failed");
  EXPECT_EQ(st.shards[2].detail, "exit 1");
  EXPECT_EQ(st.shards[3].state, "running");
  EXPECT_EQ(st.shards[4].state, "pending");
  EXPECT_EQ(st.merge_state, "pending (Dependency)");
  EXPECT_EQ(st.Failed(), (std::vector<int>{1, 2}));
  EXPECT_NE(st.source.find("accounting is off"), std::string::npos);

  calls.clear();
  const JobSubmission re = ResubmitFailedShards(p, job, st, fake);
  ASSERT_GE(calls.size(), 3u);
  EXPECT_EQ(calls[0], (std::vector<std::string>{"scancel", "42"}));
  EXPECT_EQ(calls[1][2], "--array=1,2");
  EXPECT_EQ(re.shards, (std::vector<int>{1, 2}));
  EXPECT_EQ(LoadClusterJob(p, "").submissions.size(), 2u);
}

TEST(Cluster, ArrayScriptRunsAsAKubernetesIndexedJob) {
  TempDir dir;
  const fs::path p = fs::absolute(MakeSample(dir, 2, 6));
  const auto r = RunCli({"cluster", "submit", p.string(), "--slurm", "--shards", "2", "--dry-run",
                         "--progress", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path job = OnlyJob(p);
  // What a pod of an Indexed Job runs: the script with JOB_COMPLETION_INDEX, no Slurm variable.
  const auto task =
      RunProgram("env", {"-u", "SLURM_ARRAY_TASK_ID", "-u", "SLURM_JOB_ID",
                         "JOB_COMPLETION_INDEX=1", "bash", (job / "shards.sbatch").string()});
  ASSERT_EQ(task.exit_code, 0) << task.out << task.err;
  EXPECT_TRUE(fs::exists(ExchangeCache::ShardFile(p, 1, 2)));
  EXPECT_FALSE(fs::exists(ExchangeCache::ShardFile(p, 0, 2)));
  EXPECT_NE(ReadText(job / "tasks" / "shard-1.state").find("state=done"), std::string::npos);
  EXPECT_TRUE(fs::exists(p / "episodes" / "episode_001" / "saliency.json"));
  EXPECT_FALSE(fs::exists(p / "episodes" / "episode_000" / "saliency.json"));
  const auto none = RunProgram("env", {"-u", "SLURM_ARRAY_TASK_ID", "-u", "JOB_COMPLETION_INDEX",
                                       "bash", (job / "shards.sbatch").string()});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("JOB_COMPLETION_INDEX"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace autofocus
