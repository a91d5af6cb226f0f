// core/train: model shapes, regularisers against hand-computed values, the l1_outside adjoint,
// the fraction mask, the dataset, a tiny run, resume equality, policy export (C++ and Python)
// and the CLI. Inputs are small so the suite runs in seconds.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/base/npy.h"
#include "core/train/losses.h"
#include "core/train/models.h"
#include "core/train/run_registry.h"
#include "core/train/train_data.h"
#include "core/train/trainer.h"
#include "tests/support/test_support.h"
#include "tests/train/train_test_support.h"

namespace autofocus {
namespace {

using testing::RunCli;
using testing::RunProgram;
using testing::TempDir;

TEST(TrainModel, ShapesAndParameterCountAtReferenceSize) {
  torch::manual_seed(0);
  GabrilCnn m(2, 180, 320, 7);
  // Encoder 1,009,184 + Linear(48640,256) 12,452,096 + Linear(256,256) 65,792 + Linear(256,7)
  // 1,799.
  EXPECT_EQ(CountParameters(*m), 13528871);
  EXPECT_EQ(m->fc1->weight.numel(), 48640 * 256);
  auto x = torch::rand({1, 2, 180, 320});
  auto z = m->Encode(x);
  EXPECT_EQ(z.sizes(), (std::vector<int64_t>{1, 64, 20, 38}));
  EXPECT_EQ(m->Head(z).sizes(), (std::vector<int64_t>{1, 7}));
  EXPECT_EQ(GabrilFeatureSize(90, 160), (std::pair<int, int>{9, 18}));
  GabrilCnn small(2, 90, 160, 3);
  EXPECT_EQ(small->Encode(torch::rand({2, 2, 90, 160})).sizes(),
            (std::vector<int64_t>{2, 64, 9, 18}));
}

TEST(TrainModel, OrthogonalInitialisationAndZeroBias) {
  torch::manual_seed(0);
  GabrilCnn m(2, 72, 128, 3);
  m->Initialise();
  // fc2 is square: W W^T = I (gain 1); conv2 rows: W W^T = 2 I (gain sqrt 2).
  auto w = m->fc2->weight;
  EXPECT_LT((torch::matmul(w, w.t()) - torch::eye(256)).abs().max().item<double>(), 1e-4);
  auto c = m->conv2->weight.reshape({64, -1});
  EXPECT_LT((torch::matmul(c, c.t()) - 2 * torch::eye(64)).abs().max().item<double>(), 1e-4);
  EXPECT_EQ(m->conv1->bias.abs().sum().item<double>(), 0.0);
  EXPECT_EQ(m->fc3->bias.abs().sum().item<double>(), 0.0);
}

TEST(TrainRegularizer, GabrilMseMatchesHandComputation) {
  // z [1, 2, 2, 3]; at the same size bicubic upsampling is the identity.
  auto z = torch::tensor({1.0, -2.0, 0.5, 3.0, 0.0, -1.0, 2.0, 1.0, -0.5, 0.0, 1.0, 4.0},
                         torch::kFloat64)
               .reshape({1, 2, 2, 3});
  auto target = torch::tensor({0.0, 1.0, 0.0, 0.5, 0.0, 1.0}, torch::kFloat64).reshape({1, 2, 3});
  const double beta = 2.0;
  // s = sum_c |z| per cell = {3, 3, 1, 3, 1, 5}; softmax of s / beta; min-max; MSE.
  const double s[6] = {3, 3, 1, 3, 1, 5};
  double e[6], sum = 0;
  for (int i = 0; i < 6; ++i) sum += e[i] = std::exp(s[i] / beta);
  double mn = 1e9, mx = -1e9;
  for (double& v : e) {
    v /= sum;
    mn = std::min(mn, v);
    mx = std::max(mx, v);
  }
  const double t[6] = {0, 1, 0, 0.5, 0, 1};
  double mse = 0;
  for (int i = 0; i < 6; ++i) mse += std::pow((e[i] - mn) / (mx - mn) - t[i], 2) / 6;
  EXPECT_NEAR(GabrilMsePerSample(z, target, beta).item<double>(), mse, 1e-12);
  // Upsampled to the input the map is still min-max normalised.
  auto a = GabrilAttention(z, 8, 12, beta);
  EXPECT_NEAR(a.min().item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(a.max().item<double>(), 1.0, 1e-12);
}

TEST(TrainRegularizer, L1OutsideMatchesHandComputation) {
  // |z| = [1, 3] on a 1x2 grid, upsampled bilinearly to 1x4: [1, 1.5, 2.5, 3].
  auto z = torch::tensor({-1.0, 3.0}, torch::kFloat64).reshape({1, 1, 1, 2});
  auto target = torch::tensor({0.0, 1.0, 0.5, 0.0}, torch::kFloat64).reshape({1, 1, 4});
  // F (1 - S) = [1, 0, 1.25, 3], mean 1.3125.
  EXPECT_NEAR(L1OutsidePerSample(z, target).item<double>(), 1.3125, 1e-12);
  EXPECT_NEAR(L1OutsideNaivePerSample(z, target).item<double>(), 1.3125, 1e-12);
}

TEST(TrainRegularizer, L1OutsideAdjointEqualsNaiveValueAndGradient) {
  torch::manual_seed(3);
  for (auto [h, w, H, W] :
       {std::array<int, 4>{9, 18, 90, 160}, std::array<int, 4>{20, 38, 180, 320},
        std::array<int, 4>{5, 7, 13, 29}}) {
    auto z = torch::randn({3, 64, h, w}, torch::kFloat64).requires_grad_(true);
    auto target = torch::rand({3, H, W}, torch::kFloat64);
    auto fast = L1OutsidePerSample(z, target);
    auto naive = L1OutsideNaivePerSample(z, target);
    EXPECT_LT((fast - naive).abs().max().item<double>(), 1e-5)
        << h << "x" << w << " -> " << H << "x" << W;
    auto g1 = torch::autograd::grad({fast.sum()}, {z})[0];
    auto g2 = torch::autograd::grad({naive.sum()}, {z})[0];
    EXPECT_LT((g1 - g2).abs().max().item<double>(), 1e-8);
  }
  // In float32 (what training uses) within 1e-5 relative.
  auto z = torch::randn({4, 64, 9, 18});
  auto target = torch::rand({4, 90, 160});
  auto fast = L1OutsidePerSample(z, target), naive = L1OutsideNaivePerSample(z, target);
  EXPECT_LT(((fast - naive).abs() / naive.abs()).max().item<double>(), 1e-5);
  EXPECT_LT((BilinearMatrix(9, 90).sum(1) - 1).abs().max().item<double>(), 1e-6);
}

TEST(TrainData, FractionMaskIsDeterministicAndHonoursTheShare) {
  int kept = 0;
  for (int t = 0; t < 20000; ++t) {
    const bool a = FractionMaskKeeps(7, 0.25, "frame", "episode_003", t);
    EXPECT_EQ(a, FractionMaskKeeps(7, 0.25, "frame", "episode_003", t));
    kept += a;
  }
  EXPECT_NEAR(kept / 20000.0, 0.25, 0.015);
  int differ = 0;
  for (int t = 0; t < 200; ++t)
    differ +=
        FractionMaskKeeps(7, 0.5, "frame", "e", t) != FractionMaskKeeps(8, 0.5, "frame", "e", t);
  EXPECT_GT(differ, 50);
  // Per episode: every frame of an episode shares the decision.
  for (int e = 0; e < 50; ++e) {
    const std::string name = "ep" + std::to_string(e);
    const bool first = FractionMaskKeeps(1, 0.5, "episode", name, 0);
    for (int t = 1; t < 30; ++t) EXPECT_EQ(FractionMaskKeeps(1, 0.5, "episode", name, t), first);
  }
  EXPECT_TRUE(FractionMaskKeeps(1, 1.0, "frame", "e", 3));
  EXPECT_FALSE(FractionMaskKeeps(1, 0.0, "frame", "e", 3));
  EXPECT_EQ(SeededPermutation(100, 5), SeededPermutation(100, 5));
  EXPECT_NE(SeededPermutation(100, 5), SeededPermutation(100, 6));
}

TEST(TrainOptionsTest, DefaultsPresetsCheckAndJson) {
  TrainOptions o;
  EXPECT_EQ(o.input_height, 180);
  EXPECT_EQ(o.input_width, 320);
  EXPECT_EQ(o.Lambda(), 10);
  EXPECT_EQ(o.Channels(), 2);
  o.Check();
  const TrainOptions q = TrainOptions::Preset("quick");
  EXPECT_EQ(q.input_height, 90);
  EXPECT_EQ(q.input_width, 160);
  EXPECT_EQ(TrainOptions::Preset("paper-carla").regularizer, "gabril_mse");
  EXPECT_THROW(TrainOptions::Preset("nope"), Error);
  const TrainOptions back = TrainOptions::FromJson(q.ToJson(), "x.json");
  EXPECT_EQ(back.ToJson(), q.ToJson());
  TrainOptions bad;
  bad.regularizer = "l2";
  try {
    bad.Check("cfg.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "regularizer");
    EXPECT_EQ(e.file(), "cfg.json");
  }
  bad = TrainOptions();
  bad.target = "none";
  bad.regularizer = "gabril_mse";
  EXPECT_THROW(bad.Check(), Error);
  EXPECT_THROW(TrainOptions::FromJson({{"epoch", 3}}, "x.json"), Error);
  int h = 0, w = 0;
  EXPECT_TRUE(ParseInputSize("90x160", &h, &w));
  EXPECT_EQ(h, 90);
  EXPECT_EQ(w, 160);
  EXPECT_FALSE(ParseInputSize("90x", &h, &w));
  EXPECT_FALSE(ParseInputSize("90x160x3", &h, &w));
}

TEST(TrainData, SplitByEpisodeStacksFramesAndRendersTargets) {
  TrainOptions o = TinyOptions("");
  TrainDataset data(SampleProject(), o);
  ASSERT_EQ(data.episodes().size(), 3u);
  EXPECT_EQ(data.train_samples().size() + data.val_samples().size(), 60u);
  EXPECT_EQ(data.val_samples().size(), 20u);  // one whole episode
  const int val_ep = data.val_samples()[0].episode;
  for (const auto& s : data.val_samples()) EXPECT_EQ(s.episode, val_ep);
  for (const auto& s : data.train_samples()) EXPECT_NE(s.episode, val_ep);
  EXPECT_EQ(TrainDataset(SampleProject(), o).SplitJson(), data.SplitJson());  // seeded
  EXPECT_EQ(data.Fingerprint(), TrainDataset(SampleProject(), o).Fingerprint());

  BatchReader reader(data);
  TrainBatch b;
  reader.Fill(data.train_samples(), {}, 0, 3, &b);  // frames 0, 1, 2 of the first episode
  const size_t hw = 72 * 128;
  ASSERT_EQ(b.obs.size(), 3 * 2 * hw);
  ASSERT_EQ(b.actions.size(), 3u * static_cast<size_t>(data.num_actions()));
  // Frame 0: the first frame is repeated; frame 1: channel 0 is frame 0 == frame 0's channel 1.
  for (size_t i = 0; i < hw; ++i) {
    ASSERT_EQ(b.obs[i], b.obs[hw + i]);
    ASSERT_EQ(b.obs[2 * hw + i], b.obs[hw + i]);
  }
  float lo = 1, hi = 0;
  for (float v : b.obs) lo = std::min(lo, v), hi = std::max(hi, v);
  EXPECT_GE(lo, 0.f);
  EXPECT_LE(hi, 1.f);
  EXPECT_GT(hi, lo);
  EXPECT_EQ(b.reg_mask, (std::vector<float>{1, 1, 1}));
  // Targets: a frame with key boxes gets a min-max normalised map, one without an all-zero map.
  std::vector<TrainSample> all = data.train_samples();
  all.insert(all.end(), data.val_samples().begin(), data.val_samples().end());
  int with = 0, without = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const bool has = !data.episodes()[static_cast<size_t>(all[i].episode)]
                          .key_boxes[static_cast<size_t>(all[i].frame)]
                          .empty();
    if ((has && with > 2) || (!has && without > 2)) continue;
    reader.Fill(all, {}, i, 1, &b);
    const float tmax = *std::max_element(b.target.begin(), b.target.end());
    EXPECT_NEAR(tmax, has ? 1.f : 0.f, 1e-5) << "sample " << i;
    (has ? with : without)++;
  }
  EXPECT_GT(with, 0);
  EXPECT_GT(without, 0);

  // The stream delivers the same batches in order whatever the worker count.
  const auto order = SeededPermutation(data.train_samples().size(), 9);
  std::vector<float> one, two;
  for (int workers : {1, 3}) {
    BatchStream s(data, data.train_samples(), order, 7, workers);
    auto& dst = workers == 1 ? one : two;
    while (s.Next(&b)) dst.insert(dst.end(), b.obs.begin(), b.obs.end());
  }
  EXPECT_EQ(one, two);
}

TEST(TrainRun, TinyRunLowersTheTrainingLossAndWritesTheRunFolder) {
  TrainOptions o = TinyOptions("tiny");
  o.epochs = 6;
  o.batch = 8;
  o.lr = 1e-3;
  int progress_calls = 0;
  const TrainReport r =
      RunTraining(SampleProject(), o, "", [&](const Progress&) { ++progress_calls; });
  EXPECT_EQ(r.status, "completed");
  EXPECT_EQ(r.epochs_done, 6);
  EXPECT_EQ(r.steps, 6 * 5);  // 40 training samples, batch 8
  EXPECT_EQ(progress_calls, 30);
  const auto dir = RunDirectory(SampleProject(), "tiny");
  const auto metrics = ReadMetrics(dir / "metrics.jsonl");
  ASSERT_EQ(metrics.size(), 6u);
  EXPECT_LT(metrics.back()["loss"].get<double>(), metrics.front()["loss"].get<double>());
  EXPECT_LT(metrics.back()["bc"].get<double>(), metrics.front()["bc"].get<double>());
  EXPECT_TRUE(metrics.back()["val_bc"].is_number());
  EXPECT_GT(metrics.back()["reg"].get<double>(), 0.0);
  const Json run = LoadJsonFile(dir / "run.json");
  EXPECT_EQ(run["status"], "completed");
  EXPECT_EQ(run["config"]["regularizer"], "gabril_mse");
  EXPECT_EQ(run["split"]["validation"].size(), 1u);
  EXPECT_TRUE(run["dataset"]["sha256"].is_string());
  for (const char* f : {"last.ckpt", "best.ckpt", "policy.pt", "policy.json"})
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
  const Json policy = LoadJsonFile(dir / "policy.json");
  EXPECT_EQ(policy["input_shape"], Json({2, 72, 128}));
  EXPECT_EQ(policy["action_names"].size(), 3u);
  const auto runs = ListRuns(SampleProject());
  ASSERT_FALSE(runs.empty());
  EXPECT_THROW(RunTraining(SampleProject(), o), Error);  // the name is taken
}

TEST(TrainRun, ResumedSingleThreadedRunEqualsAnUninterruptedOne) {
  TrainOptions o = TinyOptions("straight");
  o.regularizer = "l1_outside";
  o.lambda = 0.01;
  o.epochs = 2;
  o.batch = 12;  // 40 samples: 4 steps per epoch, the stop falls mid-epoch
  o.log_every = 1;
  ASSERT_EQ(RunTraining(SampleProject(), o).status, "completed");
  o.name = "interrupted";
  int steps = 0;
  const TrainReport first = RunTraining(SampleProject(), o, "", {}, [&] { return ++steps == 3; });
  EXPECT_EQ(first.status, "stopped");
  EXPECT_EQ(first.steps, 3);
  EXPECT_EQ(LoadJsonFile(RunDirectory(SampleProject(), "interrupted") / "run.json")["status"],
            "stopped");
  const TrainReport second = RunTraining(SampleProject(), TrainOptions(), "interrupted");
  EXPECT_EQ(second.status, "completed");
  EXPECT_EQ(second.steps, 8);
  const auto a = RunDirectory(SampleProject(), "straight"),
             b = RunDirectory(SampleProject(), "interrupted");
  EXPECT_EQ(MaxParameterDifference(a / "policy.pt", b / "policy.pt"), 0.0);
  const auto ma = ReadMetrics(a / "metrics.jsonl"), mb = ReadMetrics(b / "metrics.jsonl");
  ASSERT_EQ(ma.size(), mb.size());
  for (size_t i = 0; i < ma.size(); ++i) {
    for (const char* k : {"loss", "bc", "reg", "val_bc", "lr"})
      EXPECT_EQ(ma[i][k], mb[i][k]) << k << " epoch " << i + 1;
  }
  // Step records too: every step listed once, with the same running means.
  const auto sa = ReadMetrics(a / "metrics.jsonl", "step"),
             sb = ReadMetrics(b / "metrics.jsonl", "step");
  ASSERT_EQ(sa.size(), 8u);
  ASSERT_EQ(sb.size(), 8u);
  for (size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sb[i]["step"], static_cast<int>(i + 1));
    for (const char* k : {"loss", "bc", "reg", "lr"})
      EXPECT_EQ(sa[i][k], sb[i][k]) << k << " step " << i + 1;
  }
  EXPECT_THROW(RunTraining(SampleProject(), TrainOptions(), "interrupted"), Error);  // completed
  EXPECT_THROW(RunTraining(SampleProject(), TrainOptions(), "no-such-run"), Error);
}

TEST(TrainExport, TorchScriptPolicyMatchesTheModelInCppAndPython) {
  torch::manual_seed(11);
  GabrilCnn m(2, 72, 128, 3);
  m->Initialise();
  m->eval();
  auto x = torch::rand({4, 2, 72, 128});
  torch::Tensor expected;
  {
    torch::NoGradGuard guard;
    expected = m->forward(x).contiguous();
  }
  TempDir dir;
  ExportTorchScript(*m).save((dir / "policy.pt").string());
  auto loaded = torch::jit::load((dir / "policy.pt").string());
  auto out = loaded.forward({x}).toTensor();
  EXPECT_LT((out - expected).abs().max().item<double>(), 1e-6);
  auto z = loaded.get_method("encode")({x}).toTensor();
  EXPECT_EQ(z.sizes(), (std::vector<int64_t>{4, 64, 7, 14}));

  const std::string python = AUTOFOCUS_SYSTEM_PYTHON;
  if (RunProgram(python, {"-c", "import torch, numpy"}).exit_code != 0) {
    GTEST_SKIP() << python << " has no torch/numpy (install python3-torch: scripts/setup-deps)";
  }
  auto xc = x.contiguous();
  WriteNpyFloat32(dir / "x.npy", {4, 2, 72, 128}, xc.data_ptr<float>(),
                  static_cast<size_t>(xc.numel()));
  WriteNpyFloat32(dir / "y.npy", {4, 3}, expected.data_ptr<float>(),
                  static_cast<size_t>(expected.numel()));
  const std::string script =
      "import sys, numpy, torch\n"
      "m = torch.jit.load(sys.argv[1])\n"
      "x = torch.from_numpy(numpy.load(sys.argv[2]))\n"
      "y = torch.from_numpy(numpy.load(sys.argv[3]))\n"
      "with torch.no_grad():\n"
      "    print(float((m(x) - y).abs().max()))\n";
  const auto r = RunProgram(python, {"-c", script, (dir / "policy.pt").string(),
                                     (dir / "x.npy").string(), (dir / "y.npy").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(std::stod(r.out), 1e-5) << r.out;
}

TEST(TrainCli, TrainExecsTheTrainingProgramAndRunsListsIt) {
  const auto help = RunCli({"train", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("--regularizer"), std::string::npos) << help.out;
  const auto r = RunCli({"train", SampleProject().string(), "--preset", "quick", "--epochs", "1",
                         "--batch", "20", "--name", "cli", "--threads", "1", "--input-size",
                         "72x128", "--progress", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("completed"), std::string::npos) << r.out;
  const auto list = RunCli({"runs", SampleProject().string(), "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const Json runs = ParseJsonText(list.out, "stdout");
  bool found = false;
  for (const auto& j : runs) {
    if (j["name"] == "cli") {
      found = true;
      EXPECT_EQ(j["status"], "completed");
      EXPECT_EQ(j["has_policy"], true);
      EXPECT_TRUE(j["best_val_bc"].is_number());
    }
  }
  EXPECT_TRUE(found) << list.out;
  const auto bad =
      RunCli({"train", SampleProject().string(), "--regularizer", "l2", "--progress", "none"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("regularizer"), std::string::npos) << bad.err;
  const auto table = RunCli({"runs", SampleProject().string()});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("cli"), std::string::npos);
}

TEST(TrainCli, RunsListingDoesNotLoadTorch) {
  ::setenv("LD_DEBUG", "libs", 1);
  const auto r = RunCli({"runs", SampleProject().string(), "--json"});
  ::unsetenv("LD_DEBUG");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("calling init"), std::string::npos) << "LD_DEBUG printed nothing";
  EXPECT_EQ(r.err.find("libtorch"), std::string::npos);
  EXPECT_EQ(r.err.find("libc10"), std::string::npos);
}

TEST(TrainCli, SigtermStopsWithACheckpointAndResumeCompletes) {
  const std::string program =
      std::filesystem::path(AUTOFOCUS_CLI_PATH).parent_path() / "autofocus-train";
  const std::string project = SampleProject().string();  // before fork: the child only execs
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execl(program.c_str(), program.c_str(), project.c_str(), "--name", "signalled", "--epochs",
          "10", "--batch", "20", "--input-size", "72x128", "--threads", "1", "--regularizer",
          "none", "--progress", "json", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  // Wait for the first progress line (the loop is running), then ask it to stop.
  std::string text;
  char buf[256];
  while (text.find("\"stage\"") == std::string::npos) {
    const ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  kill(pid, SIGTERM);
  while (read(out[0], buf, sizeof buf) > 0) {
  }
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << text;
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
  const auto dir = RunDirectory(SampleProject(), "signalled");
  const Json run = LoadJsonFile(dir / "run.json");
  EXPECT_EQ(run["status"], "stopped");
  EXPECT_TRUE(std::filesystem::exists(dir / "last.ckpt"));
  EXPECT_LT(run["steps"].get<int>(), 20);
  // A method flag next to --resume would be ignored: refused with the flag's name instead.
  const auto refused =
      RunCli({"train", SampleProject().string(), "--resume", "signalled", "--lr", "0.1"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("drop --lr"), std::string::npos) << refused.err;
  const auto r =
      RunCli({"train", SampleProject().string(), "--resume", "signalled", "--progress", "none"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(LoadJsonFile(dir / "run.json")["status"], "completed");
  EXPECT_EQ(LoadJsonFile(dir / "run.json")["steps"], 20);
}

}  // namespace
}  // namespace autofocus
