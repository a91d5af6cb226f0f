// Multi-process training over c10d Gloo (core/train/distributed.h): the rendezvous variables,
// Slurm hostlists, batch slices, an unreachable master, and real 2-process runs of
// autofocus-train on loopback compared with a single process on the same global batch.
#include "core/train/distributed.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <torch/script.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/train/losses.h"
#include "core/train/models.h"
#include "core/train/run_registry.h"
#include "tests/support/test_support.h"
#include "tests/train/train_test_support.h"

extern char** environ;

namespace autofocus {
namespace {

using testing::TempDir;
using Env = std::map<std::string, std::string>;

EnvLookup Lookup(const Env& env) {
  return [env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

// The variable an Error names ("" when the call did not throw).
std::string FailingVariable(const Env& env) {
  try {
    RendezvousFromEnvironment(Lookup(env));
  } catch (const Error& e) {
    return e.where();
  }
  return "";
}

TEST(TrainDistributed, RendezvousFromTorchrunAndSlurmVariables) {
  Rendezvous r = RendezvousFromEnvironment(Lookup({}));
  EXPECT_EQ(r.source, "none");
  EXPECT_EQ(r.world_size, 1);
  EXPECT_FALSE(r.multi());

  r = RendezvousFromEnvironment(Lookup({{"MASTER_ADDR", "10.0.0.5"},
                                        {"MASTER_PORT", "12345"},
                                        {"RANK", "3"},
                                        {"WORLD_SIZE", "4"},
                                        {"LOCAL_RANK", "1"},
                                        {"GLOO_SOCKET_IFNAME", "eth0"},
                                        {"AUTOFOCUS_DIST_TIMEOUT", "2.5"}}));
  EXPECT_EQ(r.source, "torchrun");
  EXPECT_EQ(r.rank, 3);
  EXPECT_EQ(r.world_size, 4);
  EXPECT_EQ(r.local_rank, 1);
  EXPECT_EQ(r.master_addr, "10.0.0.5");
  EXPECT_EQ(r.master_port, 12345);
  EXPECT_EQ(r.ifname, "eth0");
  EXPECT_EQ(r.timeout_seconds, 2.5);
  EXPECT_EQ(r.ToJson()["world_size"], 4);
  EXPECT_EQ(r.ToJson()["rendezvous"], "torchrun");

  // Slurm: rank and size from srun, rank 0's host = the first of the node list, default port.
  const Env slurm = {{"SLURM_PROCID", "1"},
                     {"SLURM_NTASKS", "4"},
                     {"SLURM_LOCALID", "1"},
                     {"SLURM_JOB_NODELIST", "gpu[07-08],login"}};
  r = RendezvousFromEnvironment(Lookup(slurm));
  EXPECT_EQ(r.source, "slurm");
  EXPECT_EQ(r.rank, 1);
  EXPECT_EQ(r.world_size, 4);
  EXPECT_EQ(r.local_rank, 1);
  EXPECT_EQ(r.master_addr, "gpu07");
  EXPECT_EQ(r.master_port, kDefaultMasterPort);
  EXPECT_EQ(r.timeout_seconds, kDefaultDistTimeoutSeconds);
  Env with = slurm;
  with["MASTER_ADDR"] = "head";
  with["MASTER_PORT"] = "4000";
  r = RendezvousFromEnvironment(Lookup(with));
  EXPECT_EQ(r.source, "slurm");
  EXPECT_EQ(r.master_addr, "head");
  EXPECT_EQ(r.master_port, 4000);
  // torchrun's variables win when both are set.
  with["RANK"] = "0";
  with["WORLD_SIZE"] = "2";
  r = RendezvousFromEnvironment(Lookup(with));
  EXPECT_EQ(r.source, "torchrun");
  EXPECT_EQ(r.rank, 0);
  EXPECT_EQ(r.world_size, 2);
  // --dist off / AUTOFOCUS_DIST=off ignores everything.
  with["AUTOFOCUS_DIST"] = "off";
  EXPECT_FALSE(RendezvousFromEnvironment(Lookup(with)).multi());
  // A single task is one process, no master needed.
  r = RendezvousFromEnvironment(Lookup({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}}));
  EXPECT_EQ(r.source, "slurm");
  EXPECT_FALSE(r.multi());

  // Errors name the variable.
  EXPECT_EQ(FailingVariable({{"RANK", "0"}}), "WORLD_SIZE");
  EXPECT_EQ(FailingVariable({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}}), "RANK");
  EXPECT_EQ(FailingVariable({{"RANK", "x"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}}), "RANK");
  EXPECT_EQ(FailingVariable({{"RANK", "0"}, {"WORLD_SIZE", "2"}}), "MASTER_ADDR");
  EXPECT_EQ(
      FailingVariable(
          {{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "70000"}}),
      "MASTER_PORT");
  EXPECT_EQ(FailingVariable({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}}), "SLURM_JOB_NODELIST");
  EXPECT_EQ(FailingVariable({{"SLURM_NTASKS", "2"}}), "SLURM_PROCID");
  EXPECT_EQ(FailingVariable({{"AUTOFOCUS_DIST", "on"}}), "AUTOFOCUS_DIST");
  EXPECT_EQ(FailingVariable({{"AUTOFOCUS_DIST_TIMEOUT", "soon"}}), "AUTOFOCUS_DIST_TIMEOUT");
  EXPECT_EQ(FailingVariable({{"AUTOFOCUS_DIST_TIMEOUT", "0"}}), "AUTOFOCUS_DIST_TIMEOUT");
}

TEST(TrainDistributed, ExpandsSlurmHostlistsLikeScontrol) {
  using V = std::vector<std::string>;
  EXPECT_EQ(ExpandSlurmHostlist("node[01-04],other"),
            (V{"node01", "node02", "node03", "node04", "other"}));
  EXPECT_EQ(ExpandSlurmHostlist("localhost"), (V{"localhost"}));
  EXPECT_EQ(ExpandSlurmHostlist("a[1,3-4]b"), (V{"a1b", "a3b", "a4b"}));
  EXPECT_EQ(ExpandSlurmHostlist("gpu[9-11]"), (V{"gpu9", "gpu10", "gpu11"}));
  EXPECT_EQ(ExpandSlurmHostlist("r[1-2]-n[08-09]"), (V{"r1-n08", "r1-n09", "r2-n08", "r2-n09"}));
  EXPECT_EQ(ExpandSlurmHostlist("x1,y[002]"), (V{"x1", "y002"}));
  for (const char* bad : {"n[3-1]", "n[1-2", "n1-2]", "n[a]", "n[]", "n[[1]]", ""}) {
    try {
      ExpandSlurmHostlist(bad);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const Error& e) {
      EXPECT_EQ(e.where(), "SLURM_JOB_NODELIST") << bad;
    }
  }
}

TEST(TrainDistributed, BatchSlicesAreContiguousAndCoverTheBatch) {
  for (int world = 1; world <= 4; ++world) {
    for (size_t n = 0; n <= 20; ++n) {
      size_t next = 0, smallest = n, largest = 0;
      for (int r = 0; r < world; ++r) {
        const auto [lo, hi] = ShardSlice(n, r, world);
        EXPECT_EQ(lo, next) << n << " over " << world;
        next = hi;
        smallest = std::min(smallest, hi - lo);
        largest = std::max(largest, hi - lo);
      }
      EXPECT_EQ(next, n);
      EXPECT_LE(largest - smallest, 1u);
    }
  }
}

using testing::FreeLoopbackPort;

TEST(TrainDistributed, RankThatCannotReachTheMasterFailsWithinTheTimeout) {
  Rendezvous r;
  r.source = "torchrun";
  r.rank = 1;
  r.world_size = 2;
  r.master_addr = "127.0.0.1";
  r.master_port = FreeLoopbackPort();  // nobody serves it
  r.timeout_seconds = 2;
  try {
    DataParallel dp(r);
    FAIL() << "joined a run without a master";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "MASTER_ADDR");
    const std::string what = e.what();
    EXPECT_NE(what.find("127.0.0.1:" + std::to_string(r.master_port)), std::string::npos) << what;
    EXPECT_NE(what.find("within 2 s"), std::string::npos) << what;
    EXPECT_NE(what.find("AUTOFOCUS_DIST_TIMEOUT"), std::string::npos) << what;
  }
  // Rank 0 whose peers never come gives up as well.
  r.rank = 0;
  r.timeout_seconds = 1;
  try {
    DataParallel dp(r);
    FAIL() << "rank 0 formed a group alone";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("did not join"), std::string::npos) << what;
    EXPECT_NE(what.find("within 1 s"), std::string::npos) << what;
  }
}

