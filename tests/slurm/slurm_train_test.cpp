// Gloo data-parallel training under a real Slurm (tests/slurm/slurm_cluster.h): the script of
// `autofocus cluster submit --train` starts 2 ranks with srun, and they end with the parameters
// of one process on the same global batch (the comparison of tests/train/distributed_test.cpp).
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "core/base/json_io.h"
#include "core/train/run_registry.h"
#include "tests/slurm/slurm_cluster.h"
#include "tests/support/test_support.h"
#include "tests/train/train_test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::SlurmCluster;

// 40 training samples in global batches of 13 (4 steps per epoch, 8 in all); each rank gets 6
// or 7 samples. The small learning rate keeps Adam's rounding drift at ~1e-7
// (distributed_test.cpp explains why).
std::vector<std::string> TinyTrainFlags() {
  return {"--regularizer",  "gabril_mse", "--fraction", "0.5",  "--input-size", "72x128",
          "--epochs",       "2",          "--batch",    "13",   "--threads",    "1",
          "--val-fraction", "0.34",       "--lr",       "1e-5", "--progress",   "none",
          "--dist-timeout", "120"};
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The slurm job ID of a job folder's newest submission, and its logs.
std::string LastSlurmJob(const fs::path& job_dir) {
  return LoadJsonFile(job_dir / "job.json")["submissions"].back()["job_id"];
}
std::string Logs(const fs::path& job_dir) {
  std::string logs;
  for (const auto& f : testing::ListDir(job_dir / "logs")) {
    logs += RunProgram("cat", {(job_dir / "logs" / f).string()}).out;
  }
  return logs;
}

// A cluster per test and the single-process reference run every comparison needs.
class SlurmTrain : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string why = SlurmCluster::Unavailable();
    if (!why.empty()) GTEST_SKIP() << why;
    // A project of this test's own (3 episodes x 20 frames, annotated by the oracle), removed
    // with the fixture; the process-wide SmallSampleProject() folder was seen left in /tmp by
    // this LibTorch-linked program.
    project_ = dir_ / "P";
    const auto demo = RunCli({"demo", "--out", project_.string(), "--episodes", "3", "--frames",
                              "20", "--progress", "none"});
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    cluster_ = std::make_unique<SlurmCluster>();
    const auto one = RunCli(Concat(
        {"train", project_.string(), "--name", "single", "--dist", "off"}, TinyTrainFlags()));
    ASSERT_EQ(one.exit_code, 0) << one.out << one.err;
  }
  void TearDown() override { cluster_.reset(); }
  // The parameters' largest difference from the single-process run's.
  double DifferenceFromSingle(const std::string& name) const {
    return MaxParameterDifference(RunDirectory(project_, "single") / "policy.pt",
                                  RunDirectory(project_, name) / "policy.pt");
  }

  testing::TempDir dir_;  // holds the project
  fs::path project_;      // the annotated sample project
  std::unique_ptr<SlurmCluster> cluster_;
};