// The loop's loss on a batch (bc + lambda x the regulariser averaged over regularised samples),
// here on one rank's slice, weighted by DataParallel::Loss.
struct StepResult {
  std::vector<torch::Tensor> grads;  // after the all-reduce
  StepTotals totals;                 // the step's totals as the loop records them
};

StepResult Step(DataParallel& dp, GabrilCnn& model, const torch::Tensor& obs,
                const torch::Tensor& act, const torch::Tensor& target, const torch::Tensor& mask,
                bool stop) {
  const double lambda = 10;
  model->zero_grad();
  auto z = model->Encode(obs);
  auto bc = torch::mse_loss(model->Head(z), act);
  const double n_reg = mask.sum().item<double>();
  torch::Tensor reg = torch::zeros({}, torch::kFloat32);
  if (n_reg > 0) reg = (GabrilMsePerSample(z, target, 50) * mask).sum() / n_reg;
  const StepShare share = dp.Share(obs.size(0), n_reg);
  auto loss = dp.Loss(bc, lambda, reg, share);
  loss.backward();
  dp.AllReduceGradients(*model);
  StepResult r;
  for (const auto& p : model->parameters()) r.grads.push_back(p.grad().clone());
  r.totals = dp.Totals(share, loss, bc, reg, stop);
  return r;
}

TEST(TrainDistributed, SummedShardGradientsEqualTheWholeBatchGradient) {
  // Two ranks as two threads of this process: one step on slices of a global batch against
  // one process on the whole batch. Global batch 7 (slices 3 + 4) and 1 (rank 0's slice empty);
  // the regularised counts differ between the slices.
  torch::set_num_threads(1);
  Rendezvous r;
  r.source = "torchrun";
  r.world_size = 2;
  r.master_addr = "127.0.0.1";
  r.master_port = FreeLoopbackPort();
  r.timeout_seconds = 60;
  torch::manual_seed(5);
  GabrilCnn single(2, 36, 64, 3), ranks[2] = {GabrilCnn(2, 36, 64, 3), GabrilCnn(2, 36, 64, 3)};
  single->Initialise();
  {
    torch::NoGradGuard guard;
    for (auto& m : ranks) {
      for (auto& p : m->parameters())
        p.normal_();  // anything: rank 0's broadcast must overwrite it
    }
  }
  std::vector<torch::Tensor> p0 = ranks[0]->parameters();
  {
    torch::NoGradGuard guard;
    for (size_t i = 0; i < p0.size(); ++i) p0[i].copy_(single->parameters()[i]);
  }
  Rendezvous solo;  // one process: every hook is the identity
  DataParallel one(solo);
  for (int64_t n : {7, 1}) {
    auto obs = torch::rand({n, 2, 36, 64});
    auto act = torch::rand({n, 3});
    auto target = torch::rand({n, 36, 64});
    auto mask = n == 7 ? torch::tensor({1.f, 0.f, 1.f, 1.f, 0.f, 0.f, 1.f}) : torch::ones({1});
    const StepResult whole = Step(one, single, obs, act, target, mask, false);
    StepResult part[2];
    std::string failure[2];
    auto run = [&](int rank) {
      try {
        Rendezvous me = r;
        me.rank = rank;
        DataParallel dp(me);
        dp.BroadcastParameters(*ranks[rank]);
        const auto [lo, hi] = ShardSlice(static_cast<size_t>(n), rank, 2);
        auto s = [&](const torch::Tensor& t) {
          return t.slice(0, static_cast<int64_t>(lo), static_cast<int64_t>(hi));
        };
        part[rank] = Step(dp, ranks[rank], s(obs), s(act), s(target), s(mask), /*stop=*/rank == 1);
      } catch (const std::exception& e) {
        failure[rank] = e.what();
      }
    };
    std::thread other(run, 1);
    run(0);
    other.join();
    ASSERT_EQ(failure[0], "");
    ASSERT_EQ(failure[1], "");
    r.master_port = FreeLoopbackPort();  // the next step joins a fresh group
    double worst = 0, scale = 0;
    for (size_t i = 0; i < whole.grads.size(); ++i) {
      for (const auto& p : part) {
        worst = std::max(worst, (p.grads[i] - whole.grads[i]).abs().max().item<double>());
      }
      EXPECT_TRUE(torch::equal(part[0].grads[i], part[1].grads[i]));  // every rank steps alike
      scale = std::max(scale, whole.grads[i].abs().max().item<double>());
    }
    std::printf(
        "global batch %lld: max |summed shard gradient - whole-batch gradient| %.3g (max "
        "|gradient| %.3g)\n",
        static_cast<long long>(n), worst, scale);
    EXPECT_LT(worst, 1e-5 * scale);
    for (const auto& p : part) {
      EXPECT_NEAR(p.totals.loss, whole.totals.loss, 1e-5 * whole.totals.loss);
      EXPECT_NEAR(p.totals.bc, whole.totals.bc, 1e-5 * whole.totals.bc);
      EXPECT_NEAR(p.totals.reg, whole.totals.reg, 1e-5 * whole.totals.reg);
      EXPECT_EQ(p.totals.samples, static_cast<double>(n));
      EXPECT_EQ(p.totals.regularised, mask.sum().item<double>());
      EXPECT_TRUE(p.totals.stop);  // rank 1 asked: both stop
    }
    {
      torch::NoGradGuard guard;  // the next step starts from the same parameters again
      for (auto& m : ranks) {
        for (size_t i = 0; i < p0.size(); ++i) m->parameters()[i].copy_(single->parameters()[i]);
      }
    }
  }
}