TEST_F(SlurmTrain, TwoRanksUnderSrunEqualOneProcess) {
  const fs::path& project = project_;

  const auto sub = RunCli(Concat({"cluster", "submit", project.string(), "--train", "--nodes", "1",
                                  "--ntasks-per-node", "2", "--name", "dp", "--wait"},
                                 TinyTrainFlags()));
  const auto jobs = testing::ListDir(project / "jobs");
  ASSERT_FALSE(jobs.empty());
  const fs::path job_dir = project / "jobs" / jobs.back();
  const std::string logs = Logs(job_dir);
  ASSERT_EQ(sub.exit_code, 0) << sub.out << sub.err << logs;

  const fs::path dir = RunDirectory(project, "dp");
  ASSERT_TRUE(fs::exists(dir / "policy.pt")) << logs;
  const Json run = LoadJsonFile(dir / "run.json");
  EXPECT_EQ(run["status"], "completed");
  ASSERT_EQ(run["sessions"].size(), 1u);
  EXPECT_EQ(run["sessions"][0]["distributed"]["world_size"], 2);
  EXPECT_EQ(run["sessions"][0]["distributed"]["master_addr"], "localhost")
      << run["sessions"][0].dump();
  const double diff = DifferenceFromSingle("dp");
  std::printf("max |parameter difference|, 2 ranks under srun vs 1 process, after 8 steps: %.3g\n",
              diff);
  RecordProperty("max_parameter_difference", std::to_string(diff));
  EXPECT_LT(diff, 1e-5);
  EXPECT_NE(logs.find("2 rank(s), master localhost:"), std::string::npos) << logs;

  // Started again (a requeue, or sbatch by hand), the script leaves a completed run alone.
  const auto again =
      RunProgram("sbatch", {"--parsable", "--wait", (job_dir / "train.sbatch").string()});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(LoadJsonFile(dir / "run.json")["sessions"].size(), 1u);

  const auto st = RunCli({"cluster", "status", project.string(), "--job", jobs.back(), "--json"});
  ASSERT_EQ(st.exit_code, 0) << st.err;
  const Json status = ParseJsonText(st.out, "status");
  EXPECT_EQ(status["run_status"], "completed");
  EXPECT_EQ(status["run_steps"], 8);
}

TEST_F(SlurmTrain, StoppedRunResumesFromItsCheckpointWhenSlurmRequeuesTheJob) {
  const fs::path& project = project_;

  // The first session stops after 3 of 8 steps (as a preempted job would, resumably).
  const auto sub =
      RunCli(Concat({"cluster", "submit", project.string(), "--train", "--ntasks-per-node", "2",
                     "--name", "rq", "--requeue", "--wait", "--max-steps", "3"},
                    TinyTrainFlags()));
  const auto jobs = testing::ListDir(project / "jobs");
  ASSERT_FALSE(jobs.empty());
  const fs::path job_dir = project / "jobs" / jobs.back();
  ASSERT_EQ(sub.exit_code, 0) << sub.out << sub.err << Logs(job_dir);
  const fs::path dir = RunDirectory(project, "rq");
  Json run = LoadJsonFile(dir / "run.json");
  ASSERT_EQ(run["status"], "stopped") << Logs(job_dir);
  EXPECT_EQ(run["steps"], 3);
  ASSERT_TRUE(fs::exists(dir / "last.ckpt"));

  // Requeued (what Slurm does after a preemption with --requeue), the same script resumes.
  const std::string id = LastSlurmJob(job_dir);
  const auto requeue = RunProgram("scontrol", {"requeue", id});
  ASSERT_EQ(requeue.exit_code, 0) << requeue.err;
  // Slurm holds a requeued job back for its fixed requeue delay (121 s): release it now.
  const auto release = RunProgram("scontrol", {"update", "JobId=" + id, "StartTime=now"});
  ASSERT_EQ(release.exit_code, 0) << release.err;
  ASSERT_TRUE(cluster_->WaitForEmptyQueue(180)) << Logs(job_dir);
  run = LoadJsonFile(dir / "run.json");
  EXPECT_EQ(run["status"], "completed") << Logs(job_dir);
  EXPECT_EQ(run["steps"], 8);
  EXPECT_EQ(run["sessions"].size(), 2u);
  EXPECT_NE(Logs(job_dir).find("resuming runs/rq from its last checkpoint (restart 1)"),
            std::string::npos)
      << Logs(job_dir);
  ASSERT_TRUE(fs::exists(dir / "policy.pt"));
  const double diff = DifferenceFromSingle("rq");
  std::printf(
      "max |parameter difference|, 3 steps + requeued resume on 2 ranks vs 1 process: %.3g\n",
      diff);
  EXPECT_LT(diff, 1e-5);
}

}  // namespace
}  // namespace autofocus