// ---- real processes ------------------------------------------------------------------------

std::string TrainProgram() {
  return (std::filesystem::path(AUTOFOCUS_CLI_PATH).parent_path() / "autofocus-train").string();
}

// 40 training samples in global batches of 13: 4 steps per epoch, 20 in 5 epochs; each rank
// gets 6 or 7 samples, and the last batch (1 sample) leaves rank 0 an empty slice. Half of the
// frames are regularised, so the ranks' regularised counts differ.
// The learning rate is small on purpose: Adam divides every gradient component by its own RMS,
// so a component whose gradient is at rounding level moves by a good part of lr per step in
// whichever direction the rounding says. Two summation orders of the same batch (two ranks, or
// one process on 1 vs 2 threads alike) therefore drift apart by about lr x a few steps wherever
// such components exist (measured: 2e-4..9e-4 after 20 steps at lr 1e-4, 1 vs 2 threads, same
// process); at lr 1e-5 with the default seed the drift is ~3e-7.
std::vector<std::string> TinyRun(const std::string& name) {
  return {SampleProject().string(),
          "--name",
          name,
          "--regularizer",
          "gabril_mse",
          "--fraction",
          "0.5",
          "--input-size",
          "72x128",
          "--epochs",
          "5",
          "--batch",
          "13",
          "--threads",
          "1",
          "--val-fraction",
          "0.34",
          "--lr",
          "1e-5",
          "--progress",
          "none",
          "--dist-timeout",
          "120"};
}

// A started autofocus-train process; stdout to a pipe (when asked) or a file, stderr to a file.
struct Child {
  pid_t pid = -1;
  int out = -1;               // read end of stdout when piped
  std::filesystem::path log;  // stdout (unless piped) and stderr
};

Child Start(const std::vector<std::string>& args, const Env& extra,
            const std::filesystem::path& log, bool pipe_stdout = false) {
  // The child's environment: ours without any launcher variable, plus `extra`.
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e, key = kv.substr(0, kv.find('='));
    if (key.rfind("SLURM_", 0) == 0 || key == "RANK" || key == "WORLD_SIZE" ||
        key == "LOCAL_RANK" || key == "MASTER_ADDR" || key == "MASTER_PORT" ||
        key == "GLOO_SOCKET_IFNAME" || key.rfind("AUTOFOCUS_DIST", 0) == 0) {
      continue;
    }
    env.push_back(kv);
  }
  for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
  const std::string program = TrainProgram();
  std::vector<char*> argv = {const_cast<char*>(program.c_str())}, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& kv : env) envp.push_back(kv.data());
  envp.push_back(nullptr);
  int fds[2] = {-1, -1};
  if (pipe_stdout) {
    EXPECT_EQ(::pipe(fds), 0);
  }
  Child c;
  c.log = log;
  c.pid = ::fork();
  if (c.pid == 0) {
    const int file = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(pipe_stdout ? fds[1] : file, 1);
    ::dup2(file, 2);
    if (pipe_stdout) ::close(fds[0]);
    ::execve(program.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  if (pipe_stdout) {
    ::close(fds[1]);
    c.out = fds[0];
  }
  return c;
}

// Waits for the child; its exit code (128 + signal when killed).
int Finish(Child& c) {
  if (c.out >= 0) {
    char buf[4096];
    while (::read(c.out, buf, sizeof buf) > 0) {
    }
    ::close(c.out);
    c.out = -1;
  }
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Env Torchrun(int rank, int port) {
  return {{"MASTER_ADDR", "127.0.0.1"},
          {"MASTER_PORT", std::to_string(port)},
          {"RANK", std::to_string(rank)},
          {"WORLD_SIZE", "2"}};
}

// Runs both ranks to the end; expects exit code 0 from each.
void RunPair(const std::vector<std::string>& args, const Env& env0, const Env& env1,
             const TempDir& logs, const std::string& tag) {
  Child r0 = Start(args, env0, logs / (tag + "-rank0.log"));
  Child r1 = Start(args, env1, logs / (tag + "-rank1.log"));
  const int e0 = Finish(r0), e1 = Finish(r1);
  EXPECT_EQ(e0, 0) << Slurp(r0.log);
  EXPECT_EQ(e1, 0) << Slurp(r1.log);
}

// The single-process reference run (same options, no launcher variables), made once.
const std::filesystem::path& SingleProcessRun() {
  static const std::filesystem::path dir = [] {
    TempDir logs;
    Child c = Start(TinyRun("single"), {}, logs / "single.log");
    EXPECT_EQ(Finish(c), 0) << Slurp(c.log);
    return RunDirectory(SampleProject(), "single");
  }();
  return dir;
}

TEST(TrainDistributed, TwoProcessesOnLoopbackEqualOneProcessWithTheSameGlobalBatch) {
  const auto single = SingleProcessRun();
  ASSERT_TRUE(std::filesystem::exists(single / "policy.pt"));
  TempDir logs;
  const int port = FreeLoopbackPort();
  RunPair(TinyRun("pair"), Torchrun(0, port), Torchrun(1, port), logs, "pair");
  const auto dir = RunDirectory(SampleProject(), "pair");
  ASSERT_TRUE(std::filesystem::exists(dir / "policy.pt"));
  const double diff = MaxParameterDifference(single / "policy.pt", dir / "policy.pt");
  std::printf("max |parameter difference|, 2 processes vs 1, after 20 steps: %.3g\n", diff);
  RecordProperty("max_parameter_difference", std::to_string(diff));
  EXPECT_LT(diff, 1e-5);
  // For scale (no assertion): the same single-process run on 2 threads, another summation order.
  {
    auto args = TinyRun("single-2threads");
    *(std::find(args.begin(), args.end(), "--threads") + 1) = "2";
    Child c = Start(args, {}, logs / "single-2threads.log");
    if (Finish(c) == 0) {
      std::printf(
          "for scale, 1 process on 1 vs 2 threads: %.3g\n",
          MaxParameterDifference(single / "policy.pt",
                                 RunDirectory(SampleProject(), "single-2threads") / "policy.pt"));
    }
  }

  const Json run = LoadJsonFile(dir / "run.json");
  EXPECT_EQ(run["status"], "completed");
  EXPECT_EQ(run["steps"], 20);
  ASSERT_EQ(run["sessions"].size(), 1u);
  EXPECT_EQ(run["sessions"][0]["distributed"]["world_size"], 2);
  EXPECT_EQ(run["sessions"][0]["distributed"]["rendezvous"], "torchrun");
  EXPECT_EQ(LoadJsonFile(single / "run.json")["sessions"][0]["distributed"]["world_size"], 1);
  // Rank 0 alone writes: one metrics record per epoch, and they match the single process's.
  const auto m1 = ReadMetrics(single / "metrics.jsonl"), m2 = ReadMetrics(dir / "metrics.jsonl");
  ASSERT_EQ(m1.size(), 5u);
  ASSERT_EQ(m2.size(), 5u);
  for (size_t i = 0; i < m1.size(); ++i) {
    for (const char* k : {"loss", "bc", "reg", "val_bc"}) {
      const double a = m1[i][k].get<double>(), b = m2[i][k].get<double>();
      EXPECT_NEAR(a, b, 1e-5 * std::max(1.0, std::abs(a))) << k << " epoch " << i + 1;
    }
  }
}

TEST(TrainDistributed, StopOnOneRankStopsBothAtTheSameStepAndTheRunResumes) {
  const auto single = SingleProcessRun();
  TempDir logs;
  // Slurm-style variables this time, with Gloo bound to the loopback interface by name.
  const int port = FreeLoopbackPort();
  auto slurm = [&](int rank) {
    return Env{{"SLURM_PROCID", std::to_string(rank)},  {"SLURM_NTASKS", "2"},
               {"SLURM_LOCALID", std::to_string(rank)}, {"SLURM_JOB_NODELIST", "localhost"},
               {"MASTER_PORT", std::to_string(port)},   {"GLOO_SOCKET_IFNAME", "lo"}};
  };
  auto args = TinyRun("stopped");
  *(std::find(args.begin(), args.end(), "--progress") + 1) =
      "json";  // rank 0's first line: the loop runs
  Child r0 = Start(args, slurm(0), logs / "rank0.log", /*pipe_stdout=*/true);
  Child r1 = Start(TinyRun("stopped"), slurm(1), logs / "rank1.log");
  std::string text;
  char buf[256];
  while (text.find("\"stage\"") == std::string::npos) {
    const ssize_t n = ::read(r0.out, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  // The ranks run in lock-step (every step has collectives), so rank 1 is within a step of rank
  // 0's first one: a SIGTERM there must stop both, long before the 20 steps are done.
  ::kill(r1.pid, SIGTERM);
  const int e0 = Finish(r0), e1 = Finish(r1);
  EXPECT_EQ(e1, 128 + SIGTERM) << Slurp(r1.log);
  EXPECT_EQ(e0, 0) << text << Slurp(r0.log);
  const auto dir = RunDirectory(SampleProject(), "stopped");
  const Json run = LoadJsonFile(dir / "run.json");
  EXPECT_EQ(run["status"], "stopped");
  EXPECT_EQ(run["sessions"][0]["distributed"]["rendezvous"], "slurm");
  ASSERT_LT(run["steps"].get<int>(), 20);
  EXPECT_TRUE(std::filesystem::exists(dir / "last.ckpt"));
  EXPECT_FALSE(std::filesystem::exists(dir / "policy.pt"));

  // Resumed with two processes (torchrun variables): the same parameters as one process.
  const int port2 = FreeLoopbackPort();
  const std::vector<std::string> resume = {
      SampleProject().string(), "--resume", "stopped", "--threads", "1", "--progress", "none",
      "--dist-timeout",         "120"};
  RunPair(resume, Torchrun(0, port2), Torchrun(1, port2), logs, "resume");
  const Json done = LoadJsonFile(dir / "run.json");
  EXPECT_EQ(done["status"], "completed");
  EXPECT_EQ(done["steps"], 20);
  EXPECT_EQ(done["sessions"].size(), 2u);
  ASSERT_TRUE(std::filesystem::exists(dir / "policy.pt"));
  const double diff = MaxParameterDifference(single / "policy.pt", dir / "policy.pt");
  std::printf(
      "max |parameter difference|, stopped at step %d + resumed on 2 processes vs 1: %.3g\n",
      run["steps"].get<int>(), diff);
  EXPECT_LT(diff, 1e-5);
  EXPECT_EQ(ReadMetrics(dir / "metrics.jsonl").size(), 5u);
}

}  // namespace
}  // namespace autofocus
